#!/usr/bin/env bash
# Windows lane, issue 12: net.proxy, net.reach and clock.skew in vigil.exe -
# WinHTTP, the registry and the time zone API - against servers on
# 127.0.0.1 only (tests/wine/net_servers.py: a Date off by DIR/skew, a proxy
# that answers 407, a port nothing listens on, then a working proxy).
# Where Wine differs from Windows the step names it:
# * Wine has no HKU\S-1-5-18 hive: SYSTEM's WinINet settings are read from
#   HKU\.DEFAULT (on Windows both names are one hive);
# * vigil runs as the Wine user, not SYSTEM: WinHttpGetIEProxyConfigFor-
#   CurrentUser reads that user's HKCU (a note, never compared);
# * the WinHTTP default proxy is Wine's WinHttpSettings format, and Wine
#   falls back to $http_proxy (unset here);
# * the time zone is the host's TZ (set to Europe/Berlin here).
# clock.skew runs with max_age = 0 (one HEAD of its own): `check` runs the
# three probes at once, so whether net.reach's Date is already there is a
# race; reuse is proven in test_probes_net (local_reach_and_clock).
# Usage: net_probes.sh VIGIL_EXE   (WINEPREFIX set by ctest)
set -euo pipefail
exe=${1:?usage: net_probes.sh VIGIL_EXE}
: "${WINEPREFIX:?WINEPREFIX must be set}"
. "$(dirname "$0")/probe_checks.sh"
export WINEDEBUG=-all TZ=Europe/Berlin
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY no_proxy NO_PROXY \
  all_proxy ALL_PROXY
work=$(mktemp -d)
home="$WINEPREFIX/drive_c/vigil-net"
export VIGIL_HOME='C:\vigil-net'
export VIGIL_PIPE="\\\\.\\pipe\\vigil-net-$$"
here=$(cd "$(dirname "$0")" && pwd)
srv=
inet='HKU\.DEFAULT\Software\Microsoft\Windows\CurrentVersion\Internet Settings'
conn='HKLM\Software\Microsoft\Windows\CurrentVersion\Internet Settings\Connections'

inet_existed=0
wine reg query "$inet" > /dev/null 2>&1 && inet_existed=1
cleanup() {
  if [ -n "$srv" ]; then
    kill "$srv" 2> /dev/null || true
    wait "$srv" 2> /dev/null || true
  fi
  if [ "$inet_existed" = 1 ]; then
    wine reg delete "$inet" /v ProxyEnable /f > /dev/null 2>&1 || true
    wine reg delete "$inet" /v ProxyServer /f > /dev/null 2>&1 || true
  else
    wine reg delete "$inet" /f > /dev/null 2>&1 || true
  fi
  wine reg delete "$conn" /v WinHttpSettings /f /reg:64 > /dev/null 2>&1 || true
  rm -rf "$work" "$home"
}
trap cleanup EXIT

# ---- the servers: 127.0.0.1 only, gone after 110 s at the latest
echo 0 > "$work/skew"
timeout 120 python3 "$here/net_servers.py" "$work" 110 &
srv=$!
for _ in $(seq 1 100); do
  [ -s "$work/ports.json" ] && break
  sleep 0.1
done
[ -s "$work/ports.json" ] || fail "net_servers.py did not start"
eval "$(python3 -c 'import json,sys
for k, v in json.load(open(sys.argv[1])).items(): print("%s=%d" % (k, v))' \
  "$work/ports.json")"
o1="http://127.0.0.1:$origin/ncsi.txt"
o2="http://127.0.0.1:$origin2/"
mkdir -p "$home"

# ini ENDPOINTS: the three probes' settings.
ini() {
  printf '[net.reach]\nendpoints = %s\ndeadline = 20s\n' "$1" > "$home/vigil.ini"
  printf '[net.proxy]\ndeadline = 20s\n[clock.skew]\ndeadline = 20s\n' \
    >> "$home/vigil.ini"
  printf 'max_age = 0\n' >> "$home/vigil.ini"
}

# The three probes each `check` runs.
mine=(net.proxy net.reach clock.skew)

# ---- 1: direct; one endpoint on a closed port; the Date 6 min fast.
# Wine: neither HKU\S-1-5-18 nor HKU\.DEFAULT has Internet Settings.
echo 360 > "$work/skew"
ini "$o1, $o2, http://127.0.0.1:$closed/"
check "${mine[@]}"
expect "net.reach=warn:1 of 3 endpoints failed directly: 127.0.0.1:$closed: cannot connect (ERROR_WINHTTP_CANNOT_CONNECT)" \
  'net.reach.ep1_http==200' 'net.reach.ep3_dns==true' \
  'net.reach.ep3_tcp==false' \
  "clock.skew=crit:behind 127.0.0.1:$origin's Date (crit > 5 min)" \
  'clock.skew=crit:time zone Central Europe Standard Time (UTC+01:00), next DST change' \
  'clock.skew.date_source=="own request"' \
  'net.proxy=ok:MARS goes direct (no proxy settings for SYSTEM); all agree (SYSTEM WinINet: direct; WinHTTP default: direct)'

# ---- 2: 2.5 min fast, and a URL that is not http(s) in the list
echo 150 > "$work/skew"
ini "$o1, ftp://files.contoso.com/, $o2"
check "${mine[@]}"
expect 'net.reach=warn:All 2 endpoints answered directly' \
  "net.reach=warn:[net.reach] endpoints: 'ftp://files.contoso.com/' (not an http:// or https:// URL) ignored" \
  'clock.skew=warn:Clock is 2 min' \
  "clock.skew=warn:behind 127.0.0.1:$origin's Date (warn > 2 min)"

# ---- 3: SYSTEM's proxy (Wine: HKU\.DEFAULT) answers 407
echo 0 > "$work/skew"
ini "$o1, $o2"
wine reg add "$inet" /v ProxyEnable /t REG_DWORD /d 1 /f > /dev/null
wine reg add "$inet" /v ProxyServer /t REG_SZ /d "127.0.0.1:$proxy407" /f > /dev/null
check "${mine[@]}"
expect "net.proxy=crit:proxy 127.0.0.1:$proxy407 (from SYSTEM's WinINet settings (HKU\\.DEFAULT)) answers 407 Proxy Authentication Required" \
  "net.proxy=crit:the proxy settings disagree: SYSTEM WinINet (.DEFAULT): proxy 127.0.0.1:$proxy407; WinHTTP default: direct" \
  "net.reach=crit:None of 2 endpoints answered through proxy 127.0.0.1:$proxy407" \
  'net.reach=crit:HTTP 407 Proxy Authentication Required' \
  "net.reach=crit:[proxy from SYSTEM's WinINet settings (HKU\\.DEFAULT)]"
python3 - "$work/out.json" <<'PY'
import json, sys
p = {x["id"]: x for x in json.load(open(sys.argv[1]))["probes"]}
assert "407" in p["net.proxy"]["predicts"] and "407" in p["net.reach"]["predicts"], p
PY
grep -q "^$proxy407 " "$work/requests.log" || fail "no request reached the 407 proxy"

# ---- 4: SYSTEM's proxy refuses the connection
wine reg add "$inet" /v ProxyServer /t REG_SZ /d "127.0.0.1:$closed" /f > /dev/null
check "${mine[@]}"
expect "net.proxy=crit:proxy 127.0.0.1:$closed (from SYSTEM's WinINet settings (HKU\\.DEFAULT)) does not accept a connection" \
  "net.reach=crit:None of 2 endpoints answered through proxy 127.0.0.1:$closed" \
  'clock.skew=unknown:Clock not compared: '

# ---- 5: fixed - a working proxy, and the WinHTTP default (Wine's
# WinHttpSettings format) names the same one
wine reg add "$inet" /v ProxyServer /t REG_SZ /d "127.0.0.1:$proxyok" /f > /dev/null
blob=$(python3 -c 'import struct, sys
p = sys.argv[1].encode()
print((struct.pack("<IIII", 0x18, 0, 3, len(p)) + p + struct.pack("<I", 0)).hex())' \
  "127.0.0.1:$proxyok")
wine reg add "$conn" /v WinHttpSettings /t REG_BINARY /d "$blob" /f /reg:64 > /dev/null
: > "$work/requests.log"
check "${mine[@]}"
expect "net.proxy=ok:proxy 127.0.0.1:$proxyok (from SYSTEM's WinINet settings (HKU\\.DEFAULT)) accepts connections (HTTP 200); all agree" \
  "net.reach=ok:All 2 endpoints answered through proxy 127.0.0.1:$proxyok" \
  "clock.skew=ok:Clock agrees with 127.0.0.1:$origin's Date within 1 s"
if grep -qv "^$proxyok " "$work/requests.log"; then
  cat "$work/requests.log" >&2
  fail "a request went around the proxy"
fi

# ---- 6: the WinHTTP default goes direct again: sources disagree
wine reg delete "$conn" /v WinHttpSettings /f /reg:64 > /dev/null
check "${mine[@]}"
expect "net.proxy=warn:the proxy settings disagree: SYSTEM WinINet (.DEFAULT): proxy 127.0.0.1:$proxyok; WinHTTP default: direct"
echo "net probes: faults seen, fixed proxy ok"

#!/usr/bin/env bash
# Windows lane, issue 7: the MSI under Wine's msiexec, in the ctest prefix.
#   1. `msiexec /i vigil-X-x64.msi /qn VIGILCONFIG=...` installs vigil.exe,
#      the service (started by ServiceControl), the Event Log source, the
#      PATH entry and the data folder with vigil.ini copied in; the
#      service answers `vigil status` from the installed copy.
#   2. The same package one version higher upgrades in place: one product,
#      one service, running again, the database's history kept, vigil.ini
#      not overwritten.
#   3. `msiexec /x` removes the service, the event source, the PATH entry,
#      the files and HKLM\SOFTWARE\Vigil, and leaves the data folder.
#   4. VIGILDATA puts the data folder elsewhere; the service uses it.
#   5. An older package is refused; an unreadable VIGILCONFIG rolls back.
# What Wine cannot show: the data folder's ACL (Wine keeps no NTFS ACLs; a
# security descriptor reads back made up from the Unix mode), the recovery
# actions (its SCM accepts SERVICE_CONFIG_FAILURE_ACTIONS without storing
# them and answers ERROR_INVALID_LEVEL to the non-crash flag and delayed
# start): for those the test checks that the custom actions succeeded.
# Wine's StopServices does not wait for the service to stop (Windows does):
# the package's own VigilStopService (`vigil stop`, which waits) covers
# that, and the test checks it ran on upgrade and uninstall.
# Usage: msi_e2e.sh VIGIL_EXE MSI NEXT_MSI  (WINEPREFIX set by ctest)
set -euo pipefail
msi=${2:?usage: msi_e2e.sh VIGIL_EXE MSI NEXT_MSI}
next=${3:?usage: msi_e2e.sh VIGIL_EXE MSI NEXT_MSI}
: "${WINEPREFIX:?WINEPREFIX must be set}"
export WINEDEBUG=-all
unset VIGIL_HOME VIGIL_PIPE
work=$(mktemp -d)
. "$(dirname "$0")/mars_plant.sh"
drive_c=$WINEPREFIX/drive_c
installed='C:\Program Files\Vigil\vigil.exe'
evkey='HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\Vigil'
envkey='HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment'
passed=0
pass() { echo "ok: $*"; passed=$((passed + 1)); }
fail() {
  echo "FAIL: $*" >&2
  for f in "$work"/*.out; do
    [ -f "$f" ] || continue
    echo "---- msiexec $(basename "$f" .out): output, failed actions" >&2
    grep -v -E 'wine32|multiarch|dpkg --add|apt-get install' "$f" >&2 || true
    tr -d '\000\r' < "${f%.out}.log" |
      grep -E 'Return value [03]\.|rror' | head -10 >&2 || true
  done
  exit 1
}
cleanup() {
  # Leave the shared prefix without the product, whatever happened.
  local m
  for m in "$next" "$msi"; do
    wine msiexec /x "$(winepath -w "$m")" /qn >/dev/null 2>&1 || true
  done
  # and without the MARS install planted below: the unit tests expect none.
  unplant_mars
  rm -rf "$drive_c/vigil-msi" "$drive_c/VigilData" "$drive_c/ProgramData/Vigil"
  [ -n "${KEEP_WORK:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT
# A persistent wineserver, as a Windows machine keeps its services up: Wine
# counts services as system processes and would otherwise shut them down
# (and boot them again) whenever no command of this script runs for 3 s.
# isolated.sh stops it when the script ends.
wineserver -p

# msiexec with a verbose log in $work (Wine writes it in ASCII, Windows in
# UTF-16: log_has reads either); what the custom actions print (vigil.exe
# shares msiexec's console under Wine) goes to $work/NAME.out. Wine's log
# shows a deferred custom action only when it is scheduled, not its result:
# its output is the evidence that it ran and succeeded.
run_msiexec() {
  local log=$1 rc=0
  shift
  wine msiexec "$@" /l*v "$(winepath -w "$work/$log.log")" \
    > "$work/$log.out" 2>&1 || rc=$?
  # msiexec that never started (no log line written, nothing printed) is
  # Wine failing to launch it, not the package: said, and tried once more.
  if [ $rc -ne 0 ] && [ ! -s "$work/$log.log" ] && [ ! -s "$work/$log.out" ]; then
    echo "note: msiexec ($log) did not start under Wine (exit $rc); once more" >&2
    sleep 1
    rc=0
    wine msiexec "$@" /l*v "$(winepath -w "$work/$log.log")" \
      > "$work/$log.out" 2>&1 || rc=$?
  fi
  return $rc
}
# Never `grep -q` at the end of a pipe here: it exits at the first match,
# the writer before it dies of SIGPIPE and pipefail fails the check (a
# flake that depends on how the writer's output is chunked).
log_has() { tr -d '\000\r' < "$work/$1.log" | grep -E -- "$2" > /dev/null; }
out_has() { tr -d '\r' < "$work/$1.out" | grep -F -- "$2" > /dev/null; }
reg_value() { # KEY VALUE -> data of a REG_SZ/REG_DWORD value, or nothing
  wine reg query "$1" /v "$2" 2>/dev/null | tr -d '\r' |
    awk -v v="$2" '$1 == v { $1 = ""; $2 = ""; sub(/^  */, ""); print }'
}
svc_state() { # -> RUNNING, STOPPED, ... or MISSING
  local out
  if ! out=$(wine sc query Vigil 2>/dev/null | tr -d '\r'); then
    echo MISSING
  else
    printf '%s\n' "$out" | awk '$1 == "STATE" { print $4 }'
  fi
}
wait_running() {
  local st=
  for _ in $(seq 1 40); do
    st=$(svc_state)
    [ "$st" = RUNNING ] && return 0
    sleep 0.5
  done
  fail "service Vigil is '$st', want RUNNING"
}
status_json() { # OUT: `vigil status --json` from the installed copy
  local rc=3
  for _ in $(seq 1 60); do
    set +e
    wine "$installed" status --json > "$1" 2> "$work/status.err"
    rc=$?
    set -e
    [ $rc -ne 3 ] && break
    sleep 0.5
  done
  [ $rc -ne 3 ] || { cat "$work/status.err" >&2; fail "status: exit $rc"; }
}
history_json() { # OUT MIN: history of scratch.space with at least MIN samples
  for _ in $(seq 1 60); do
    if wine "$installed" history scratch.space --since 1d --json > "$1" \
         2> "$work/history.err" &&
       python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); \
sys.exit(0 if len(d["samples"]) >= int(sys.argv[2]) else 1)' "$1" "$2"; then
      return 0
    fi
    sleep 0.5
  done
  cat "$work/history.err" "$1" >&2 || true
  fail "history scratch.space: fewer than $2 samples"
}

# ---------------------------------------------------------- preconditions
if [ "$(svc_state)" != MISSING ]; then
  echo "note: a service Vigil is left in the prefix by another test;" \
       "removing it before installing the MSI" >&2
  wine sc stop Vigil >/dev/null 2>&1 || true
  sleep 1
  wine sc delete Vigil >/dev/null 2>&1 || true
fi
rm -rf "$drive_c/ProgramData/Vigil" "$drive_c/VigilData"
# A MARS install with a scratch folder, so scratch.space measures.
plant_mars 'C:\MARS\Scratch\'
mkdir -p "$drive_c/vigil-msi"
printf '; planted by msi_e2e.sh\n[scratch.space]\ninterval = 1s\nbackup_bytes = 1G\n' \
  > "$drive_c/vigil-msi/vigil.ini"
printf '; second config, must not replace the first\n[scratch.space]\ninterval = 1h\n' \
  > "$drive_c/vigil-msi/other.ini"

# ---------------------------------------------------------------- install
rc=0
run_msiexec install /i "$(winepath -w "$msi")" /qn \
  'VIGILCONFIG=C:\vigil-msi\vigil.ini' || rc=$?
[ $rc -eq 0 ] || fail "msiexec /i $(basename "$msi"): exit $rc"
[ -f "$drive_c/Program Files/Vigil/vigil.exe" ] || fail "vigil.exe not installed"
for doc in probes events operations fleet metrics protocol install; do
  [ -s "$drive_c/Program Files/Vigil/docs/$doc.md" ] ||
    fail "docs\\$doc.md not installed"
done
cmp -s "$1" "$drive_c/Program Files/Vigil/vigil.exe" ||
  fail "installed vigil.exe differs from the build's"
pass "msiexec /i /qn installed C:\\Program Files\\Vigil\\vigil.exe"

[ "$(reg_value "$evkey" EventMessageFile)" = "$installed" ] ||
  fail "EventMessageFile is '$(reg_value "$evkey" EventMessageFile)'"
[ "$(reg_value "$evkey" CategoryMessageFile)" = "$installed" ] ||
  fail "CategoryMessageFile is '$(reg_value "$evkey" CategoryMessageFile)'"
[ "$(reg_value "$evkey" TypesSupported)" = 0x7 ] || fail "TypesSupported"
[ "$(reg_value "$evkey" CategoryCount)" = 0x2 ] || fail "CategoryCount"
pass "event source Vigil: message file, categories, types"

svckey='HKLM\SYSTEM\CurrentControlSet\Services\Vigil'
[ "$(reg_value "$svckey" ImagePath)" = "$installed service" ] ||
  fail "service ImagePath is '$(reg_value "$svckey" ImagePath)'"
[ "$(reg_value "$svckey" Start)" = 0x2 ] || fail "service start type not auto"
[ "$(reg_value "$svckey" ObjectName)" = LocalSystem ] || fail "service account"
[ "$(reg_value "$svckey" DisplayName)" = "Vigil - MARS backup health monitor" ] ||
  fail "service display name"
pass "service Vigil: auto start, LocalSystem, \"vigil.exe\" service"

wait_running
pass "ServiceControl started the service: RUNNING"

case "$(reg_value "$envkey" PATH)" in
  *'C:\Program Files\Vigil\'*) ;;
  *) fail "system PATH lacks C:\\Program Files\\Vigil: $(reg_value "$envkey" PATH)" ;;
esac
# A new console (a process started from outside Wine reads the system
# environment from the registry) finds vigil on PATH.
ver=$(wine cmd /c vigil version 2>&1 | tr -d '\r') || fail "vigil on PATH: $ver"
if [ -z "$ver" ]; then # nothing at all, not even cmd's "not found": Wine
  echo "note: 'wine cmd /c vigil version' printed nothing; once more" >&2
  ver=$(wine cmd /c vigil version 2>&1 | tr -d '\r') || fail "vigil on PATH: $ver"
fi
case "$ver" in vigil\ *) ;; *) fail "vigil on PATH printed '$ver'" ;; esac
pass "system PATH has C:\\Program Files\\Vigil; 'vigil version' from a new console"

data=$drive_c/ProgramData/Vigil
[ "$(reg_value 'HKLM\SOFTWARE\Vigil' DataFolder)" = 'C:\ProgramData\Vigil' ] ||
  fail "HKLM\\SOFTWARE\\Vigil DataFolder is '$(reg_value 'HKLM\SOFTWARE\Vigil' DataFolder)'"
cmp -s "$data/vigil.ini" "$drive_c/vigil-msi/vigil.ini" ||
  fail "VIGILCONFIG was not copied to C:\\ProgramData\\Vigil\\vigil.ini"
# The data folder's ACL and the recovery actions come from vigil.exe run by
# the deferred custom actions. Wine keeps no NTFS ACLs (a folder's security
# descriptor reads back made up from its Unix mode) and its SCM accepts
# recovery actions without storing them, so what can be checked here is
# that both actions ran and succeeded.
out_has install 'vigil install: data folder C:\ProgramData\Vigil (SYSTEM and Administrators only); vigil.ini copied from C:\vigil-msi\vigil.ini' ||
  fail "custom action VigilPrepareData: $(cat "$work/install.out")"
out_has install 'vigil install: service Vigil restarts after 1 min, 1 min, then every 5 min' ||
  fail "custom action VigilServiceRecovery: $(cat "$work/install.out")"
pass "custom actions: data folder ACL set, VIGILCONFIG copied in, recovery actions set"

status_json "$work/status.json"
python3 - "$work/status.json" <<'PY' || fail "status --json: $(cat "$work/status.json")"
import json, sys
doc = json.load(open(sys.argv[1]))
p = {x["id"]: x for x in doc["probes"]}["scratch.space"]
assert p["facts"]["path"] == "C:\\MARS\\Scratch", p["facts"]
PY
pass "'vigil status --json' from the installed copy answers from the service"

history_json "$work/history1.json" 2
first_ts=$(python3 -c 'import json,sys; print(min(s["ts"] for s in \
json.load(open(sys.argv[1]))["samples"]))' "$work/history1.json")
[ -f "$data/vigil.db" ] || fail "no vigil.db in C:\\ProgramData\\Vigil"
pass "the service records history in C:\\ProgramData\\Vigil\\vigil.db (first $first_ts)"

# ---------------------------------------------------------------- upgrade
rc=0
run_msiexec upgrade /i "$(winepath -w "$next")" /qn \
  'VIGILCONFIG=C:\vigil-msi\other.ini' || rc=$?
[ $rc -eq 0 ] || fail "msiexec /i $(basename "$next") over $(basename "$msi"): exit $rc"
out_has upgrade 'vigil stop: service Vigil stopped' ||
  fail "the older version's service was not stopped first"
log_has upgrade 'RemoveExistingProducts\. Return value 1' ||
  fail "the upgrade did not remove the older product"
nv=$(basename "$next" | sed -E 's/^vigil-(.*)-x64\.msi$/\1/')
wine reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall' /s \
  > "$work/arp.txt" 2>/dev/null || true
n=$(tr -d '\r' < "$work/arp.txt" | grep -c -E 'DisplayName +REG_SZ +Vigil$' || true)
[ "$n" = 1 ] || fail "$n products named Vigil after the upgrade, want 1"
tr -d '\r' < "$work/arp.txt" | grep -E "DisplayVersion +REG_SZ +$nv\$" > /dev/null ||
  fail "installed version is not $nv"
[ "$(reg_value 'HKLM\SOFTWARE\Vigil' Version)" = "$nv" ] || fail "Version"
wait_running
n=$(wine reg query 'HKLM\SYSTEM\CurrentControlSet\Services' 2>/dev/null |
    tr -d '\r' | grep -c -i -E '\\Services\\Vigil$' || true)
[ "$n" = 1 ] || fail "$n services named Vigil after the upgrade"
pass "upgrade to $nv in place: one product, one service, RUNNING"

cmp -s "$data/vigil.ini" "$drive_c/vigil-msi/vigil.ini" ||
  fail "the upgrade replaced the existing vigil.ini"
out_has upgrade 'kept the existing C:\ProgramData\Vigil\vigil.ini' ||
  fail "VigilPrepareData on upgrade: $(cat "$work/upgrade.out")"
history_json "$work/history2.json" 3
python3 - "$work/history1.json" "$work/history2.json" <<'PY' ||
import json, sys
before = json.load(open(sys.argv[1]))["samples"]
after = json.load(open(sys.argv[2]))["samples"]
old = {s["ts"] for s in before}
assert old <= {s["ts"] for s in after}, "samples from before are gone"
assert max(s["ts"] for s in after) > max(old), "no sample after the upgrade"
print("history: %d samples before, %d after the upgrade" %
      (len(before), len(after)))
PY
  fail "history after the upgrade"
pass "the data folder survived: vigil.ini kept, history from before the upgrade"

# An older package over the newer one is refused and changes nothing.
rc=0
run_msiexec downgrade /i "$(winepath -w "$msi")" /qn >/dev/null 2>&1 || rc=$?
[ $rc -ne 0 ] || fail "installing $(basename "$msi") over $nv was not refused"
# 1603 is ERROR_INSTALL_FAILURE, what a failed launch condition returns
# (Wine hands the shell the exit code's low byte: 1603 & 255 = 67).
[ $rc -eq 67 ] || fail "the downgrade failed with exit $rc, want 67 (1603, ERROR_INSTALL_FAILURE)"
# The failed action must be the launch condition (Wine logs a failed action
# as "Return value 0", Windows as 3). Wine's verbose log is written through
# more than one handle and its closing property dump (where
# WIX_DOWNGRADE_DETECTED shows) is not always whole, so the property is
# not required here; the exit code, the action and the unchanged product are.
log_has downgrade 'LaunchConditions\. Return value [03]' ||
  fail "the downgrade was not refused by MajorUpgrade's launch condition"
[ "$(reg_value 'HKLM\SOFTWARE\Vigil' Version)" = "$nv" ] || fail "downgrade changed Version"
wait_running
pass "a downgrade is refused (MajorUpgrade); $nv stays RUNNING"

# -------------------------------------------------------------- uninstall
rc=0
run_msiexec uninstall /x "$(winepath -w "$next")" /qn || rc=$?
[ $rc -eq 0 ] || fail "msiexec /x: exit $rc"
out_has uninstall 'vigil stop: service Vigil stopped' ||
  fail "the service was not stopped before its files were removed"
[ "$(svc_state)" = MISSING ] || fail "service Vigil still there: $(svc_state)"
if wine reg query "$evkey" >/dev/null 2>&1; then fail "event source key left"; fi
if wine reg query 'HKLM\SOFTWARE\Vigil' >/dev/null 2>&1; then
  fail "HKLM\\SOFTWARE\\Vigil left"
fi
[ ! -e "$drive_c/Program Files/Vigil" ] || fail "C:\\Program Files\\Vigil left"
case "$(reg_value "$envkey" PATH)" in
  *Vigil*) fail "system PATH still has Vigil: $(reg_value "$envkey" PATH)" ;;
esac
[ -f "$data/vigil.db" ] && [ -f "$data/vigil.ini" ] ||
  fail "the data folder did not survive the uninstall"
pass "msiexec /x removed service, event source, PATH entry, files; kept the data folder"

# ------------------------------------------------------------- VIGILDATA
rc=0
run_msiexec vigildata /i "$(winepath -w "$msi")" /qn 'VIGILDATA=C:\VigilData' || rc=$?
[ $rc -eq 0 ] || fail "msiexec /i VIGILDATA=C:\\VigilData: exit $rc"
wait_running
[ "$(reg_value 'HKLM\SOFTWARE\Vigil' DataFolder)" = 'C:\VigilData' ] ||
  fail "DataFolder is '$(reg_value 'HKLM\SOFTWARE\Vigil' DataFolder)'"
status_json "$work/status2.json"
for _ in $(seq 1 40); do
  [ -f "$drive_c/VigilData/vigil.db" ] && break
  sleep 0.5
done
[ -f "$drive_c/VigilData/vigil.db" ] || fail "the service did not use C:\\VigilData"
rc=0
run_msiexec vigildata-x /x "$(winepath -w "$msi")" /qn || rc=$?
[ $rc -eq 0 ] || fail "msiexec /x (VIGILDATA): exit $rc"
[ -d "$drive_c/VigilData" ] || fail "C:\\VigilData removed by the uninstall"
pass "VIGILDATA=C:\\VigilData: the service keeps its database there"

# ------------------------------------------------------------- rollback
# A VIGILCONFIG that cannot be read fails the install (custom action
# VigilPrepareData) and everything done so far is rolled back. Last: Wine
# leaves an empty entry in PATH for each removal (below), which would hide
# vigil from `cmd` lookups in the steps above.
if run_msiexec rollback /i "$(winepath -w "$msi")" /qn \
     'VIGILCONFIG=C:\vigil-msi\missing.ini' >/dev/null 2>&1; then
  fail "install with a missing VIGILCONFIG succeeded"
fi
out_has rollback 'vigil install: reading the config file C:\vigil-msi\missing.ini (VIGILCONFIG)' ||
  fail "the failed install did not fail in VigilPrepareData: $(cat "$work/rollback.out")"
[ "$(svc_state)" = MISSING ] || fail "rollback left service Vigil"
[ ! -e "$drive_c/Program Files/Vigil" ] || fail "rollback left the files"
if wine reg query "$evkey" >/dev/null 2>&1; then fail "rollback left the event source"; fi
pass "an unreadable VIGILCONFIG fails the install and rolls it back"

# Wine's RemoveEnvironmentStrings takes "C:\Program Files\Vigil\" out of
# PATH but leaves its ";" (Windows removes both); reported, not failed.
case "$(reg_value "$envkey" PATH)" in
  *';;'*) echo "note: Wine left empty entries in PATH: $(reg_value "$envkey" PATH)" ;;
esac

echo "$passed passed, 0 failed"

#!/usr/bin/env bash
# Windows lane, issue 13: mars.mgmtagent, mars.registration, source.volumes
# and vss.writers read by vigil.exe through the real Win32/COM calls from a
# MARS installation planted in the Wine prefix (registry values, a stand-in
# management agent service created with sc), then the System State margin
# (scratch.space), the Azure disks (scratch.config) and the offline-seeding
# floor (mars.install). Each fault first, then its fix.
#
# Wine's limits, named where they bite:
#  * no VSS: its vssapi.dll answers E_NOTIMPL, so vss.writers must be
#    unknown with that reason - never a crash, never a guess;
#  * no BitLocker WMI namespace: volumes read as "BitLocker is not installed";
#  * no real rename: Wine's GetComputerNameExW reads the DNS host name and
#    domain from Tcpip\Parameters (rewritten from the Unix host name when a
#    wineserver starts), so a rename is those values changed while the agent
#    keeps one wineserver running. The baseline logic itself is also tested
#    natively through the fake OS (test_probes_mars3).
# Cleans up after itself (the prefix is shared by the lane).
# Usage: probes3.sh VIGIL_EXE FAKE_CBENGINE_DIR   (WINEPREFIX set by ctest)
set -euo pipefail
exe=${1:?usage: probes3.sh VIGIL_EXE FAKE_CBENGINE_DIR}
fakes=${2:?usage: probes3.sh VIGIL_EXE FAKE_CBENGINE_DIR}
: "${WINEPREFIX:?WINEPREFIX must be set}"
. "$(dirname "$0")/mars_plant.sh"
. "$(dirname "$0")/probe_checks.sh"
export WINEDEBUG=-all
c=$WINEPREFIX/drive_c
work=$(mktemp -d)
home=$c/vigil-probes3
export VIGIL_HOME='C:\vigil-probes3'
export VIGIL_PIPE="\\\\.\\pipe\\vigil-probes3-$$"
ip_win='C:\Program Files\Microsoft Azure Recovery Services Agent'
ip="$c/Program Files/Microsoft Azure Recovery Services Agent"
cbp="$mars_key\\Config\\CloudBackupProvider"
tcpip='HKLM\System\CurrentControlSet\Services\Tcpip\Parameters'
azure_key='HKLM\SOFTWARE\Microsoft\Windows Azure'
display='Microsoft Azure Recovery Services Management Agent'
four=(mars.mgmtagent mars.registration source.volumes vss.writers)
agent=

# svc_create NAME DISPLAY START EXE: a stand-in service (the fake cbengine,
# which runs as the service named by its argument), stopped.
svc_create() {
  svc_gone "$1"
  wine sc create "$1" binPath= "\"$4\" $1" DisplayName= "$2" start= "$3" \
    >/dev/null || fail "sc create $1"
}
tcpip_value() { # NAME: the value as Wine stores it ("" when empty)
  wine reg query "$tcpip" /v "$1" 2>/dev/null | tr -d '\r' |
    awk -v n="$1" '$1 == n { print $3 }'
}
host0=$(tcpip_value Hostname)
domain0=$(tcpip_value Domain)
[ -n "$host0" ] || fail "no Hostname under $tcpip: Wine changed where" \
  "GetComputerNameExW reads it"

cleanup() {
  if [ -n "$agent" ]; then kill "$agent" 2>/dev/null || true; fi
  wine reg add "$tcpip" /v Hostname /d "$host0" /f >/dev/null 2>&1 || true
  wine reg add "$tcpip" /v Domain /d "$domain0" /f >/dev/null 2>&1 || true
  svc_gone MARSMgmtStandIn
  svc_gone vigilmgmt2
  svc_gone WindowsAzureGuestAgent
  q wine reg delete "$azure_key" /f /reg:64
  unplant_mars
  rm -rf "$ip" "$home" "$c/DATALOSS_WARNING_README.txt" "$c/vigil-azure" \
    "$work"
}
trap cleanup EXIT

mkdir -p "$home"

step "no agent: the four new probes n/a (no VSS session is opened)"
check "${four[@]}"
expect "mars.mgmtagent=n/a:MARS agent is not installed" \
  "mars.registration=n/a" "source.volumes=n/a" "vss.writers=n/a"

step "agent planted, not registered, no management agent service; Wine's" \
  "drives; Wine has no VSS (E_NOTIMPL) and no BitLocker namespace"
plant_mars 'C:\MARS\Scratch'
wine reg add "$mars_key\\Config\\CloudBackupProvider" /v ScratchLocation \
  /t REG_SZ /d 'C:\MARS\Scratch' /f /reg:64 >/dev/null
mkdir -p "$ip/bin"
cp "$fakes/fake_cbengine_2_0_9262_0.exe" "$ip/bin/cbengine.exe"
cp "$fakes/fake_cbengine_2_0_9262_0.exe" "$ip/bin/MgmtAgent.exe"
check "${four[@]}"
expect "mars.mgmtagent=crit:MARS management agent service not found (no service named \"$display\" or with a binary in $ip_win\\bin)" \
  "mars.registration=crit:MARS agent is installed but not registered: ServiceResourceName, ResourceId, MachineId missing" \
  "source.volumes=ok:volume(s) ready to back up (fixed, NTFS, writable, online, unlocked): " \
  'source.volumes.vol0_fs=="NTFS"' 'source.volumes.vol0_type=="fixed"' \
  'source.volumes.bitlocker_note=="BitLocker is not installed"' \
  "vss.writers=unknown:Could not measure vss.writers: CreateVssBackupComponentsInternal returned 0x80004001 E_NOTIMPL" \
  'vss.writers.failed_call=="CreateVssBackupComponentsInternal"'
[ $rc -eq 2 ] || fail "exit $rc with crit findings, want 2"

step "management agent: found by display name; stopped, manual, automatic"
svc_create MARSMgmtStandIn "$display" demand "$ip_win\\bin\\MgmtAgent.exe"
check mars.mgmtagent
expect "mars.mgmtagent=crit:service MARSMgmtStandIn is stopped (start type manual)" \
  'mars.mgmtagent.found_by=="display name"'
wine net start MARSMgmtStandIn >/dev/null 2>&1 || fail "net start"
check mars.mgmtagent
expect "mars.mgmtagent=warn:MARSMgmtStandIn is running but its start type is manual"
# (Wine's sc config cannot change the start type: create it again.)
svc_create MARSMgmtStandIn "$display" auto "$ip_win\\bin\\MgmtAgent.exe"
wine net start MARSMgmtStandIn >/dev/null 2>&1 || fail "net start"
check mars.mgmtagent
expect "mars.mgmtagent=ok:MARSMgmtStandIn is running (start type auto"
svc_gone MARSMgmtStandIn

step "management agent: another display name, found by its binary in bin" \
  "(obengine's binary there too is never taken for it)"
svc_create obengine 'Microsoft Azure Recovery Services Agent' auto \
  "$ip_win\\bin\\cbengine.exe"
svc_create vigilmgmt2 'Some agent' disabled "$ip_win\\bin\\MgmtAgent.exe"
check mars.mgmtagent
expect "mars.mgmtagent=crit:service vigilmgmt2 is disabled" \
  'mars.mgmtagent.found_by=="binary path"'
svc_gone vigilmgmt2
svc_gone obengine

step "source.volumes: a configured volume that is not there, a size limit" \
  "Wine's C: is over; vss.writers within a 4 s deadline (still E_NOTIMPL)"
printf '[source.volumes]\nvolumes = C:, Q:\nsize_limit = 1G\n[vss.writers]\ndeadline = 4s\n' \
  > "$home/vigil.ini"
check source.volumes vss.writers
expect "source.volumes=crit:Q:\\ is not mounted (configured volume)" \
  "source.volumes=crit:C:\\ has " "source.volumes=crit:used, over the 1 GiB MARS limit" \
  "vss.writers=unknown:E_NOTIMPL"
rm -f "$home/vigil.ini"

step "Azure temporary disk (README + guest agent service), System State" \
  "staging value, offline seeding with agent 2.0.9100.0"
touch "$c/DATALOSS_WARNING_README.txt"
mkdir -p "$c/vigil-azure"
cp "$fakes/fake_cbengine_2_0_9262_0.exe" "$c/vigil-azure/guest.exe"
svc_create WindowsAzureGuestAgent 'Windows Azure Guest Agent' demand \
  'C:\vigil-azure\guest.exe'
wine reg add "$cbp" /v SSBStagingPath /t REG_SZ /d 'C:\MARS\Scratch' /f \
  /reg:64 >/dev/null
wine reg add "$cbp" /v AzureADAppCertThumbprint_vigiltest /t REG_SZ \
  /d 0123456789ABCDEF /f /reg:64 >/dev/null
cp "$fakes/fake_cbengine_2_0_9100_0.exe" "$ip/bin/cbengine.exe"
check scratch.config scratch.space mars.install
expect "scratch.config=crit:Scratch folder is on the Azure VM's temporary disk C:\\ (DATALOSS_WARNING_README.txt)" \
  'scratch.config.azure_vm_source=="auto: service WindowsAzureGuestAgent"' \
  'scratch.space.system_state=="yes"' 'scratch.space.margin_bytes==32212254720' \
  "mars.install=crit:MARS agent 2.0.9100.0 in $ip_win is older than 2.0.9250.0, which offline seeding needs"
python3 - "$work/out.json" <<'PY' || fail "scratch.space without the margin"
import json, sys
p = {x["id"]: x for x in json.load(open(sys.argv[1]))["probes"]}["scratch.space"]
assert "after the 30.0 GiB System State margin" in p["summary"], p["summary"]
print("  ok  scratch.space      %s %s" % (p["status"], p["summary"]))
PY
rm "$c/DATALOSS_WARNING_README.txt"
check scratch.config
expect "scratch.config=warn:Scratch folder C:\\MARS\\Scratch is on the Azure VM's OS disk C:\\"
svc_gone WindowsAzureGuestAgent
wine reg add "$azure_key\\GuestAgent" /v Version /d 2.7 /f /reg:64 >/dev/null
check scratch.config
expect "scratch.config=warn:OS disk" \
  'scratch.config.azure_vm_source=="auto: HKLM\\SOFTWARE\\Microsoft\\Windows Azure"'
q wine reg delete "$azure_key" /f /reg:64
wine reg delete "$cbp" /v AzureADAppCertThumbprint_vigiltest /f /reg:64 \
  >/dev/null
check scratch.config mars.install
expect "scratch.config=ok:both ScratchLocation values agree" \
  "mars.install=warn:MARS agent 2.0.9100.0 in $ip_win is older than 2.0.9249.0"

step "registration baseline kept by a running agent (check keeps no memo):" \
  "taken, kept across a restart, a rename and a domain move through" \
  "Tcpip\\Parameters (Wine cannot rename), re-registration re-takes it"
plant_mars_registration 1
printf '[mars.registration]\ninterval = 1s\n' > "$home/vigil.ini"
wine "$exe" run --console > "$work/agent.out" 2>&1 &
agent=$!
status_until "mars.registration=ok:MARS agent is registered; baseline taken (host $host0"
kill "$agent"
wait "$agent" 2>/dev/null || true
wine "$exe" run --console > "$work/agent.out" 2>&1 &
agent=$!
status_until "mars.registration=ok:host $host0," \
  "mars.registration=ok:unchanged since the"
wine reg add "$tcpip" /v Hostname /d vigil-renamed /f >/dev/null
status_until "mars.registration=crit:host name $host0 -> vigil-renamed"
wine reg add "$tcpip" /v Hostname /d "$host0" /f >/dev/null
status_until "mars.registration=ok:unchanged since the"
wine reg add "$tcpip" /v Domain /d vigil.example /f >/dev/null
status_until "mars.registration=crit:-> vigil.example"
plant_mars_registration 2
status_until "mars.registration=ok:MARS agent was registered again"
kill "$agent"
wait "$agent" 2>/dev/null || true
agent=

echo "$passed checks passed, 0 failed"

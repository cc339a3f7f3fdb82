#!/usr/bin/env bash
# Windows lane, issue 5: plants a MARS installation in the Wine prefix - the
# registry values, install and scratch folders, a stand-in cbengine.exe with
# a real file version, an `obengine` service, 65,000 real .tmp files - runs
# `vigil check --json` and asserts each probe's status; then fixes each fault
# and asserts ok. Cleans up after itself (the prefix is shared by the lane).
# Usage: mars_probes.sh VIGIL_EXE FAKE_CBENGINE_DIR   (WINEPREFIX from ctest)
set -euo pipefail
exe=${1:?usage: mars_probes.sh VIGIL_EXE FAKE_CBENGINE_DIR}
fakes=${2:?usage: mars_probes.sh VIGIL_EXE FAKE_CBENGINE_DIR}
: "${WINEPREFIX:?WINEPREFIX must be set}"
. "$(dirname "$0")/probe_checks.sh"
export WINEDEBUG=-all
c=$WINEPREFIX/drive_c
work=$(mktemp -d)
home_win='C:\vigil-mars-probes'
home=$c/vigil-mars-probes
export VIGIL_HOME=$home_win
ip_win='C:\Program Files\Microsoft Azure Recovery Services Agent'
ip=$c/Program\ Files/Microsoft\ Azure\ Recovery\ Services\ Agent
key='HKLM\SOFTWARE\Microsoft\Windows Azure Backup'
temp=$c/windows/temp
all=(mars.install mars.engine scratch.config scratch.attributes scratch.kek
  temp.files)

# svc_create START_TYPE: (re)creates obengine, stopped.
svc_create() {
  svc_gone obengine
  wine sc create obengine binPath= "$ip_win\\bin\\cbengine.exe" \
    start= "$1" >/dev/null || fail "sc create obengine start= $1"
}
tmp_clear() { find "$temp" -maxdepth 1 \( -name '*.tmp' -o -name '*.tmpl' \
  -o -name 'dir.tmp' \) -exec rm -rf {} + 2>/dev/null || true; }
# tmp_make FROM TO: creates tmpFROM.tmp .. tmp(TO-1).tmp
tmp_make() { python3 -c 'import sys
for i in range(int(sys.argv[2]), int(sys.argv[3])):
    open("%s/t%05d.tmp" % (sys.argv[1], i), "w").close()' "$temp" "$1" "$2"; }
reset() {
  svc_gone obengine
  q wine reg delete "$key" /f /reg:64
  [ -d "$c/MARS/Scratch" ] && q chattr -i "$c/MARS/Scratch"
  rm -rf "$ip" "$c/MARS" "$home"
  tmp_clear
}
trap 'reset; rm -rf "$work"' EXIT

reset
mkdir -p "$home"

step "no agent: mars.install crit, the probes that need it n/a"
check "${all[@]}"
expect "mars.install=crit:MARS agent is not installed" \
  "mars.engine=n/a:MARS agent is not installed" "scratch.config=n/a" \
  "scratch.attributes=n/a" "scratch.kek=n/a" "temp.files=ok:0 .tmp files"
[ $rc -eq 2 ] || fail "exit $rc with an absent agent, want 2"

step "planted faults: old agent, stopped manual engine, differing and" \
  "linked scratch, no KEK, exactly 60,000 .tmp files"
mkdir -p "$ip/bin" "$c/MARS/real"
ln -s real "$c/MARS/Scratch" # a reparse point for Windows
cp "$fakes/fake_cbengine_2_0_9000_0.exe" "$ip/bin/cbengine.exe"
wine reg add "$key\\Setup" /v InstallPath /t REG_SZ /d "$ip_win" /f \
  /reg:64 >/dev/null
wine reg add "$key\\Config" /v ScratchLocation /t REG_SZ \
  /d 'C:\MARS\Scratch' /f /reg:64 >/dev/null
wine reg add "$key\\Config\\CloudBackupProvider" /v ScratchLocation \
  /t REG_SZ /d 'C:\MARS\Old' /f /reg:64 >/dev/null
svc_create demand
tmp_make 0 60000
python3 -c 'import sys
for i in range(300): open("%s/decoy%03d.tmpl" % (sys.argv[1], i), "w").close()' \
  "$temp"
mkdir -p "$temp/dir.tmp"
check "${all[@]}"
expect "mars.install=crit:MARS agent 2.0.9000.0 in $ip_win is older than 2.0.9083.0" \
  "mars.engine=crit:obengine is stopped (start type manual)" \
  "scratch.config=crit:ScratchLocation values differ: Config = C:\\MARS\\Scratch, CloudBackupProvider = C:\\MARS\\Old" \
  "scratch.attributes=crit:is a reparse point" \
  "scratch.kek=crit:OnlineBackup.KEK not found in C:\\MARS\\Scratch; $ip_win" \
  "temp.files=warn:60,000 .tmp files in C:\\windows\\Temp (warn >= 60,000)"

step "65,000 .tmp files: crit, counted in well under a second of CPU"
tmp_make 60000 65000
TIMEFORMAT=%U+%S
cpu=$( { time wine "$exe" check --json temp.files > "$work/out.json" \
  2>/dev/null; } 2>&1 ) || true
expect "temp.files=crit:65,000 or more .tmp files in C:\\windows\\Temp (crit >= 65,000; counting stops there)"
python3 -c "import sys; s = sum(map(float, sys.argv[1].split('+')))
print('  vigil check temp.files: %.2f s CPU (user+sys) for 65,000 files' % s)
sys.exit(0 if s < 1.5 else 1)" "$cpu" || fail "counting took $cpu s CPU"

step "fix mars.install: 2.0.9100.0 warns, 2.0.9262.0 is ok"
cp "$fakes/fake_cbengine_2_0_9100_0.exe" "$ip/bin/cbengine.exe"
check mars.install
expect "mars.install=warn:MARS agent 2.0.9100.0 in $ip_win is older than 2.0.9249.0"
cp "$fakes/fake_cbengine_2_0_9262_0.exe" "$ip/bin/cbengine.exe"
check mars.install
expect "mars.install=ok:MARS agent 2.0.9262.0 installed in $ip_win"

step "fix mars.engine: disabled crit, running manual warn, running auto ok"
svc_create disabled
check mars.engine
expect "mars.engine=crit:obengine is disabled"
svc_create demand
wine net start obengine >/dev/null 2>&1 || fail "net start obengine"
check mars.engine
expect "mars.engine=warn:running but its start type is manual"
svc_create auto
wine net start obengine >/dev/null 2>&1 || fail "net start obengine"
check mars.engine
expect "mars.engine=ok:obengine is running (start type auto"
svc_gone obengine
check mars.engine
expect "mars.engine=crit:obengine is not installed"
svc_create auto
wine net start obengine >/dev/null 2>&1 || fail "net start obengine"

step "fix scratch: a plain folder, both values equal but for case and '\\'"
rm "$c/MARS/Scratch"
mkdir -p "$c/MARS/Scratch"
wine reg add "$key\\Config\\CloudBackupProvider" /v ScratchLocation \
  /t REG_SZ /d 'c:\mars\SCRATCH\' /f /reg:64 >/dev/null
check scratch.config scratch.attributes
expect "scratch.config=ok:both ScratchLocation values agree" \
  "scratch.attributes=ok:is a plain folder"
# Wine has no ROOT\Microsoft\Windows\Deduplication namespace: the feature
# reads as not installed, never as a failure.
expect "scratch.attributes=ok:; Data Deduplication is not installed"
if chattr +i "$c/MARS/Scratch" 2>/dev/null; then
  check scratch.config
  chattr -i "$c/MARS/Scratch"
  expect "scratch.config=crit:Cannot create a file in C:\\MARS\\Scratch (access denied)"
else
  echo "  (chattr +i not available here: the unwritable-folder case is" \
    "covered by the native tests only)"
fi
rmdir "$c/MARS/Scratch"
check scratch.config scratch.attributes
expect "scratch.config=crit:Scratch folder C:\\MARS\\Scratch does not exist" \
  "scratch.attributes=unknown:does not exist"
mkdir -p "$c/MARS/Scratch"

step "fix scratch.kek: OnlineBackup.KEK in the scratch folder"
touch "$c/MARS/Scratch/OnlineBackup.KEK"
check scratch.kek
expect "scratch.kek=ok:C:\\MARS\\Scratch\\OnlineBackup.KEK is present"

step "fix temp.files: delete the .tmp files (decoys *.tmpl stay)"
find "$temp" -maxdepth 1 -name 't*.tmp' -delete
check temp.files
expect "temp.files=ok:0 .tmp files in C:\\windows\\Temp"

step "vigil.ini lowers the thresholds; counting stops at the lower crit"
printf '[temp.files]\nwarn = 10\ncrit = 20\n' > "$home/vigil.ini"
tmp_make 0 15
check temp.files
expect "temp.files=warn:15 .tmp files in C:\\windows\\Temp (warn >= 10)"
tmp_make 15 25
check temp.files
expect "temp.files=crit:20 or more .tmp files in C:\\windows\\Temp (crit >= 20"
printf '[temp.files]\npath = C:\\no-such-folder\n' > "$home/vigil.ini"
check temp.files
expect "temp.files=unknown:C:\\no-such-folder: not found"
[ $rc -eq 3 ] || fail "unknown must exit 3, got $rc"
rm -f "$home/vigil.ini"
find "$temp" -maxdepth 1 -name 't*.tmp' -delete

step "everything fixed: all ok, exit 0"
check "${all[@]}"
expect "mars.install=ok" "mars.engine=ok" "scratch.config=ok" \
  "scratch.attributes=ok" "scratch.kek=ok" "temp.files=ok"
[ $rc -eq 0 ] || fail "exit $rc with everything fixed, want 0"

echo "$passed checks passed, 0 failed"

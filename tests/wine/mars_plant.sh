# Sourced by the Wine scripts: the smallest MARS install the probes find
# (InstallPath and Config\ScratchLocation in the 64-bit registry, and the
# scratch folder C:\MARS\Scratch), and taking it away again so the shared
# prefix stays bare for the tests that run next (tests/wine/isolated.sh
# checks that it did).
mars_key='HKLM\SOFTWARE\Microsoft\Windows Azure Backup'

# plant_mars SCRATCHLOCATION: C:\MARS\Scratch, with or without the
# trailing backslash (the agent writes either).
plant_mars() {
  mkdir -p "$WINEPREFIX/drive_c/MARS/Scratch"
  WINEDEBUG=-all wine reg add "$mars_key\\Setup" /v InstallPath /t REG_SZ \
    /d 'C:\Program Files\Microsoft Azure Recovery Services Agent' /f \
    /reg:64 > /dev/null
  WINEDEBUG=-all wine reg add "$mars_key\\Config" /v ScratchLocation \
    /t REG_SZ /d "$1" /f /reg:64 > /dev/null
}

unplant_mars() {
  WINEDEBUG=-all wine reg delete "$mars_key" /f /reg:64 > /dev/null 2>&1 || true
  rm -rf "$WINEPREFIX/drive_c/MARS"
}

# plant_mars_registration RESOURCEID: the registration values mars.registration
# reads by default (their names are unconfirmed, see docs/probes.md); another
# RESOURCEID is a registration again. unplant_mars removes them with the rest.
plant_mars_registration() {
  local name
  for name in ServiceResourceName ResourceId MachineId; do
    WINEDEBUG=-all wine reg add "$mars_key\\Config" /v "$name" /t REG_SZ \
      /d "vigil-test-$name-$1" /f /reg:64 > /dev/null
  done
}

# ---- backup schedule and job logs (issue 11) ----
mars_ip_dir="$WINEPREFIX/drive_c/Program Files/Microsoft Azure Recovery Services Agent"
mars_tasks_dir="$WINEPREFIX/drive_c/windows/system32/tasks"

# plant_mars_file RELPATH: writes stdin to <InstallPath>\RELPATH ('/'
# separated, e.g. Temp/CBEngineCurr.errlog).
plant_mars_file() {
  mkdir -p "$(dirname "$mars_ip_dir/$1")"
  cat > "$mars_ip_dir/$1"
}

unplant_mars_files() {
  rm -rf "$mars_ip_dir"
}

# plant_task PATH XMLFILE: registers task PATH (\Folder\Name) from a task
# definition (UTF-8 file) through schtasks, that is ITaskService. Wine's
# Task Scheduler stores the task without its triggers (its XML reader skips
# them); the stored definition is then written back whole, UTF-16 with a
# BOM as Windows stores it, so readers of the task's file see what Windows
# would keep. Wine starts its Task Scheduler service on demand and may
# answer schtasks before the service listens: it is started first.
plant_task() {
  local xml_win
  xml_win=$(winepath -w "$2" 2>/dev/null)
  WINEDEBUG=-all wine net start Schedule > /dev/null 2>&1 || true
  WINEDEBUG=-all wine schtasks /create /xml "$xml_win" /tn "$1" /f \
    > /dev/null 2>&1 || return 1
  python3 - "$2" "$mars_tasks_dir${1//\\//}" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
open(sys.argv[2], "wb").write(b"\xff\xfe" + text.encode("utf-16-le"))
PY
}

# unplant_task PATH: deletes the task, and its folders that are left empty.
unplant_task() {
  local dir
  WINEDEBUG=-all wine schtasks /delete /tn "$1" /f > /dev/null 2>&1 || true
  rm -f "$mars_tasks_dir${1//\\//}"
  dir=$(dirname "${1//\\//}")
  while [ "$dir" != / ] && [ "$dir" != . ] &&
    rmdir "$mars_tasks_dir$dir" 2> /dev/null; do
    dir=$(dirname "$dir")
  done
}

# ---- a whole MARS server and named faults (issue 18: tools/run.sh and
# tests/wine/demo_run.sh) ----
#
# plant_mars_server CBENGINE_EXE MINUTES: a healthy, registered MARS
# server: InstallPath and both ScratchLocation values (C:\MARS\Scratch,
# with OnlineBackup.KEK), the registration values, CBENGINE_EXE (a service
# binary with a file version, tests/wine/fake_cbengine.c) as
# bin\cbengine.exe running as obengine (automatic) and as a stand-in
# management agent service, .NET 4.8.1, PowerShell 5.1 with the
# MSOnlineBackup module on the machine PSModulePath and execution policy
# RemoteSigned, TLS 1.2 and .NET strong crypto in both registry views, and
# the Microsoft-OnlineBackup task with a daily trigger MINUTES from now
# (from the start of this minute). Services stay running only while the
# prefix's wineserver does: run it persistent (wineserver -p).
# unplant_mars_server takes all of it away again.
mars_ip_win='C:\Program Files\Microsoft Azure Recovery Services Agent'
mars_task='\Microsoft\OnlineBackup\Microsoft-OnlineBackup'
mars_mgmt_svc=MARSMgmtStandIn
mars_mgmt_display='Microsoft Azure Recovery Services Management Agent'
mars_ps_policy='HKLM\SOFTWARE\Microsoft\PowerShell\1\ShellIds'
mars_ps_policy+='\Microsoft.PowerShell'
mars_schannel='HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders'
mars_schannel+='\SCHANNEL\Protocols\TLS 1.2\Client'
mars_ndp='HKLM\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full'
mars_envk='HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment'

# The faults plant_fault knows: NAME PROBE STATUS WHAT (one line each;
# tests/wine/demo_run.sh asserts each PROBE reaches STATUS).
mars_faults() {
  cat <<'LIST'
kek_missing     scratch.kek     crit  no OnlineBackup.KEK in the scratch folder
tmp_flood       temp.files      warn  60,000 .tmp files in C:\windows\Temp
ps_restricted   powershell.env  crit  PowerShell execution policy Restricted
engine_stopped  mars.engine     crit  obengine stopped (start type automatic)
scratch_differs scratch.config  crit  the two ScratchLocation values differ
tls12_off       tls.config      crit  TLS 1.2 client disabled in Schannel
dotnet_old      dotnet.version  warn  .NET Framework 4.6.2 (Release 394802)
mgmt_stopped    mars.mgmtagent  crit  the management agent service stopped
LIST
}

# mars_fault_field NAME N: field N (1 name, 2 probe, 3 status, 4 what) of
# fault NAME; fails for an unknown fault.
mars_fault_field() {
  mars_faults | awk -v n="$1" -v f="$2" '$1 == n { found = 1
      if (f < 4) { print $f; exit }
      $1 = $2 = $3 = ""; sub(/^ +/, ""); print }
    END { exit !found }'
}

mars_reg() { # reg add, quiet, 64-bit view: KEY VALUE TYPE DATA
  WINEDEBUG=-all wine reg add "$1" /v "$2" /t "$3" /d "$4" /f /reg:64 \
    > /dev/null
}

# mars_reg_many: `reg add` (64-bit view) of each KEY|VALUE|TYPE|DATA line
# of stdin (HKLM keys; REG_SZ, REG_EXPAND_SZ or REG_DWORD), in one `reg
# import`: one Wine start instead of one per value.
mars_reg_many() {
  local f rc=0
  f=$(mktemp --suffix=.reg)
  python3 -c 'import sys
keys = {}
for line in sys.stdin.read().splitlines():
    if line.strip():
        k, n, t, d = line.split("|", 3)
        keys.setdefault(k.replace("HKLM\\", "HKEY_LOCAL_MACHINE\\", 1),
                        []).append((n, t, d))
out = ["Windows Registry Editor Version 5.00", ""]
for k, vals in keys.items():
    out.append("[%s]" % k)
    for n, t, d in vals:
        if t == "REG_DWORD":
            v = "dword:%08x" % int(d)
        elif t == "REG_EXPAND_SZ":
            v = "hex(2):" + ",".join("%02x" % b for b in
                                     (d + "\0").encode("utf-16-le"))
        else:
            v = "\"%s\"" % d.replace("\\", "\\\\").replace("\"", "\\\"")
        out.append("\"%s\"=%s" % (n, v))
    out.append("")
text = "\r\n".join(out)  # regedit 5 files are UTF-16 with a BOM
sys.stdout.buffer.write(b"\xff\xfe" + text.encode("utf-16-le"))' > "$f" ||
    rc=1
  [ $rc -eq 0 ] && { WINEDEBUG=-all wine reg import "Z:${f//\//\\}" \
    /reg:64 > /dev/null 2>&1 || rc=1; }
  rm -f "$f"
  return $rc
}

mars_svc_gone() {
  local _
  WINEDEBUG=-all wine net stop "$1" > /dev/null 2>&1 || true
  WINEDEBUG=-all wine sc delete "$1" > /dev/null 2>&1 || true
  for _ in $(seq 1 50); do
    WINEDEBUG=-all wine sc query "$1" > /dev/null 2>&1 || return 0
    sleep 0.1
  done
  return 1
}

# mars_svc_running NAME DISPLAY EXE_WIN: (re)creates service NAME
# (automatic, the fake cbengine running as NAME) and starts it.
mars_svc_running() {
  mars_svc_gone "$1" || return 1
  WINEDEBUG=-all wine sc create "$1" binPath= "\"$3\" $1" \
    DisplayName= "$2" start= auto > /dev/null || return 1
  WINEDEBUG=-all wine net start "$1" > /dev/null 2>&1
}

# mars_task_xml START [INSTANCES]: the MARS task's definition, a daily
# trigger at START (local time, no offset, as the MARS console writes it),
# run as SYSTEM, MultipleInstancesPolicy INSTANCES (IgnoreNew).
mars_task_xml() {
  cat <<XML
<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2"
  xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo><Author>Microsoft Corporation</Author></RegistrationInfo>
  <Triggers>
    <CalendarTrigger>
      <StartBoundary>$1</StartBoundary>
      <Enabled>true</Enabled>
      <ScheduleByDay><DaysInterval>1</DaysInterval></ScheduleByDay>
    </CalendarTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author"><UserId>S-1-5-18</UserId></Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>${2:-IgnoreNew}</MultipleInstancesPolicy>
    <Enabled>true</Enabled>
  </Settings>
  <Actions Context="Author">
    <Exec><Command>C:\windows\system32\cmd.exe</Command>
      <Arguments>/c exit 0</Arguments></Exec>
  </Actions>
</Task>
XML
}

plant_mars_server() {
  local exe=$1 minutes=$2 xml start m f psm psv n64 n32
  plant_mars 'C:\MARS\Scratch'
  plant_mars_registration demo
  : > "$WINEPREFIX/drive_c/MARS/Scratch/OnlineBackup.KEK"
  m="$mars_ip_dir/bin/Modules/MSOnlineBackup"
  mkdir -p "$m" "$mars_ip_dir/Temp"
  cp "$exe" "$mars_ip_dir/bin/cbengine.exe"
  cp "$exe" "$mars_ip_dir/bin/MgmtAgent.exe"
  printf '@{ ModuleVersion = "2.0.9262.0"; RootModule = "%s" }\r\n' \
    MSOnlineBackup.dll > "$m/MSOnlineBackup.psd1"
  for f in MSOnlineBackup.dll MSOnlineBackup.format.ps1xml; do
    head -c 4096 /dev/urandom > "$m/$f"
  done
  psm='%SystemRoot%\system32\WindowsPowerShell\v1.0\Modules\;'
  psm+='%ProgramFiles%\Microsoft Azure Recovery Services Agent\bin\Modules\'
  n64='HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319'
  n32='HKLM\SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319'
  psv='HKLM\SOFTWARE\Microsoft\PowerShell\3\PowerShellEngine'
  mars_reg_many <<REG || return 1
$mars_key\Config\CloudBackupProvider|ScratchLocation|REG_SZ|C:\MARS\Scratch
$mars_ndp|Release|REG_DWORD|533320
$psv|PowerShellVersion|REG_SZ|5.1.17763.1
$mars_ps_policy|ExecutionPolicy|REG_SZ|RemoteSigned
$mars_envk|PSModulePath|REG_EXPAND_SZ|$psm
$mars_schannel|Enabled|REG_DWORD|1
$mars_schannel|DisabledByDefault|REG_DWORD|0
$n64|SystemDefaultTlsVersions|REG_DWORD|1
$n64|SchUseStrongCrypto|REG_DWORD|1
$n32|SystemDefaultTlsVersions|REG_DWORD|1
$n32|SchUseStrongCrypto|REG_DWORD|1
REG
  mars_svc_running obengine 'Microsoft Azure Recovery Services Agent' \
    "$mars_ip_win\\bin\\cbengine.exe" || return 1
  mars_svc_running "$mars_mgmt_svc" "$mars_mgmt_display" \
    "$mars_ip_win\\bin\\MgmtAgent.exe" || return 1
  start=$(python3 -c 'import datetime, sys
t = datetime.datetime.now().replace(second=0, microsecond=0)
print((t + datetime.timedelta(minutes=int(sys.argv[1]))).isoformat())' \
    "$minutes")
  xml=$(mktemp)
  mars_task_xml "$start" > "$xml"
  plant_task "$mars_task" "$xml" || { rm -f "$xml"; return 1; }
  rm -f "$xml"
}

unplant_mars_server() {
  local k
  unplant_task "$mars_task"
  mars_svc_gone "$mars_mgmt_svc" || true
  mars_svc_gone obengine || true
  for k in "$mars_ndp" 'HKLM\SOFTWARE\Microsoft\PowerShell' \
    "$mars_schannel" 'HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319' \
    'HKLM\SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319'; do
    WINEDEBUG=-all wine reg delete "$k" /f /reg:64 > /dev/null 2>&1 || true
  done
  WINEDEBUG=-all wine reg delete "$mars_envk" /v PSModulePath /f /reg:64 \
    > /dev/null 2>&1 || true
  find "$WINEPREFIX/drive_c/windows/temp" -maxdepth 1 -name 'mars-fault-*.tmp' \
    -delete 2> /dev/null || true
  unplant_mars_files
  unplant_mars
}

# mars_fault_reg NAME: the registry value of fault NAME as
# KEY|VALUE|TYPE|FAULT|FIX (the data planted, the data that fixes it);
# nothing for a fault that is not a registry value.
mars_fault_reg() {
  case $1 in
  ps_restricted)
    echo "$mars_ps_policy|ExecutionPolicy|REG_SZ|Restricted|RemoteSigned" ;;
  scratch_differs)
    echo "$mars_key\\Config\\CloudBackupProvider|ScratchLocation|REG_SZ|D:\\MARS\\Scratch|C:\\MARS\\Scratch" ;;
  tls12_off) echo "$mars_schannel|Enabled|REG_DWORD|0|1" ;;
  dotnet_old) echo "$mars_ndp|Release|REG_DWORD|394802|533320" ;;
  esac
}

# mars_fault NAME plant|fix: plants fault NAME of mars_faults on a server
# plant_mars_server planted, or fixes it; 2 for an unknown fault.
mars_fault() {
  local temp="$WINEPREFIX/drive_c/windows/temp" fix=0 k v t bad good
  [ "$2" = fix ] && fix=1
  case $1 in
  kek_missing)
    if [ $fix = 1 ]; then
      : > "$WINEPREFIX/drive_c/MARS/Scratch/OnlineBackup.KEK"
    else
      rm -f "$WINEPREFIX/drive_c/MARS/Scratch/OnlineBackup.KEK"
    fi ;;
  tmp_flood)
    if [ $fix = 1 ]; then
      find "$temp" -maxdepth 1 -name 'mars-fault-*.tmp' -delete
    else
      python3 -c 'import sys
for i in range(60000):
    open("%s/mars-fault-%05d.tmp" % (sys.argv[1], i), "w").close()' "$temp"
    fi ;;
  engine_stopped | mgmt_stopped)
    v=obengine
    [ "$1" = mgmt_stopped ] && v=$mars_mgmt_svc
    if [ $fix = 1 ]; then k=start; else k=stop; fi
    WINEDEBUG=-all wine net "$k" "$v" > /dev/null 2>&1 ;;
  *)
    IFS='|' read -r k v t bad good <<< "$(mars_fault_reg "$1")"
    if [ -z "$k" ]; then
      echo "unknown fault '$1' (known: $(mars_faults | awk '{print $1}' |
        tr '\n' ' '))" >&2
      return 2
    fi
    if [ $fix = 1 ]; then bad=$good; fi
    mars_reg "$k" "$v" "$t" "$bad" ;;
  esac
}

# plant_fault NAME / fix_fault NAME: one fault of mars_faults on a server
# plant_mars_server planted, and its fix.
plant_fault() { mars_fault "$1" plant; }
fix_fault() { mars_fault "$1" fix; }

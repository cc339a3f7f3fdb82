#!/usr/bin/env bash
# Windows lane, issue 5: dotnet.version, powershell.env, tls.config and
# av.exclusions read by vigil.exe through the real Win32 calls (RegQueryValueExW,
# RegEnumValueW, ExpandEnvironmentStringsW, FindFirstFileExW, ReadFile + zlib
# crc32) from values and files planted in the Wine prefix: each fault first,
# then each fix; then the module baseline kept by a running agent. Defender
# counts only while a WinDefend service runs: the lane plants one (the
# fake cbengine service binary under that name).
# Usage: env_probes.sh VIGIL_EXE FAKE_CBENGINE_DIR   (WINEPREFIX set by ctest)
set -euo pipefail
exe=${1:?usage: env_probes.sh VIGIL_EXE FAKE_CBENGINE_DIR}
fakes=${2:?usage: env_probes.sh VIGIL_EXE FAKE_CBENGINE_DIR}
: "${WINEPREFIX:?WINEPREFIX must be set}"
. "$(dirname "$0")/probe_checks.sh"
export WINEDEBUG=-all
work=$(mktemp -d)
agent=
ip='C:\Program Files\Microsoft Azure Recovery Services Agent'
mod="$WINEPREFIX/drive_c/Program Files/Microsoft Azure Recovery Services Agent/bin/Modules"
home="$WINEPREFIX/drive_c/vigil-env"
export VIGIL_HOME='C:\vigil-env'
export VIGIL_PIPE="\\\\.\\pipe\\vigil-env-$$"

# Registry under HKLM, 64-bit view unless a view is given last.
reg_add() { # key value type data [32]
  wine reg add "HKLM\\$1" /v "$2" /t "$3" /d "$4" /f "/reg:${5:-64}" >/dev/null
}
reg_del_key() { wine reg delete "HKLM\\$1" /f "/reg:${2:-64}" >/dev/null 2>&1 || true; }
reg_del_val() { wine reg delete "HKLM\\$1" /v "$2" /f "/reg:${3:-64}" >/dev/null 2>&1 || true; }

ndp='SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full'
ps='SOFTWARE\Microsoft\PowerShell'
envk='SYSTEM\CurrentControlSet\Control\Session Manager\Environment'
pspol='SOFTWARE\Policies\Microsoft\Windows\PowerShell'
schannel='SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2'
netfx='SOFTWARE\Microsoft\.NETFramework\v4.0.30319'
wd='SOFTWARE\Microsoft\Windows Defender'
wdp='SOFTWARE\Policies\Microsoft\Windows Defender'

cleanup() {
  [ -n "$agent" ] && kill "$agent" 2>/dev/null || true
  (svc_gone WinDefend) || true
  reg_del_val "$ndp" Release
  reg_del_key "$ps"
  reg_del_val "$envk" PSModulePath
  reg_del_key "$pspol"
  reg_del_key "$schannel"
  reg_del_key "$netfx"
  reg_del_key "$netfx" 32
  reg_del_key "$wd"
  reg_del_key "$wdp"
  reg_del_key 'SOFTWARE\Microsoft\Windows Azure Backup'
  rm -rf "$work" "$home" "$WINEPREFIX/drive_c/MARS" \
    "$WINEPREFIX/drive_c/vigil-env-wd" \
    "$WINEPREFIX/drive_c/Program Files/Microsoft Azure Recovery Services Agent"
}
trap cleanup EXIT

# The four probes each `check` runs.
mine=(dotnet.version powershell.env tls.config av.exclusions)

# ---- a planted MARS installation with its PowerShell module
reg_add 'SOFTWARE\Microsoft\Windows Azure Backup\Setup' InstallPath REG_SZ "$ip"
reg_add 'SOFTWARE\Microsoft\Windows Azure Backup\Config' ScratchLocation REG_SZ 'C:\MARS\Scratch\'
mkdir -p "$mod/MSOnlineBackup/en-US" "$WINEPREFIX/drive_c/MARS/Scratch" "$home"
printf '@{ ModuleVersion = "2.0.9262.0"; RootModule = "x.dll" }\r\n' \
  > "$mod/MSOnlineBackup/MSOnlineBackup.psd1"
head -c 150000 /dev/urandom > "$mod/MSOnlineBackup/MSOnlineBackup.format.ps1xml"
printf 'help' > "$mod/MSOnlineBackup/en-US/about_MSOnlineBackup.help.txt"

# ---- faults
reg_add "$ndp" Release REG_DWORD 379892
reg_add "$ps\\1\\PowerShellEngine" PowerShellVersion REG_SZ 2.0
reg_add "$envk" PSModulePath REG_EXPAND_SZ '%SystemRoot%\system32\WindowsPowerShell\v1.0\Modules\'
reg_add "$ps\\1\\ShellIds\\Microsoft.PowerShell" ExecutionPolicy REG_SZ Restricted
reg_add "$schannel\\Client" Enabled REG_DWORD 0
reg_add "$netfx" SchUseStrongCrypto REG_DWORD 1
check "${mine[@]}"
expect 'dotnet.version=crit:Release 379892 = .NET 4.5.1 (crit < 379893, .NET 4.5.2)' \
  'powershell.env=crit:PowerShell 2.0 (crit < 3)' \
  "powershell.env=crit:machine PSModulePath lacks $ip\\bin\\Modules" \
  'powershell.env=crit:execution policy Restricted (LocalMachine)' \
  'tls.config=crit:TLS 1.2 client disabled (Schannel Enabled=0)' \
  'av.exclusions=n/a:Defender is not installed (no WinDefend service)'

# The module files were listed and read: CRC-32 as zlib computes it.
python3 - "$work/out.json" "$mod/MSOnlineBackup" <<'PY'
import json, os, sys, zlib
p = {x["id"]: x for x in json.load(open(sys.argv[1]))["probes"]}["powershell.env"]
want = "".join("%s|%d|%08x\n" % (n, os.path.getsize(os.path.join(sys.argv[2], n)),
               zlib.crc32(open(os.path.join(sys.argv[2], n), "rb").read()))
               for n in sorted(os.listdir(sys.argv[2]), key=str.lower)
               if os.path.isfile(os.path.join(sys.argv[2], n)))
got = p["facts"]["module_list_0"]
assert got == want, (got, want)
print("ok  module files  %s" % got.strip().replace("\n", "; "))
PY

reg_add "$ndp" Release REG_DWORD 379893
reg_add "$ps\\3\\PowerShellEngine" PowerShellVersion REG_SZ 4.0
reg_add "$schannel\\Client" Enabled REG_DWORD 1
reg_add "$schannel\\Client" DisabledByDefault REG_DWORD 1
reg_add "$wd" InstallLocation REG_SZ 'C:\ProgramData\Microsoft\Windows Defender\Platform\4.18'
reg_add "$wd" DisableAntiSpyware REG_DWORD 1
mkdir -p "$WINEPREFIX/drive_c/vigil-env-wd"
cp "$fakes/fake_cbengine_2_0_9262_0.exe" "$WINEPREFIX/drive_c/vigil-env-wd/windefend.exe"
svc_gone WinDefend
wine sc create WinDefend binPath= 'C:\vigil-env-wd\windefend.exe WinDefend' \
  start= auto >/dev/null || fail "sc create WinDefend"
check "${mine[@]}"
expect 'av.exclusions=n/a:Defender is not running (WinDefend service stopped; DisableAntiSpyware=1, local)'
wine net start WinDefend >/dev/null 2>&1 || fail "net start WinDefend"
reg_add "$wd\\Exclusions\\Paths" '%ProgramFiles%\Microsoft Azure Recovery Services Agent\bin\' REG_DWORD 0
reg_add "$wd\\Exclusions\\Processes" 'C:\Windows\Microsoft.NET\Framework64\v4.0.30319\csc.exe' REG_DWORD 0
check "${mine[@]}"
expect 'dotnet.version=warn:Release 379893 = .NET 4.5.2 (warn < 528040, .NET 4.8)' \
  'powershell.env=crit:PowerShell 4.0 (warn < 5)' \
  'tls.config=crit:disabled by default (Schannel DisabledByDefault=1)' \
  'av.exclusions=warn:does not exclude 2 of 4 MARS items: scratch folder C:\MARS\Scratch, process cbengine.exe' \
  'av.exclusions=warn:DisableAntiSpyware=1 (local) ignored: WinDefend runs'
reg_del_val "$wd" DisableAntiSpyware

# ---- fixes
reg_add "$ndp" Release REG_DWORD 528040
reg_add "$ps\\3\\PowerShellEngine" PowerShellVersion REG_SZ 5.1.17763.1
reg_add "$envk" PSModulePath REG_EXPAND_SZ '%SystemRoot%\system32\WindowsPowerShell\v1.0\Modules\;%ProgramFiles%\Microsoft Azure Recovery Services Agent\bin\Modules\'
reg_add "$pspol" EnableScripts REG_DWORD 1
reg_add "$pspol" ExecutionPolicy REG_SZ RemoteSigned
reg_add "$schannel\\Client" DisabledByDefault REG_DWORD 0
reg_add "$netfx" SystemDefaultTlsVersions REG_DWORD 1
reg_add "$netfx" SystemDefaultTlsVersions REG_DWORD 1 32
reg_add "$netfx" SchUseStrongCrypto REG_DWORD 1 32
reg_add "$wdp\\Exclusions\\Paths" 'C:\MARS\*' REG_SZ 0
reg_add "$wd\\Exclusions\\Processes" 'CBENGINE.exe' REG_DWORD 0
check "${mine[@]}"
expect 'dotnet.version=ok:Release 528040 = .NET 4.8' \
  'powershell.env=ok:PowerShell 5.1.17763.1' \
  "powershell.env=ok:PSModulePath has $ip\\bin\\Modules\\" \
  'powershell.env=ok:2 module files, baseline taken' \
  'powershell.env=ok:execution policy RemoteSigned (Group Policy)' \
  'tls.config=ok:Schannel Enabled=1, DisabledByDefault=0' \
  'av.exclusions=ok:Defender excludes the scratch folder'

# One value missing in the 32-bit view only.
reg_del_val "$netfx" SchUseStrongCrypto 32
check "${mine[@]}"
expect 'tls.config=warn:SchUseStrongCrypto (32-bit) absent'
reg_add "$netfx" SchUseStrongCrypto REG_DWORD 1 32

# ---- the module baseline, kept by a running agent (check keeps no memo)
printf '[powershell.env]\ninterval = 1s\n' > "$home/vigil.ini"
wine "$exe" run --console > "$work/agent.out" 2>&1 &
agent=$!

status_until 'powershell.env=ok:module files match the'
printf '@{ ModuleVersion = "2.0.9262.0"; RootModule = "y.dll" }\r\n' \
  > "$mod/MSOnlineBackup/MSOnlineBackup.psd1"
status_until 'powershell.env=crit:MSOnlineBackup.psd1 (CRC '
rm "$mod/MSOnlineBackup/MSOnlineBackup.format.ps1xml"
status_until 'powershell.env=crit:MSOnlineBackup.format.ps1xml missing'
kill "$agent"
wait "$agent" 2>/dev/null || true
agent=
echo "env probes: all faults seen and cleared"

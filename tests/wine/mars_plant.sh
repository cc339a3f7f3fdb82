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
# would keep.
plant_task() {
  local xml_win
  xml_win=$(winepath -w "$2" 2>/dev/null)
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

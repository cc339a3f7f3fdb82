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

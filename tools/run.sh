#!/usr/bin/env bash
# Builds Vigil and runs the agent in console mode (Ctrl-C stops it).
# On Linux this is the development build: MARS probes report n/a and
# scratch.space measures the folder configured in the data folder's
# vigil.ini (a starter one is written on first use).
# Usage: tools/run.sh [--windows]   (--windows: run vigil.exe under Wine)
set -euo pipefail
cd "$(dirname "$0")/.."
tools/bootstrap.sh
home=${VIGIL_HOME:-$PWD/.vigil-dev}
mkdir -p "$home"
if [ ! -f "$home/vigil.ini" ]; then
  cat > "$home/vigil.ini" <<INI
; Starter configuration written by tools/run.sh (see docs/operations.md).
[scratch.space]
path = $home
interval = 30s
INI
fi
if [ "${1:-}" = "--windows" ]; then
  cmake --preset windows >/dev/null
  cmake --build --preset windows
  export WINEPREFIX=${WINEPREFIX:-$PWD/build/windows/wineprefix-run}
  export WINEDEBUG=-all
  [ -d "$WINEPREFIX" ] || tests/wine/prefix.sh "$WINEPREFIX"
  exec wine build/windows/vigil.exe run --console
fi
cmake --preset native-release >/dev/null
cmake --build --preset native-release
export VIGIL_HOME=$home
echo "Vigil data folder: $home (query it from another shell with: VIGIL_HOME=$home build/native-release/vigil status)"
exec build/native-release/vigil run --console

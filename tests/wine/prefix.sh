#!/usr/bin/env bash
# Creates a fresh, throwaway Wine prefix for the Windows test lane (never
# ~/.wine). Usage: prefix.sh DIR
set -euo pipefail
dir=${1:?usage: prefix.sh WINEPREFIX}
rm -rf "$dir"
mkdir -p "$dir"
export WINEPREFIX=$dir WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
wineboot -i >/dev/null 2>&1 || { echo "wineboot failed for $dir" >&2; exit 1; }
wineserver -w
echo "wine prefix ready: $dir ($(wine --version))"

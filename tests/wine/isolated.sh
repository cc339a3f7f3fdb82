#!/usr/bin/env bash
# Runs one Wine end-to-end script with the prefix's wineserver to itself.
# The tests share one prefix (the wine_prefix fixture) and run one at a
# time; a wineserver left from the test before (its 3 s linger, or a
# persistent one) could still be going away when this test's first `wine`
# connects to it. So: stop any server of the prefix and wait for it to exit
# (it saves the registry as it goes), run the script, then stop whatever the
# script left running and wait again.
#
# A script that fails is run once more, loudly: Wine's own services and
# msiexec have timing of their own that no script fully controls, and one
# such hiccup should not hide the rest of the lane. The first attempt's
# output stays in the test log above a "RETRY" line, so a flake is seen
# and can be chased; a real fault fails both attempts and the test.
# Usage: isolated.sh SCRIPT ARGS...   (WINEPREFIX set by ctest)
set -u
: "${WINEPREFIX:?WINEPREFIX must be set}"
. "$(dirname "$0")/mars_plant.sh"
settle() {
  wineserver -k > /dev/null 2>&1 || true
  wineserver -w > /dev/null 2>&1 || true
}
settle
rc=0
"$@" || rc=$?
if [ "$rc" -ne 0 ] && [ -z "${VG_NO_RETRY:-}" ]; then
  settle
  echo "RETRY: $(basename "$1") failed (exit $rc); running it once more" >&2
  rc=0
  "$@" || rc=$?
  [ "$rc" -eq 0 ] && echo "RETRY: $(basename "$1") passed the second time: a flake, see above" >&2
fi
# The unit tests share the prefix and expect it bare: a script must take
# away the MARS install and the service it planted, or it fails here.
if wine reg query "$mars_key" /reg:64 > /dev/null 2>&1; then
  echo "LEFT BEHIND: $(basename "$1") left $mars_key in the prefix" >&2
  rc=1
fi
if wine sc query Vigil > /dev/null 2>&1; then
  echo "LEFT BEHIND: $(basename "$1") left service Vigil in the prefix" >&2
  rc=1
fi
settle
exit "$rc"

#!/usr/bin/env bash
# Builds Vigil and shows what it is for: vigil.exe - the product, a Windows
# service - runs under Wine in a throwaway prefix of its own, beside a
# planted MARS server with a few realistic faults and a backup scheduled
# minutes ahead. Shows `vigil status`, the Event Log entries it wrote, one
# fault fixed and re-checked, and where to read on; then keeps the agent in
# the foreground until Ctrl-C and removes the prefix and its processes.
#
# Usage: tools/run.sh [--fault NAME]... [--keep] [--once]
#        tools/run.sh --native      the Linux development build, in console
#                                   mode (MARS probes report n/a there)
#   --fault NAME  plant this fault instead of the default set (repeatable;
#                 the list: tools/run.sh --help); the first is the one
#                 fixed and re-checked
#   --keep        keep the prefix on exit (its path is printed)
#   --once        no pauses and no foreground: print and exit (CI)
#   --exe FILE --cbengine FILE
#                 use these builds of vigil.exe and of the stand-in
#                 cbengine.exe, without bootstrap or build (the Wine test)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

usage() {
  sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"
  echo "Faults: NAME, the probe it trips and its status, what is planted"
  echo "(tests/wine/mars_plant.sh; default: $default_faults):"
  WINEPREFIX=/nonexistent bash -c ". tests/wine/mars_plant.sh; mars_faults" |
    sed 's/^/  /'
}

default_faults="kek_missing tmp_flood ps_restricted engine_stopped"
faults=() native=0 keep=0 once=0 exe='' cbengine=''
while [ $# -gt 0 ]; do
  case $1 in
  --native) native=1 ;;
  --windows) ;; # the default now; kept for old habits
  --keep) keep=1 ;;
  --once) once=1 ;;
  --fault) faults+=("${2:?--fault needs a NAME}"); shift ;;
  --exe) exe=${2:?--exe needs a FILE}; shift ;;
  --cbengine) cbengine=${2:?--cbengine needs a FILE}; shift ;;
  -h | --help) usage; exit 0 ;;
  *) echo "tools/run.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

# ---- --native: the Linux development run
if [ $native -eq 1 ]; then
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
  cmake --preset native-release >/dev/null
  cmake --build --preset native-release
  export VIGIL_HOME=$home
  echo "Vigil data folder: $home (query it from another shell with: VIGIL_HOME=$home build/native-release/vigil status)"
  exec build/native-release/vigil run --console
fi

# ---- the Windows build
[ ${#faults[@]} -gt 0 ] || read -r -a faults <<< "$default_faults"
for f in "${faults[@]}"; do
  WINEPREFIX=/nonexistent bash -c '. tests/wine/mars_plant.sh
    mars_fault_field "$1" 1 > /dev/null' _ "$f" || {
    echo "tools/run.sh: unknown fault '$f'; the list: tools/run.sh --help" >&2
    exit 2
  }
done
if [ -z "$exe" ]; then
  tools/bootstrap.sh
  log=$root/build/windows-run.log
  mkdir -p build
  echo "==> building vigil.exe (mingw-w64, windows preset;" \
    "log: build/windows-run.log)"
  if ! { cmake --preset windows -DVG_TESTS=ON &&
    cmake --build --preset windows --target vigil fake_cbengine_2_0_9262_0
  } > "$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "tools/run.sh: the build failed (full log: $log)" >&2
    exit 1
  fi
  exe=$root/build/windows/vigil.exe
  cbengine=$root/build/windows/tests/fake_cbengine_2_0_9262_0.exe
fi
if [ ! -f "$exe" ] || [ ! -f "${cbengine:?--exe needs --cbengine}" ]; then
  echo "tools/run.sh: $exe or $cbengine is missing" >&2
  exit 1
fi
exe=$(cd "$(dirname "$exe")" && pwd)/$(basename "$exe")
mc=$root/adapters/win/messages.mc
trace_py=$root/tests/wine/eventlog_trace.py

# ---- a prefix of our own, and everything in it gone on exit
work=$(mktemp -d "${TMPDIR:-/tmp}/vigil-run.XXXXXX")
export WINEPREFIX=$work/prefix WINEDEBUG=-all
unset VIGIL_HOME VIGIL_PIPE
agent='' follower=''
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$follower" ]; then kill "$follower" 2>/dev/null || true; fi
  if [ -n "$agent" ] && kill -0 "$agent" 2>/dev/null; then
    kill -INT "$agent" 2>/dev/null || true
    for _ in $(seq 1 8); do
      kill -0 "$agent" 2>/dev/null || break
      sleep 0.25
    done
    kill "$agent" 2>/dev/null || true
  fi
  if [ -d "$WINEPREFIX" ]; then
    wineserver -k 2>/dev/null || true
    wineserver -w 2>/dev/null || true
  fi
  if [ $keep -eq 0 ]; then
    # Debian's Wine puts the server's socket folder in $TMPDIR/wine-XXXXXX
    # (named in the prefix's file 'wineserver'); it outlives the server.
    local sock dev ino
    sock=$(cat "$WINEPREFIX/wineserver" 2>/dev/null || true)
    read -r dev ino < <(stat -c '%d %i' "$WINEPREFIX" 2>/dev/null || true)
    case $sock in
    wine-[A-Za-z0-9]*[A-Za-z0-9])
      if [ -n "$ino" ]; then
        rm -rf "${TMPDIR:-/tmp}/$sock/$(printf 'server-%x-%x' "$dev" "$ino")"
      fi
      rmdir "${TMPDIR:-/tmp}/$sock" 2>/dev/null || true ;;
    esac
  fi
  if [ $keep -eq 1 ]; then
    echo "Kept $work (prefix, agent.out, eventlog.trace). Start the agent" \
      "again with: WINEPREFIX=$WINEPREFIX wine $exe run --console"
  else
    rm -rf "$work"
    [ $once -eq 1 ] || echo "==> agent and Wine stopped; $work removed"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

interactive=0
[ $once -eq 0 ] && [ -t 0 ] && [ -t 1 ] && interactive=1
if [ -t 1 ]; then
  COLUMNS=${COLUMNS:-$(tput cols 2>/dev/null || echo 100)}
  export COLUMNS
fi
screen() {
  if [ $interactive -eq 1 ] && [ "$1" != 1 ]; then
    read -r -p "-- Enter: next screen (Ctrl-C ends) --" _ || true
  fi
  printf '\n=== %s/4  %s ===\n\n' "$1" "$2"
}
vigil() { wine "$exe" "$@"; }
# dump_threads EXE: the backtrace of every thread of the prefix's processes
# named EXE (winedbg, bounded): where a hung program waits.
dump_threads() {
  timeout 40 winedbg --command "bt all" 2>&1 | awk -v exe="$1" '
    /^Backtracing for thread/ { show = index($0, exe) > 0 }
    show { print }' || true
}

echo "==> a throwaway Wine prefix: $WINEPREFIX (removed on exit)"
tests/wine/prefix.sh "$WINEPREFIX" > /dev/null
# Persistent: Wine counts services as system processes and shuts the
# prefix down (services included) while no other program runs.
wineserver -p
. tests/wine/mars_plant.sh
echo "==> planting a MARS server: agent 2.0.9262.0, registered, its" \
  "services running, the backup task daily from 10 minutes ahead"
plant_mars_server "$cbengine" 10 || {
  echo "tools/run.sh: planting the MARS server failed" >&2
  exit 1
}
for f in "${faults[@]}"; do
  echo "    fault $f: $(mars_fault_field "$f" 4)"
  plant_fault "$f"
done
data=$WINEPREFIX/drive_c/ProgramData/Vigil
mkdir -p "$data"
cat > "$data/vigil.ini" <<'INI'
; tools/run.sh. Off under Wine: VSS, Win32_ShadowStorage and the iSCSI
; initiator device do not exist there and its event log query API
; (wevtapi, read by mars.jobs) is a stub - those readers are tested
; against recorded facts (tests/fixtures/); net.reach and clock.skew would
; call Microsoft's endpoints on the Internet: this demo sends nothing out.
INI
for p in vss.storage vss.writers iscsi.initiator mars.jobs net.reach \
  clock.skew; do
  printf '[%s]\nenabled = false\n' "$p" >> "$data/vigil.ini"
done

echo "==> starting the agent: vigil.exe run --console (Event Log calls" \
  "traced by Wine: WINEDEBUG=+eventlog)"
(cd "$work" && WINEDEBUG=-all,+pid,+eventlog,fixme+advapi \
  exec wine "$exe" run --console > agent.out 2> eventlog.trace) &
agent=$!
for _ in $(seq 1 120); do
  grep -q '^overall:' "$work/agent.out" 2>/dev/null && break
  kill -0 "$agent" 2>/dev/null || break
  sleep 0.5
done
grep -q '^overall:' "$work/agent.out" 2>/dev/null || {
  grep -v ':eventlog:\|:advapi:' "$work/eventlog.trace" | tail -20 >&2
  echo "tools/run.sh: the agent did not finish its first round" >&2
  exit 1
}
# When the next backup is known and due within preflight_lead (30 min),
# the pre-flight sweep (events 110-112) follows the first round: wait for
# its verdict.
preflight_done() {
  { vigil status --json 2>/dev/null || true; } | python3 -c '
import json, sys
nb = json.load(sys.stdin).get("next_backup")
sys.exit(0 if not nb or nb.get("preflight_at") else 1)'
}
for _ in $(seq 1 30); do
  preflight_done && break
  sleep 0.5
done

screen 1 "the findings: vigil status"
echo 'C:\> vigil status'
vigil status > "$work/status.txt" || true
cat "$work/status.txt"
if grep -q '^UNKNOWN  *task\.schedule ' "$work/status.txt" &&
  grep -q 'E_NOTIMPL' "$work/status.txt"; then
  echo "(Wine's Task Scheduler does not give a task's run-as account and last" \
    "result: task.schedule is unknown here, not on Windows.)"
fi

screen 2 "what it wrote to the Event Log (Application, source Vigil)"
python3 "$trace_py" list "$work/eventlog.trace" "$mc"
echo
echo "The one to open first:"
python3 "$trace_py" show "$work/eventlog.trace" "$mc" --pick

# ---- fix the first planted fault and re-check its probe
fixed=${faults[0]}
probe=$(mars_fault_field "$fixed" 2)
seen=$(python3 "$trace_py" count "$work/eventlog.trace")
screen 3 "one fault fixed: $fixed"
case $fixed in
kek_missing) echo "OnlineBackup.KEK copied back into C:\\MARS\\Scratch." ;;
*) echo "Undone: $(mars_fault_field "$fixed" 4)." ;;
esac
fix_fault "$fixed"
echo
echo "C:\\> vigil run $probe"
# The whole table follows; its readiness lines and this probe's row here.
# --once (CI): bounded, and a re-check that never returns shows where the
# agent's threads wait (winedbg) instead of a bare timeout.
rerun=(vigil run "$probe")
[ $once -eq 1 ] && rerun=(timeout 30 wine "$exe" run "$probe")
set +e
"${rerun[@]}" > "$work/rerun.txt" 2>&1
rerun_rc=$?
set -e
if [ $rerun_rc -eq 124 ]; then
  echo "tools/run.sh: 'vigil run $probe' did not return within 30 s;" \
    "what the agent says and where its threads wait:" >&2
  cat "$work/rerun.txt" >&2
  timeout 10 wine "$exe" status >&2 || echo "(vigil status: exit $?)" >&2
  dump_threads vigil.exe >&2
  exit 1
fi
awk -v p="$probe" '
  /^overall:/ { print; next }
  /^[A-Z\/]+ +[a-z]/ { show = ($2 == p || $2 == "PROBE"); if (show) print
    next }
  /^ / { if (show) print; next }
  { show = 0; print }' "$work/rerun.txt" || true
# The clearing event is written as the new finding is judged.
for _ in $(seq 1 20); do
  [ "$(python3 "$trace_py" count "$work/eventlog.trace")" -gt "$seen" ] && break
  sleep 0.25
done
echo
python3 "$trace_py" show "$work/eventlog.trace" "$mc" --from "$seen"

screen 4 "where to look next"
echo "C:\\> vigil explain $probe"
{ vigil explain "$probe" || true; } | tr -d '\r' |
  awk '/^\|/ { stop = 1 } !stop { print }'
echo "  (... thresholds, settings and event ids follow)"
cat <<EOF

* Every probe, what it checks, why MARS cares, how to fix: docs/probes.md
  (vigil explain PROBE prints the same on the server)
* Event Log ids and texts: docs/events.md; pre-flight verdicts 110-112
* History and state changes: vigil history PROBE, vigil events
* Run it yourself: the command line table in README.md ("Using it")
EOF
if [ $once -eq 1 ]; then
  exit 0
fi
cat <<EOF

The agent keeps running here in the foreground; changes and new Event Log
entries appear below. From another shell:
  WINEPREFIX=$WINEPREFIX wine $exe status
Ctrl-C stops it and removes $work.

EOF
python3 "$trace_py" follow "$work/eventlog.trace" "$mc" \
  --from "$(python3 "$trace_py" count "$work/eventlog.trace")" \
  "$work/agent.out" &
follower=$!
wait "$agent" || true
agent=

#!/usr/bin/env bash
# callgrind_status.sh: instructions the daemon spends per status request,
# counted by valgrind's callgrind (exact, unlike times on a busy machine;
# bench/README.md). Numbers only, never asserted; bounded; the daemon is
# stopped by pid.
#
# Usage: bench/callgrind_status.sh [--queries N] [--interval S] [--no-build]
#          [--request JSON] [--idle S] [--keep]
#   --queries N     status requests, each on a new connection (200)
#   --interval S    every probe's interval in vigil.ini (10; 0: the defaults)
#   --request JSON  the request (default {"cmd":"status"})
#   --idle S        instead of queries: S seconds idle, split by area
#   --no-build      do not run the build step
#   --keep          keep the temp folder (callgrind.out, logs)
# Builds only: cmake --build --preset native-release --target vigil bench
set -euo pipefail
cd "$(dirname "$0")/.."
queries=200 interval=10 build=1 keep=0 request='{"cmd":"status"}' idle=0
usage() { sed -n '7,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --queries) queries=$2; shift ;;
    --interval) interval=$2; shift ;;
    --request) request=$2; shift ;;
    --idle) idle=$2; shift ;;
    --no-build) build=0 ;;
    --keep) keep=1 ;;
    -h|--help) usage ;;
    *) echo "callgrind_status.sh: unknown option $1" >&2; usage ;;
  esac
  shift
done
command -v valgrind >/dev/null ||
  { echo "callgrind_status.sh: valgrind missing (apt-get install valgrind)" >&2; exit 1; }
. bench/common.sh
bench_build callgrind_status.sh $build

T=$(mktemp -d "${TMPDIR:-/tmp}/vigil-cg.XXXXXX")
PID=''
cleanup() {
  trap - EXIT INT TERM
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$PID" 2>/dev/null || true
  fi
  if [ $keep = 1 ]; then echo "callgrind_status.sh: kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$T/home"
[ "$interval" = 0 ] || bench_ini "$T/home" "$interval"
unset VIGIL_PIPE
SOCK=$T/home/vigil.sock

# Everything is collected; the counters are zeroed once the first sweep is
# answered and dumped after the queries, so the dump holds the queries and
# whatever the loop did meanwhile (the per-function rows separate them).
VIGIL_HOME=$T/home valgrind --tool=callgrind --callgrind-out-file="$T/callgrind.out" \
  --dump-instr=no --collect-systime=no "$VIGIL" run --console \
  >"$T/vigil.log" 2>&1 &
PID=$!
ok=0
for _ in $(seq 600); do # up to 60 s: valgrind starts slowly
  if "$CLI" query vigil "$SOCK" 2>/dev/null | grep -q '"checked_at":"'; then
    if ! "$CLI" query vigil "$SOCK" | grep -q '"checked_at":null'; then ok=1; break; fi
  fi
  sleep 0.1
done
[ $ok = 1 ] || { echo "callgrind_status.sh: no measured answer in 60 s" >&2; cat "$T/vigil.log" >&2; exit 1; }
callgrind_control --zero "$PID" >/dev/null 2>&1
if [ "$idle" != 0 ]; then
  sleep "$idle"
else
  "$CLI" latency vigil "$SOCK" "$queries" "$request" >"$T/latency.txt"
fi
callgrind_control --dump=window "$PID" >/dev/null 2>&1
sleep 0.5
out=$(ls -t "$T"/callgrind.out* | head -1)
ann=$(callgrind_annotate --inclusive=yes --threshold=100 "$out" 2>/dev/null)
incl() { # inclusive Ir of a function (0 when not seen)
  printf '%s\n' "$ann" | awk -v f="$1" '
    { for (i = 2; i <= NF; i++) if ($i ~ ("(^|:)" f "$") || $i == f) {
        gsub(/,/, "", $1); print $1; exit } }
    END { }' | head -1
}
total=$(printf '%s\n' "$ann" | awk '/PROGRAM TOTALS/ { gsub(/,/, "", $1); print $1; exit }')
if [ "$idle" != 0 ]; then
  # Instructions only: the system calls and wake-ups behind them (often
  # most of the CPU time of an idle daemon) are not counted here.
  pct() { awk -v a="${1:-0}" -v t="$total" 'BEGIN { printf "%.0f %%", t ? 100 * a / t : 0 }'; }
  echo "idle_seconds=$idle"
  echo "instr_per_second=$(awk -v t="$total" -v s="$idle" 'BEGIN { printf "%.0f", t / s }')"
  echo "store_writes=$(pct "$(incl vg_recorder_flush)")  # recorder flush: SQLite (store/)"
  echo "judge_apply=$(pct "$(incl after_work_cb)")  # evaluate, judge, records queued, sinks"
  echo "collect=$(pct "$(incl work_cb)")  # probes' collect, on workers"
  echo "schedule=$(pct "$(incl tick_cb)")  # scheduler ticks, jobs queued"
  [ $keep = 1 ] && printf '%s\n' "$ann" >"$T/annotate.txt"
  exit 0
fi
n=$(awk -F= '$1 == "queries" { print $2 }' "$T/latency.txt")
bytes=$(awk -F= '$1 == "answer_bytes" { print $2 }' "$T/latency.txt")
per() { awk -v a="${1:-0}" -v n="$n" 'BEGIN { printf "%.0f", n ? a / n : 0 }'; }
handle=$(incl client_handle_line)
conn=$(incl server_connection_cb)
cls=$(incl client_free_cb)
echo "requests=$n"
echo "answer_bytes=$bytes"
echo "handler_instr_per_request=$(per "$handle")  # client_handle_line: parse, answer, queue, write"
echo "accept_instr_per_request=$(per "$conn")  # server_connection_cb"
echo "close_instr_per_request=$(per "$cls")  # client_free_cb"
echo "server_instr_per_request=$(per "$(awk -v a="${handle:-0}" -v b="${conn:-0}" -v c="${cls:-0}" 'BEGIN { printf "%.0f", a + b + c }')")  # the three above"
echo "process_instr_per_request=$(per "$total")  # everything, probes and timers included"
if [ $keep = 1 ]; then
  printf '%s\n' "$ann" >"$T/annotate.txt"
fi

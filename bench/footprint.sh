#!/usr/bin/env bash
# footprint.sh: Vigil beside collectd in one run - memory, CPU, start-up,
# query latency, requests/s under many clients, memory after a burst -
# printed as Vigil/collectd ratios (bench/README.md). Numbers only, never
# asserted. Unix sockets only, bounded in time, both daemons stopped by pid.
#
# Usage: bench/footprint.sh [--install] [--no-collectd] [--collectd-csv]
#          [--plugins LIST] [--no-build] [--quick] [--window S] [--pss-at S] [--queries N]
#          [--clients N] [--burst S] [--settle S] [--keep]
#   --install       apt-get install collectd-core when collectd is missing
#   --no-collectd   measure Vigil alone
#   --collectd-csv  collectd also writes every value (csv plugin), as Vigil
#                   writes every sample to SQLite
#   --plugins LIST  collectd's read plugins (default "cpu df disk load
#                   memory processes swap uptime users")
#   --no-build      do not run the build step below
#   --quick         --window 30 --burst 3 --settle 2 --queries 500
#   --window S      CPU window (default 120 s, from --pss-at on)
#   --pss-at S      seconds after start for PSS and the window start (30)
#   --queries N     sequential new-connection queries per daemon (2000)
#   --clients N     concurrent clients in the burst (100)
#   --burst S       burst length per daemon (10 s)
#   --settle S      wait after the burst before the "settled" RSS (5 s)
#   --keep          keep the temp folder (configs, logs, launch files)
# Builds only: cmake --build --preset native-release --target vigil bench
# (configuring build/native-release first when it is not there).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

install=0 collectd_on=1 csv=0 build=1 keep=0
plugins="cpu df disk load memory processes swap uptime users"
window=120 pss_at=30 queries=2000 clients=100 burst=10 settle=5
usage() { sed -n '6,26p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --install) install=1 ;;
    --no-collectd) collectd_on=0 ;;
    --collectd-csv) csv=1 ;;
    --plugins) plugins=$2; shift ;;
    --no-build) build=0 ;;
    --quick) window=30 burst=3 settle=2 queries=500 ;;
    --window) window=$2; shift ;;
    --pss-at) pss_at=$2; shift ;;
    --queries) queries=$2; shift ;;
    --clients) clients=$2; shift ;;
    --burst) burst=$2; shift ;;
    --settle) settle=$2; shift ;;
    --keep) keep=1 ;;
    -h|--help) usage ;;
    *) echo "footprint.sh: unknown option $1" >&2; usage ;;
  esac
  shift
done

# ------------------------------------------------------------ build
if [ $build = 1 ]; then
  [ -f build/native-release/build.ninja ] ||
    cmake --preset native-release >/dev/null
  cmake --build --preset native-release --target vigil bench >/dev/null
fi
VIGIL=$ROOT/build/native-release/vigil
CLI=$ROOT/build/native-release/bench/bench_load
for f in "$VIGIL" "$CLI"; do
  [ -x "$f" ] || { echo "footprint.sh: $f missing; run cmake --build" \
    "--preset native-release --target vigil bench" >&2; exit 1; }
done

if [ $collectd_on = 1 ] && ! command -v collectd >/dev/null; then
  if [ $install = 1 ]; then
    echo "footprint.sh: installing collectd-core (Debian)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends collectd-core >/dev/null ||
      { apt-get update -qq &&
        apt-get install -y -qq --no-install-recommends collectd-core \
          >/dev/null; }
  else
    echo "footprint.sh: collectd not installed (--install installs" \
      "collectd-core): measuring Vigil alone" >&2
    collectd_on=0
  fi
fi

# ------------------------------------------------------------ clean-up
T=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench.XXXXXX")
LAUNCHERS=() DAEMONS=() WATCHDOG='' PAUSE=''
stop_pid() { # SIGTERM, up to 10 s, then SIGKILL
  local p=$1
  kill -0 "$p" 2>/dev/null || return 0
  kill -TERM "$p" 2>/dev/null || true
  for _ in $(seq 100); do
    kill -0 "$p" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$p" 2>/dev/null || true
}
cleanup() {
  local p
  trap - EXIT INT TERM
  for p in "${DAEMONS[@]}"; do stop_pid "$p"; done
  for p in "${LAUNCHERS[@]}"; do stop_pid "$p"; wait "$p" 2>/dev/null || true; done
  for p in $PAUSE $WATCHDOG; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  if [ $keep = 1 ]; then echo "footprint.sh: kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# Everything is bounded: the whole run may take at most this long.
limit=$((pss_at + window + 2 * (burst + settle) + 180))
(
  trap 'kill $s 2>/dev/null; exit 0' TERM
  sleep "$limit" &
  s=$!
  wait $s
  echo "footprint.sh: still running after $limit s; stopping" >&2
  kill -TERM $$ 2>/dev/null
) &
WATCHDOG=$!
pause() { # sleeps while letting the traps run
  sleep "$1" &
  PAUSE=$!
  wait $PAUSE
}

# ------------------------------------------------------------ readers
ticks=$(getconf CLK_TCK)
kib() { awk -v k="$2" '$1 == k":" { print $2; exit }' "$1" 2>/dev/null; }
pss() { kib "/proc/$1/smaps_rollup" Pss; }
rss() { kib "/proc/$1/status" VmRSS; }
# CPU time in ms: utime+stime from /proc/PID/stat (every thread that ever
# ran, at the clock-tick resolution) ...
cpu_ms() {
  awk -v t="$ticks" '{ sub(/^.*\) /, ""); printf "%.1f", ($12 + $13) * 1000 / t }' \
    "/proc/$1/stat"
}
# ... and the sum of the live threads' schedstat run time (ns precision).
cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f", s }'; }
now() { date +%s.%N; }

# ------------------------------------------------------------ configs
VH=$T/vigil
mkdir -p "$VH"
unset VIGIL_PIPE
export VIGIL_HOME=$VH
# Every probe at 10 s: the probe list comes from `vigil config --json`.
"$VIGIL" config --json |
  grep -o '"section":"[^"]*","key":"interval"' |
  sed 's/^"section":"\([^"]*\)".*/\1/' |
  while read -r id; do printf '[%s]\ninterval = 10s\n\n' "$id"; done \
    >"$VH/vigil.ini"
nprobes=$(grep -c '^\[' "$VH/vigil.ini")
"$VIGIL" config >"$T/vigil-config.txt" 2>&1 ||
  { echo "footprint.sh: vigil.ini has problems:" >&2; cat "$T/vigil-config.txt" >&2; exit 1; }

if [ $collectd_on = 1 ]; then
  mkdir -p "$T/collectd"
  {
    echo "Hostname \"vigil-bench\""
    echo "FQDNLookup false"
    echo "BaseDir \"$T/collectd\""
    echo "PIDFile \"$T/collectd/collectd.pid\""
    echo "PluginDir \"/usr/lib/collectd\""
    echo "TypesDB \"/usr/share/collectd/types.db\""
    echo "Interval 10"
    for p in $plugins; do
      echo "LoadPlugin $p"
    done
    echo "LoadPlugin unixsock"
    echo "<Plugin unixsock>"
    echo "  SocketFile \"$T/collectd.sock\""
    echo "  SocketPerms \"0600\""
    echo "  DeleteSocket true"
    echo "</Plugin>"
    if [ $csv = 1 ]; then
      echo "LoadPlugin csv"
      echo "<Plugin csv>"
      echo "  DataDir \"$T/collectd/csv\""
      echo "</Plugin>"
    fi
  } >"$T/collectd.conf"
  collectd -t -C "$T/collectd.conf" >"$T/collectd-test.txt" 2>&1 ||
    { echo "footprint.sh: collectd.conf refused:" >&2; cat "$T/collectd-test.txt" >&2; exit 1; }
  cversion=$(collectd -h 2>&1 | grep -o 'collectd [0-9][0-9.]*[0-9]' | head -1)
fi

# ------------------------------------------------------------ start
# launch NAME PROTO SOCK CMD..: starts CMD through bench_load, which
# times socket answering and the first measured answer.
launch() {
  local name=$1 proto=$2 sock=$3
  shift 3
  "$CLI" launch "$proto" "$sock" "$T/$name.launch" 30 -- "$@" \
    >"$T/$name.log" 2>&1 &
  LAUNCHERS+=($!)
  for _ in $(seq 500); do
    [ -s "$T/$name.launch.pid" ] && break
    pause 0.01
  done
  [ -s "$T/$name.launch.pid" ] ||
    { echo "footprint.sh: $name did not start" >&2; exit 1; }
  DAEMONS+=("$(cat "$T/$name.launch.pid")")
  for _ in $(seq 3200); do
    grep -q '^exited=' "$T/$name.launch" 2>/dev/null && break
    pause 0.01
  done
  grep -q '^exited=0' "$T/$name.launch" 2>/dev/null ||
    { echo "footprint.sh: $name exited at start:" >&2; cat "$T/$name.log" >&2; exit 1; }
}
val() { awk -F= -v k="$2" '$1 == k { print $2; exit }' "$1"; }

declare -A V C # V[metric]=Vigil's value, C[metric]=collectd's
load0=$(cut -d' ' -f1-3 /proc/loadavg)
if [ $collectd_on = 1 ]; then
  launch collectd collectd "$T/collectd.sock" collectd -f -C "$T/collectd.conf"
  CPID=$(cat "$T/collectd.launch.pid")
  C[sock]=$(val "$T/collectd.launch" socket_ms)
  C[first]=$(val "$T/collectd.launch" first_ms)
fi
t_start=$(now)
launch vigil vigil "$VH/vigil.sock" "$VIGIL" run --console
VPID=$(cat "$T/vigil.launch.pid")
V[sock]=$(val "$T/vigil.launch" socket_ms)
V[first]=$(val "$T/vigil.launch" first_ms)

# ------------------------------------------------------------ idle
left=$(awk -v s="$t_start" -v n="$(now)" -v a="$pss_at" 'BEGIN { d = a - (n - s); print (d > 0 ? d : 0) }')
pause "$left"
V[pss]=$(pss "$VPID") V[rss0]=$(rss "$VPID")
V[pssa]=$(kib "/proc/$VPID/smaps_rollup" Pss_Anon)
V[pssf]=$(kib "/proc/$VPID/smaps_rollup" Pss_File)
V[cpu0]=$(cpu_ms "$VPID") V[ns0]=$(cpu_ns "$VPID")
if [ $collectd_on = 1 ]; then
  C[pss]=$(pss "$CPID") C[rss0]=$(rss "$CPID")
  C[pssa]=$(kib "/proc/$CPID/smaps_rollup" Pss_Anon)
  C[pssf]=$(kib "/proc/$CPID/smaps_rollup" Pss_File)
  C[cpu0]=$(cpu_ms "$CPID") C[ns0]=$(cpu_ns "$CPID")
fi
pause "$window"
V[cpu]=$(awk -v a="${V[cpu0]}" -v b="$(cpu_ms "$VPID")" 'BEGIN { print b - a }')
V[cpuns]=$(awk -v a="${V[ns0]}" -v b="$(cpu_ns "$VPID")" 'BEGIN { printf "%.2f", (b - a) / 1e6 }')
if [ $collectd_on = 1 ]; then
  C[cpu]=$(awk -v a="${C[cpu0]}" -v b="$(cpu_ms "$CPID")" 'BEGIN { print b - a }')
  C[cpuns]=$(awk -v a="${C[ns0]}" -v b="$(cpu_ns "$CPID")" 'BEGIN { printf "%.2f", (b - a) / 1e6 }')
fi
"$CLI" query vigil "$VH/vigil.sock" >"$T/vigil-status.json"
nna=$(grep -o '"status":"n/a"' "$T/vigil-status.json" | wc -l)

# ------------------------------------------------------------ queries
# Server CPU per query: utime+stime over the whole sequence (collectd's
# per-connection threads end, so schedstat would miss them).
q0=$(cpu_ms "$VPID")
"$CLI" latency vigil "$VH/vigil.sock" "$queries" >"$T/vigil.latency"
V[qcpu]=$(awk -v a="$q0" -v b="$(cpu_ms "$VPID")" -v n="$queries" 'BEGIN { printf "%.1f", (b - a) * 1000 / n }')
V[p50]=$(val "$T/vigil.latency" p50_ms) V[p99]=$(val "$T/vigil.latency" p99_ms)
V[bytes]=$(val "$T/vigil.latency" answer_bytes)
if [ $collectd_on = 1 ]; then
  q0=$(cpu_ms "$CPID")
  "$CLI" latency collectd "$T/collectd.sock" "$queries" >"$T/collectd.latency"
  C[qcpu]=$(awk -v a="$q0" -v b="$(cpu_ms "$CPID")" -v n="$queries" 'BEGIN { printf "%.1f", (b - a) * 1000 / n }')
  C[p50]=$(val "$T/collectd.latency" p50_ms) C[p99]=$(val "$T/collectd.latency" p99_ms)
  C[bytes]=$(val "$T/collectd.latency" answer_bytes)
  # GETVAL of one value, for reference (Vigil has no smaller query).
  id=$("$CLI" query collectd "$T/collectd.sock" | awk 'NR == 2 { print $2 }')
  "$CLI" latency collectd "$T/collectd.sock" "$queries" "GETVAL \"$id\"" \
    >"$T/collectd-getval.latency"
  C[gp50]=$(val "$T/collectd-getval.latency" p50_ms)
  C[gp99]=$(val "$T/collectd-getval.latency" p99_ms)
fi

# ------------------------------------------------------------ burst
# burst PID PROTO SOCK: requests/s under $clients clients and RSS before,
# right after and $settle s after, into B[].
declare -A B
burst() {
  local pid=$1 proto=$2 sock=$3 f=$T/$2.burst
  B=()
  B[rss1]=$(rss "$pid")
  "$CLI" burst "$proto" "$sock" "$clients" "$burst" >"$f"
  B[rss2]=$(rss "$pid")
  pause "$settle"
  B[rss3]=$(rss "$pid")
  B[grow]=$((B[rss3] - B[rss1]))
  B[rps]=$(val "$f" rps) B[errors]=$(val "$f" errors)
  B[bp50]=$(val "$f" p50_ms) B[bp99]=$(val "$f" p99_ms)
}
burst "$VPID" vigil "$VH/vigil.sock"
for k in "${!B[@]}"; do V[$k]=${B[$k]}; done
if [ $collectd_on = 1 ]; then
  burst "$CPID" collectd "$T/collectd.sock"
  for k in "${!B[@]}"; do C[$k]=${B[$k]}; done
fi

# ------------------------------------------------------------ report
row() { # LABEL KEY [higher]: Vigil, collectd, Vigil/collectd
  local v=${V[$2]:-} c=${C[$2]:--}
  awk -v l="$1" -v v="$v" -v c="$c" -v h="${3:-}" 'BEGIN {
    r = "-"
    if (c != "-" && c != "" && c + 0 != 0 && v != "") r = sprintf("%.2f", v / c)
    else if (c != "-" && c + 0 == 0 && v + 0 != 0) r = "inf"
    printf "%-44s %12s %12s %8s%s\n", l, v, c, r, h == "" ? "" : "  " h
  }'
}
echo
echo "Vigil $("$VIGIL" version 2>/dev/null | head -1 | awk '{ print $NF }') beside" \
  "${cversion:-no collectd}: one run on $(nproc) CPUs, $(uname -sr)," \
  "every probe / plugin at 10 s"
echo "load average at start $load0, at the end $(cut -d' ' -f1-3 /proc/loadavg)" \
  "(other work on the machine skews latency and requests/s, less the ratios)"
echo "Vigil: $nprobes probes ($nna n/a on this machine); collectd: $plugins" \
  "+ unixsock$([ $csv = 1 ] && echo ' + csv')"
printf '%-44s %12s %12s %8s\n' "metric" "Vigil" "collectd" "V/c"
row "PSS after ${pss_at} s (KiB)" pss
row "  anonymous: heap, stacks (KiB)" pssa
row "  file-backed: code, libraries (KiB)" pssf
row "CPU over ${window} s idle, utime+stime (ms)" cpu
row "CPU over ${window} s idle, schedstat (ms)" cpuns
row "start -> socket answering (ms)" sock
row "start -> first measured answer (ms)" first
row "query p50, new connection (ms)" p50
row "query p99, new connection (ms)" p99
row "answer size (bytes)" bytes
row "server CPU per query (us)" qcpu
row "requests/s, ${clients} clients, new connections" rps "higher is better"
row "  p50 under load (ms)" bp50
row "  p99 under load (ms)" bp99
row "  failed requests" errors
row "RSS idle before the burst (KiB)" rss1
row "RSS right after the burst (KiB)" rss2
row "RSS ${settle} s after the burst (KiB)" rss3
row "  growth kept after the burst (KiB)" grow
if [ $collectd_on = 1 ]; then
  echo "collectd GETVAL of one value: p50 ${C[gp50]} ms, p99 ${C[gp99]} ms" \
    "(the table uses LISTVAL, all values, as status is all findings)"
fi
echo "Ratios are Vigil/collectd: below 1 Vigil uses less (requests/s: above 1" \
  "Vigil serves more). CPU: utime+stime counts in ${ticks} Hz ticks;"
echo "schedstat is ns-precise but counts only threads alive at both ends."

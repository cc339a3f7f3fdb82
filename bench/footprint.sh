#!/usr/bin/env bash
# footprint.sh: Vigil beside collectd - memory, CPU, start-up, query
# latency, requests/s under many clients, memory after a burst - printed as
# Vigil/collectd ratios measured side by side (bench/README.md). Numbers
# only, never asserted. Unix sockets only, bounded in time, both daemons
# stopped by pid.
#
# Usage: bench/footprint.sh [--install] [--no-collectd] [--collectd-csv]
#          [--plugins LIST] [--repeat N] [--no-build] [--quick]
#          [--window S] [--pss-at S] [--queries N] [--clients N]
#          [--burst S] [--settle S] [--keep]
#   --install       apt-get install collectd-core when collectd is missing
#   --no-collectd   measure Vigil alone
#   --collectd-csv  collectd also writes every value (csv plugin), as Vigil
#                   writes every sample to SQLite
#   --plugins LIST  collectd's read plugins (default "cpu df load memory":
#                   a small, steady baseline; "processes" costs more as
#                   the machine runs more processes)
#   --repeat N      N runs, the start order alternating; medians (1)
#   --no-build      do not run the build step below
#   --quick         --window 30 --burst 3 --settle 2 --queries 500
#   --window S      idle CPU window (default 120 s, from --pss-at on)
#   --pss-at S      seconds after start for PSS and the window start (30)
#   --queries N     sequential new-connection queries per daemon (2000)
#   --clients N     concurrent clients in the burst (100)
#   --burst S       burst length per daemon (10 s)
#   --settle S      wait after the burst before the "settled" RSS (5 s)
#   --keep          keep the temp folder (configs, logs, raw numbers)
# Builds only: cmake --build --preset native-release --target vigil bench
# (configuring build/native-release first when it is not there).
set -euo pipefail
cd "$(dirname "$0")/.."

install=0 collectd_on=1 csv=0 build=1 keep=0 repeat=1
plugins="cpu df load memory"
window=120 pss_at=30 queries=2000 clients=100 burst=10 settle=5
usage() { sed -n '8,30p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --install) install=1 ;;
    --no-collectd) collectd_on=0 ;;
    --collectd-csv) csv=1 ;;
    --plugins) plugins=$2; shift ;;
    --repeat) repeat=$2; shift ;;
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
. bench/common.sh
bench_build footprint.sh $build

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
unset VIGIL_PIPE # each Vigil answers at <its VIGIL_HOME>/vigil.sock
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
stop_all() { # the daemons, then their launchers
  local p
  for p in "${DAEMONS[@]}"; do stop_pid "$p"; done
  for p in "${LAUNCHERS[@]}"; do
    stop_pid "$p"
    wait "$p" 2>/dev/null || true
  done
  DAEMONS=() LAUNCHERS=()
}
cleanup() {
  local p
  trap - EXIT INT TERM
  stop_all
  for p in $PAUSE $WATCHDOG; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  if [ $keep = 1 ]; then echo "footprint.sh: kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# Everything is bounded: the whole run may take at most this long.
limit=$((repeat * (pss_at + window + 2 * (burst + settle) + 120) + 60))
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
# ... and schedstat's run time (ns precision) of every thread, as "TID NS"
# lines: sampled every second through the window, so threads that start or
# end meanwhile count too (a thread that ended loses at most its last
# second).
cpu_tids() { # bash only: no process started per thread and second
  local t ns _
  for t in /proc/"$1"/task/*; do
    read -r ns _ 2>/dev/null <"$t/schedstat" && echo "${t##*/} $ns"
  done
}
# cpu_window FILE: ms run in the window from the samples in FILE ("S TID NS",
# S = the sample's number, 0 at the window's start): per thread, its last
# sample minus its first one (0 for threads born in the window).
cpu_window() {
  awk '$3 != "" { if (!($2 in first)) first[$2] = ($1 == 0 ? $3 : 0); last[$2] = $3 }
       END { for (t in last) s += last[t] - first[t]; printf "%.2f", s / 1e6 }' "$1"
}
now() { date +%s.%N; }
val() { awk -F= -v k="$2" '$1 == k { print $2; exit }' "$1"; }
sub_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# ------------------------------------------------------------ configs
# vigil.ini: every probe at 10 s (the probe list from `vigil config --json`).
vigil_ini() {
  bench_ini "$1" 10
  VIGIL_HOME=$1 "$VIGIL" config >"$1/config.txt" 2>&1 ||
    { echo "footprint.sh: vigil.ini has problems:" >&2; cat "$1/config.txt" >&2; exit 1; }
}
# collectd.conf in DIR: 10 s, $plugins, unixsock at DIR/collectd.sock.
collectd_conf() {
  local d=$1 p
  mkdir -p "$d/collectd"
  {
    echo "Hostname \"vigil-bench\""
    echo "FQDNLookup false"
    echo "BaseDir \"$d/collectd\""
    echo "PIDFile \"$d/collectd/collectd.pid\""
    echo "PluginDir \"/usr/lib/collectd\""
    echo "TypesDB \"/usr/share/collectd/types.db\""
    echo "Interval 10"
    for p in $plugins; do echo "LoadPlugin $p"; done
    echo "LoadPlugin unixsock"
    echo "<Plugin unixsock>"
    echo "  SocketFile \"$d/collectd.sock\""
    echo "  SocketPerms \"0600\""
    echo "  DeleteSocket true"
    echo "</Plugin>"
    if [ $csv = 1 ]; then
      echo "LoadPlugin csv"
      echo "<Plugin csv>"
      echo "  DataDir \"$d/collectd/csv\""
      echo "</Plugin>"
    fi
  } >"$d/collectd.conf"
  collectd -t -C "$d/collectd.conf" >"$d/collectd-test.txt" 2>&1 ||
    { echo "footprint.sh: collectd.conf refused:" >&2; cat "$d/collectd-test.txt" >&2; exit 1; }
}

# ------------------------------------------------------------ one run
# launch DIR NAME PROTO SOCK CMD..: starts CMD through bench_load, which
# times socket answering and the first measured answer into DIR/NAME.launch.
launch() {
  local d=$1 name=$2 proto=$3 sock=$4
  shift 4
  "$CLI" launch "$proto" "$sock" "$d/$name.launch" 30 -- "$@" \
    >"$d/$name.log" 2>&1 &
  LAUNCHERS+=($!)
  for _ in $(seq 500); do
    [ -s "$d/$name.launch.pid" ] && break
    pause 0.01
  done
  [ -s "$d/$name.launch.pid" ] ||
    { echo "footprint.sh: $name did not start" >&2; exit 1; }
  DAEMONS+=("$(cat "$d/$name.launch.pid")")
  for _ in $(seq 3200); do
    grep -q '^exited=' "$d/$name.launch" 2>/dev/null && break
    pause 0.01
  done
  grep -q '^exited=0' "$d/$name.launch" 2>/dev/null ||
    { echo "footprint.sh: $name exited at start:" >&2; cat "$d/$name.log" >&2; exit 1; }
  val "$d/$name.launch" socket_ms | sed 's/^/sock=/' >>"$d/$name.kv"
  val "$d/$name.launch" first_ms | sed 's/^/first=/' >>"$d/$name.kv"
}

# run_once DIR ORDER: one side-by-side run; every number into DIR/vigil.kv
# and DIR/collectd.kv (key=value). ORDER 0 starts collectd first.
run_once() {
  local d=$1 order=$2 names=vigil t_start pid name f q0 k
  local -A pid_of sock_of
  mkdir -p "$d/home"
  vigil_ini "$d/home"
  sock_of[vigil]=$d/home/vigil.sock
  if [ $collectd_on = 1 ]; then
    collectd_conf "$d"
    sock_of[collectd]=$d/collectd.sock
    if [ "$order" = 0 ]; then names="collectd vigil"; else names="vigil collectd"; fi
  fi
  : >"$d/vigil.kv"
  : >"$d/collectd.kv"
  t_start=$(now)
  for name in $names; do
    if [ "$name" = vigil ]; then
      VIGIL_HOME=$d/home launch "$d" vigil vigil "${sock_of[vigil]}" \
        "$VIGIL" run --console
    else
      launch "$d" collectd collectd "${sock_of[collectd]}" \
        collectd -f -C "$d/collectd.conf"
    fi
    pid_of[$name]=$(cat "$d/$name.launch.pid")
  done

  # Idle: PSS at --pss-at, then CPU over --window.
  pause "$(awk -v s="$t_start" -v n="$(now)" -v a="$pss_at" \
    'BEGIN { d = a - (n - s); print (d > 0 ? d : 0) }')"
  for name in $names; do
    pid=${pid_of[$name]} f=$d/$name.kv
    {
      echo "pss=$(pss "$pid")"
      echo "pssa=$(kib "/proc/$pid/smaps_rollup" Pss_Anon)"
      echo "pssf=$(kib "/proc/$pid/smaps_rollup" Pss_File)"
      echo "cpu0=$(cpu_ms "$pid")"
    } >>"$f"
    cpu_tids "$pid" | sed 's/^/0 /' >"$d/$name.sched"
  done
  for ((i = 1; i <= window; i++)); do
    pause 1
    for name in $names; do
      cpu_tids "${pid_of[$name]}" | sed "s/^/$i /" >>"$d/$name.sched"
    done
  done
  for name in $names; do
    pid=${pid_of[$name]} f=$d/$name.kv
    echo "cpu=$(sub_ms "$(val "$f" cpu0)" "$(cpu_ms "$pid")")" >>"$f"
    echo "cpuns=$(cpu_window "$d/$name.sched")" >>"$f"
  done
  "$CLI" query vigil "${sock_of[vigil]}" >"$d/vigil-status.json"
  echo "na=$(grep -o '"status":"n/a"' "$d/vigil-status.json" | wc -l)" \
    >>"$d/vigil.kv"

  # Queries one after the other, then the burst, one daemon at a time.
  # Server CPU per query: utime+stime over the sequence (collectd's
  # per-connection threads end, so schedstat would miss them).
  for name in $names; do
    pid=${pid_of[$name]} f=$d/$name.kv
    q0=$(cpu_ms "$pid")
    "$CLI" latency "$name" "${sock_of[$name]}" "$queries" >"$d/$name.latency"
    echo "qcpu=$(awk -v a="$q0" -v b="$(cpu_ms "$pid")" -v n="$queries" \
      'BEGIN { printf "%.1f", (b - a) * 1000 / n }')" >>"$f"
    for k in p50 p99; do
      echo "$k=$(val "$d/$name.latency" "${k}_ms")" >>"$f"
    done
    echo "bytes=$(val "$d/$name.latency" answer_bytes)" >>"$f"
  done
  if [ $collectd_on = 1 ]; then
    # GETVAL of one value, for reference (Vigil has no smaller query).
    k=$("$CLI" query collectd "${sock_of[collectd]}" | awk 'NR == 2 { print $2 }')
    "$CLI" latency collectd "${sock_of[collectd]}" "$queries" "GETVAL \"$k\"" \
      >"$d/getval.latency"
    echo "gp50=$(val "$d/getval.latency" p50_ms)" >>"$d/collectd.kv"
    echo "gp99=$(val "$d/getval.latency" p99_ms)" >>"$d/collectd.kv"
  fi
  for name in $names; do
    pid=${pid_of[$name]} f=$d/$name.kv
    echo "rss1=$(rss "$pid")" >>"$f"
    "$CLI" burst "$name" "${sock_of[$name]}" "$clients" "$burst" \
      >"$d/$name.burst"
    echo "rss2=$(rss "$pid")" >>"$f"
    pause "$settle"
    k=$(rss "$pid")
    q0=$(val "$f" rss1)
    {
      echo "rss3=$k"
      echo "grow=$((k - q0))"
      echo "rps=$(val "$d/$name.burst" rps)"
      echo "errors=$(val "$d/$name.burst" errors)"
      echo "bp50=$(val "$d/$name.burst" p50_ms)"
      echo "bp99=$(val "$d/$name.burst" p99_ms)"
    } >>"$f"
  done
  stop_all
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
for i in $(seq "$repeat"); do
  [ "$repeat" -gt 1 ] && echo "footprint.sh: run $i of $repeat" >&2
  run_once "$T/run$i" $(((i + 1) % 2))
done

# ------------------------------------------------------------ report
# row LABEL KEY [NOTE]: medians over the runs of Vigil, collectd and of
# the per-run ratio Vigil/collectd (with its range when repeated).
row() {
  local i v c vs='' cs='' rs=''
  for i in $(seq "$repeat"); do
    v=$(val "$T/run$i/vigil.kv" "$2")
    c=$(val "$T/run$i/collectd.kv" "$2")
    vs="$vs $v" cs="$cs $c"
    rs="$rs $(awk -v v="$v" -v c="$c" 'BEGIN {
      if (c == "" || v == "") print ""
      else if (c + 0 != 0) printf "%.4f", v / c
      else if (v + 0 != 0) print "inf"
      else print "" }')"
  done
  awk -v l="$1" -v vs="$vs" -v cs="$cs" -v rs="$rs" -v note="${3:-}" '
    function median(s, a, n, i, j, t) {
      n = split(s, a, " ")
      if (n == 0) return ""
      for (i = 1; i <= n; i++) if (a[i] == "inf") a[i] = 1e300
      for (i = 1; i <= n; i++)
        for (j = i + 1; j <= n; j++)
          if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
      lo = a[1]; hi = a[n]
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function fmt(x) {
      if (x == "") return "-"
      if (x + 0 >= 1e300) return "inf"
      return x == int(x) ? sprintf("%d", x) : sprintf("%.4g", x)
    }
    BEGIN {
      v = median(vs); c = median(cs); r = median(rs)
      range = ""
      if (r != "" && split(rs, x, " ") > 1)
        range = sprintf(" (%.2f-%s)", lo,
          hi + 0 >= 1e300 ? "inf" : sprintf("%.2f", hi))
      printf "%-44s %12s %12s %8s%s%s\n", l, fmt(v), fmt(c),
        r == "" ? "-" : (r + 0 >= 1e300 ? "inf" : sprintf("%.2f", r)),
        range, note == "" ? "" : "  " note
    }'
}
cversion=
[ $collectd_on = 1 ] &&
  cversion=$(collectd -h 2>&1 | grep -o 'collectd [0-9][0-9.]*[0-9]' | head -1)
echo
echo "Vigil $("$VIGIL" version 2>/dev/null | head -1 | awk '{ print $NF }') beside" \
  "${cversion:-no collectd}: $repeat run(s) on $(nproc) CPUs, $(uname -sr)," \
  "every probe / plugin at 10 s"
echo "load average at start $load0, at the end $(cut -d' ' -f1-3 /proc/loadavg)" \
  "(other work on the machine skews latency and requests/s, less the ratios)"
cplugins="not run"
[ $collectd_on = 1 ] &&
  cplugins="$plugins + unixsock$([ $csv = 1 ] && echo ' + csv' || true)"
echo "Vigil: $(grep -c '^\[' "$T/run1/home/vigil.ini") probes" \
  "($(val "$T/run1/vigil.kv" na) n/a on this machine); collectd: $cplugins"
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
  echo "collectd GETVAL of one value: p50 $(val "$T/run1/collectd.kv" gp50) ms," \
    "p99 $(val "$T/run1/collectd.kv" gp99) ms (run 1; the table uses LISTVAL," \
    "all values, as status is all findings)"
fi
echo "Ratios are Vigil/collectd, per run (median, range when repeated): below" \
  "1 Vigil uses less (requests/s: above 1 Vigil serves more)."
echo "CPU: utime+stime counts in ${ticks} Hz ticks; schedstat is ns-precise," \
  "sampled every second per thread (threads born or ended in the window count)."

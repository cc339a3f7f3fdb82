#!/usr/bin/env bash
# Windows lane, issue 4: vigil.exe as a real service under Wine's Service
# Control Manager. install (twice: idempotent), net start, sc query RUNNING,
# status from another process, the events it reported (read from
# WINEDEBUG=+eventlog: ReportEventW is a stub in Wine that logs them), SCM
# status reports (trace+service: SetServiceStatus), flood control, a start
# failure, a second `vigil run`, net stop, uninstall.
# Usage: service_e2e.sh VIGIL_EXE EVENTS_MD   (WINEPREFIX set by ctest)
set -euo pipefail
exe=${1:?usage: service_e2e.sh VIGIL_EXE EVENTS_MD}
docs=${2:?usage: service_e2e.sh VIGIL_EXE EVENTS_MD}
: "${WINEPREFIX:?WINEPREFIX must be set}"
here=$(cd "$(dirname "$0")" && pwd)
unset VIGIL_HOME VIGIL_PIPE
work=$(mktemp -d)
log=$work/wine.log
states=$work/states.jsonl
data=$WINEPREFIX/drive_c/ProgramData/Vigil
. "$(dirname "$0")/mars_plant.sh"
key=$mars_key
console=

q() { WINEDEBUG=-all wine "$@"; }
cleanup() {
  [ -n "$console" ] && kill "$console" 2>/dev/null || true
  q "$exe" uninstall --purge >/dev/null 2>&1 || true
  unplant_mars # the unit tests expect a bare prefix
  wineserver -k 2>/dev/null || true # isolated.sh waits for it to exit
  if [ -n "${KEEP_WORK:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  grep -a ':eventlog:\|ReportEventW' "$log" 2>/dev/null | tail -30 >&2 || true
  exit 1
}
pass() { echo "ok: $*"; }

# A fresh wineserver whose services.exe (and so the Vigil service it
# starts) logs events and SCM status reports into $log. Persistent: Wine
# counts services as system processes and would otherwise shut everything
# down (and boot it again without this log) while no command runs.
wineserver -k 2>/dev/null || true
wineserver -w 2>/dev/null || true
wineserver -p
export WINEDEBUG=-all,+pid,+eventlog,fixme+advapi,trace+service
# Boot the prefix's services (with this log) and let Wine's own on-demand
# event log service finish starting before anything is measured.
wine net start eventlog > /dev/null 2>> "$log" || true
wine "$exe" install > "$work/install1.out" 2> "$work/install1.err" \
  || { cat "$work/install1.out" >&2
       grep -av '^[0-9a-f]*:[0-9a-f]*:\(trace\|fixme\|warn\|err\):' \
         "$work/install1.err" >&2 || true
       fail "vigil install"; }
cat "$work/install1.err" >> "$log"
export WINEDEBUG=-all

# ---- install, idempotent
grep -q "service Vigil created" "$work/install1.out" \
  || fail "first install did not create the service: $(cat "$work/install1.out")"
q "$exe" install > "$work/install2.out" 2>&1 || fail "second install failed"
grep -q "^vigil install: service Vigil already installed; settings refreshed" \
  "$work/install2.out" && grep -q "^vigil install: data folder .* kept, ACL refreshed" \
  "$work/install2.out" || fail "second install: $(cat "$work/install2.out")"
q reg query 'HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\Vigil' \
  > "$work/source.txt" 2>&1 || fail "event source key missing"
python3 - "$work/source.txt" <<'PY'
import sys
t = open(sys.argv[1], errors="replace").read()
want = {"EventMessageFile": "vigil.exe", "CategoryMessageFile": "vigil.exe",
        "TypesSupported": "0x7", "CategoryCount": "0x2"}
for k, v in want.items():
    line = [l for l in t.splitlines() if l.strip().startswith(k)]
    assert line and line[0].rstrip().endswith(v), (k, line)
PY
[ -d "$data" ] || fail "data folder $data not created"
pass "install (twice) created the service, data folder and event source"

# ---- not through the SCM: one clear line
# Wine's StartServiceCtrlDispatcher picks up whatever service start is in
# flight (here Wine's own event log service, started on demand after the
# wineserver restart above) instead of failing; let that start finish first.
q net start eventlog > /dev/null 2>&1 || true
set +e
q "$exe" service > /dev/null 2> "$work/svc.err"; rc=$?
set -e
[ $rc -eq 2 ] && grep -q "only the Service Control Manager" "$work/svc.err" \
  || fail "vigil service from a console: rc $rc $(cat "$work/svc.err")"

# ---- configuration: scratch.space flips with the MARS scratch folder
plant_mars 'C:\MARS\Scratch'
ini() {
  printf '[agent]\nflap_window = 30s\nflap_max = 3\nmax_backoff = 1s\n' \
    > "$data/vigil.ini"
  printf '[scratch.space]\ninterval = 1s\nbackup_bytes = %s\n' "$1" \
    >> "$data/vigil.ini"
}
ini 1K

# Waits until `vigil status --json` shows scratch.space at $1 and records
# that finding (the inserts of the next event must carry it).
wait_status() {
  local want=$1 i
  for i in $(seq 1 60); do
    # Exit codes 0-3 follow the overall status; the JSON is what counts.
    q "$exe" status --json > "$work/status.json" 2> "$work/status.err" || true
    if python3 - "$work/status.json" "$want" "$states" 2>/dev/null <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
p = {x["id"]: x for x in doc["probes"]}.get("scratch.space")
if not p or p["status"] != sys.argv[2]:
    sys.exit(1)
with open(sys.argv[3], "a") as f:
    f.write(json.dumps(p) + "\n")
PY
    then return 0; fi
    sleep 0.3
  done
  cat "$work/status.json" "$work/status.err" >&2 || true
  fail "scratch.space never reached $want"
}
flip() {
  q reg add "$key\\Config" /v ScratchLocation /t REG_SZ /d "$1" /f /reg:64 >/dev/null
  wait_status "$2"
}

# ---- net start, sc query, status from another process
t0=$(date +%s)
q net start Vigil > "$work/net.out" 2>&1 || { cat "$work/net.out"; fail "net start"; }
q sc query Vigil | grep "STATE.*RUNNING" > /dev/null || fail "sc query: not RUNNING"
pass "net start Vigil; sc query Vigil shows RUNNING ($(( $(date +%s) - t0 )) s)"
wait_status ok
python3 - "$work/status.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["probes"] and doc["overall"] in ("ok", "warn", "crit", "unknown")
p = {x["id"]: x for x in doc["probes"]}["scratch.space"]
assert p["facts"]["path"] == "C:\\MARS\\Scratch", p["facts"]
PY
pass "vigil status --json from another process returns the service's findings"

# ---- vigil start while it runs: says so, exit 0
set +e
q "$exe" start > "$work/start.out" 2>&1; rc=$?
set -e
[ $rc -eq 0 ] && grep -q "^vigil start: service Vigil is already running (pid [0-9]*)" \
  "$work/start.out" || fail "vigil start while running: rc $rc $(cat "$work/start.out")"
pass "$(head -1 "$work/start.out" | tr -d '\r')"

# ---- a second agent on the same pipe is refused
set +e
timeout 60 env WINEDEBUG=-all wine "$exe" run --console > "$work/run2.out" 2> "$work/run2.err"
rc=$?
set -e
[ $rc -ne 0 ] && grep -q "already running" "$work/run2.err" \
  || fail "second vigil run: rc $rc, $(cat "$work/run2.err")"
pass "second vigil run: $(grep -m1 'already running' "$work/run2.err")"

# ---- raise, clear, flapping, settle - all while running
t0=$(date +%s)
flip 'Q:\Scratch' unknown      # 203
flip 'C:\MARS\Scratch' ok      # 202
flip 'Q:\Scratch' unknown      # 203
flip 'C:\MARS\Scratch' ok      # 4th change in 30 s: 204, then held
flip 'Q:\Scratch' unknown      # held
flip 'C:\MARS\Scratch' ok      # held
pass "flipped scratch.space 6 times in $(( $(date +%s) - t0 )) s"
for i in $(seq 1 120); do
  grep -q "ReportEventW (.*,0x400000cd," "$log" && break
  sleep 0.5
done

# The Linux processes of this prefix's service process (Wine shows the
# Windows command line).
svc_procs() {
  local p
  for p in $(pgrep -f 'vigil\.exe"? service' || true); do
    tr '\0' '\n' < "/proc/$p/environ" 2>/dev/null \
      | grep -x "WINEPREFIX=$WINEPREFIX" > /dev/null && echo "$p"
  done
  return 0
}

# ---- vigil stop waits for STOPPED and for the process to exit; twice
before=$(svc_procs)
q "$exe" stop > "$work/stop.out" 2>&1 || { cat "$work/stop.out"; fail "vigil stop"; }
after=$(svc_procs)
[ "$(tr -d '\r' < "$work/stop.out")" = "vigil stop: service Vigil stopped" ] \
  || fail "vigil stop: $(cat "$work/stop.out")"
q sc query Vigil | grep "STATE.*STOPPED" > /dev/null || fail "after vigil stop: not STOPPED"
if [ -n "$before" ]; then
  [ -z "$after" ] || fail "vigil stop returned while the service process ran: $after"
  pass "vigil stop: STOPPED and the service process gone when it returns"
else
  echo "note: no service process seen under this prefix; exit not checked"
fi
set +e
q "$exe" stop > "$work/stop.out" 2>&1; rc=$?
set -e
[ $rc -eq 0 ] && [ "$(tr -d '\r' < "$work/stop.out")" = \
  "vigil stop: service Vigil is not running" ] \
  || fail "vigil stop when stopped: rc $rc $(cat "$work/stop.out")"
pass "vigil stop again: $(tr -d '\r' < "$work/stop.out")"

# ---- crit on restart; an unchanged restart repeats nothing; clear
ini 100T
q "$exe" start > "$work/start.out" 2>&1 || { cat "$work/start.out"; fail "vigil start"; }
grep -q "^vigil start: service Vigil started (pid [0-9]*)" "$work/start.out" \
  || fail "vigil start: $(cat "$work/start.out")"
wait_status crit                # 201
q "$exe" stop > "$work/stop.out" 2>&1 || fail "vigil stop (2): exit $? $(cat "$work/stop.out")"
q "$exe" start > "$work/start.out" 2>&1 || fail "vigil start (2): exit $? $(cat "$work/start.out")"
sleep 3
wait_status crit                # unchanged: no event
q "$exe" stop > "$work/stop.out" 2>&1 || fail "vigil stop (3): exit $? $(cat "$work/stop.out")"
ini 1K
q "$exe" start > "$work/start.out" 2>&1 || fail "vigil start (3): exit $? $(cat "$work/start.out")"
wait_status ok                  # 202
pass "vigil stop/start: crit raised, unchanged restart, cleared"

# ---- net stop reaches STOPPED within the wait hint
t0=$(date +%s%N)
q net stop Vigil > "$work/net.out" 2>&1 || { cat "$work/net.out"; fail "net stop"; }
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
q sc query Vigil | grep "STATE.*STOPPED" > /dev/null || fail "sc query: not STOPPED"
[ $ms -lt 15000 ] || fail "net stop took $ms ms, over the 15 s wait hint"
pass "net stop Vigil: STOPPED in $ms ms"

# ---- a start that fails: the pipe is taken by a console agent
WINEDEBUG=-all wine "$exe" run --console > "$work/console.out" 2>&1 &
console=$!
for i in $(seq 1 60); do
  grep -q "started" "$work/console.out" && break
  sleep 0.5
done
set +e
q "$exe" start > "$work/start.out" 2> "$work/start.err"; rc=$?
set -e
[ $rc -eq 1 ] && grep -q "failed to start (code 14: already running" "$work/start.err" \
  && grep -q "vigil run --console" "$work/start.err" \
  && [ "$(wc -l < "$work/start.err")" -eq 1 ] \
  || fail "failed start: rc $rc $(cat "$work/start.out" "$work/start.err")"
q sc query Vigil > "$work/sc.txt"
grep -q "WIN32_EXIT_CODE *: *1066" "$work/sc.txt" &&
  grep -q "SERVICE_EXIT_CODE *: *14 " "$work/sc.txt" \
  || fail "sc query after a failed start: $(cat "$work/sc.txt")"
kill "$console" 2>/dev/null || true
wait "$console" 2>/dev/null || true
console=
pass "failed start: $(cat "$work/start.err")"

# ---- what the service reported
python3 "$here/service_events.py" "$log" "$docs" "$states" \
  || fail "events do not match docs/events.md"

# ---- uninstall, idempotent; --purge takes the data folder
q "$exe" uninstall > "$work/un.out" 2>&1 || { cat "$work/un.out"; fail "uninstall"; }
if q sc query Vigil > /dev/null 2>&1; then fail "service still there"; fi
if q reg query 'HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\Vigil' \
   > /dev/null 2>&1; then fail "event source key still there"; fi
[ -f "$data/vigil.db" ] || fail "uninstall without --purge removed the data"
q "$exe" uninstall > "$work/un2.out" 2>&1 || fail "second uninstall"
grep -q "not installed" "$work/un2.out" || fail "second uninstall: $(cat "$work/un2.out")"
q "$exe" uninstall --purge > "$work/un3.out" 2>&1 || fail "uninstall --purge"
grep -q "^vigil uninstall: data folder .* removed" "$work/un3.out" \
  || fail "uninstall --purge: $(cat "$work/un3.out")"
[ ! -d "$data" ] || fail "--purge left $data"
q "$exe" uninstall --purge > "$work/un4.out" 2>&1 || fail "uninstall --purge (2)"
grep -q "^vigil uninstall: no data folder at " "$work/un4.out" \
  || fail "uninstall --purge (2): $(cat "$work/un4.out")"
pass "uninstall removed service and event source, kept data; --purge removed it"
echo "service e2e passed"

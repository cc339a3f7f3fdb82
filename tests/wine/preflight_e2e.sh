#!/usr/bin/env bash
# Windows lane, issue 11: the verdict on the next scheduled backup, under
# Wine, end to end. A real task registered through ITaskService (schtasks)
# with a daily trigger a few minutes ahead; the running agent (vigil run
# --console) shows next_backup.at at that time (computed from the triggers:
# Wine answers E_NOTIMPL for NextRunTime); the planted fault (no
# OnlineBackup.KEK) makes the verdict will_fail with scratch.kek in
# blocking; the pre-flight sweep (preflight_lead 1h: the backup is within
# it at start) reports event 112 once - also across a restart of the agent
# (the verdict is kept in the database); planting the KEK and `vigil run
# scratch.kek` takes scratch.kek out of the blocking list.
# Wine limit, named: task.schedule itself stays unknown under Wine (the
# principal and the last result answer E_NOTIMPL), so the fixed verdict is
# at_risk here, not ready.
# Usage: preflight_e2e.sh VIGIL_EXE   (WINEPREFIX set by ctest)
set -euo pipefail
exe=${1:?usage: preflight_e2e.sh VIGIL_EXE}
: "${WINEPREFIX:?WINEPREFIX must be set}"
. "$(dirname "$0")/mars_plant.sh"
work=$(mktemp -d)
home=$WINEPREFIX/drive_c/vigil-preflight
export VIGIL_HOME='C:\vigil-preflight'
export VIGIL_PIPE='\\.\pipe\vigil-preflight-test'
mars_task='\Microsoft\OnlineBackup\Microsoft-OnlineBackup'
agent=
stop_agent() {
  if [ -n "$agent" ]; then
    kill "$agent" 2> /dev/null || true
    wait "$agent" 2> /dev/null || true
    agent=
  fi
}
cleanup() {
  stop_agent
  unplant_task "$mars_task"
  unplant_mars
  rm -rf "$work" "$home"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  tail -20 "$work/agent.err" >&2 2> /dev/null || true
  exit 1
}
pass() { echo "ok: $*"; }

# A daily trigger starting 5 minutes from now (local time, no offset, as
# the MARS console writes it), and its unix ms.
mapfile -t at < <(python3 -c 'import datetime
t = datetime.datetime.now().replace(second=0, microsecond=0) + \
    datetime.timedelta(minutes=6)
print(t.strftime("%Y-%m-%dT%H:%M:%S"))
print(int(t.timestamp() * 1000))')
mars_task_xml "${at[0]}" > "$work/mars.xml"

plant_mars 'C:\MARS\Scratch'
# Both ScratchLocation values agree: scratch.config is fine here.
WINEDEBUG=-all wine reg add "$mars_key\\Config\\CloudBackupProvider" \
  /v ScratchLocation /t REG_SZ /d 'C:\MARS\Scratch' /f /reg:64 > /dev/null
plant_task "$mars_task" "$work/mars.xml" || fail "schtasks /create $mars_task"
mkdir -p "$home"
# Only the backup-scope probes this prefix can answer run: the scratch
# folder's, the schedule's and temp.files. Everything a bare prefix lacks
# (the .NET/PowerShell/TLS prerequisites, the engine, registration, VSS)
# and the network probes (their endpoints are on the Internet) are off.
mkdir -p "$home/prom"
printf '[agent]\npreflight_lead = 1h\n[export]\ntextfile_dir = C:\\vigil-preflight\\prom\n%s' \
  "$(printf '[%s]\nenabled = false\n' mars.install mars.engine vss.storage \
     iscsi.initiator dotnet.version powershell.env tls.config av.exclusions \
     net.proxy net.reach clock.skew mars.jobs mars.mgmtagent \
     mars.registration source.volumes vss.writers scratch.space)" \
  > "$home/vigil.ini"

start_agent() {
  WINEDEBUG=-all,+eventlog,fixme+advapi wine "$exe" run --console \
    > "$work/agent.out" 2> "$work/agent.err" &
  agent=$!
}

# status JSON into $work/status.json once next_backup is there (the sweep
# waits for the slowest probe, up to its deadline; 150 s under load).
wait_status() {
  local i
  for i in $(seq 1 300); do
    if WINEDEBUG=-all wine "$exe" status --json > "$work/status.json" \
         2> /dev/null || [ -s "$work/status.json" ]; then
      python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if "next_backup" in d and d["next_backup"]["preflight_at"] else 1)' \
        "$work/status.json" 2> /dev/null && return 0
    fi
    sleep 0.5
  done
  return 1
}

# expect PY..: each expression holds for d (the status JSON) and nb
# (its next_backup).
expect() {
  python3 - "$work/status.json" "$@" <<'PY' || fail "expectations failed"
import json, sys
d = json.load(open(sys.argv[1]))
nb = d.get("next_backup", {})
print("  next_backup: %s" % json.dumps(nb))
bad = 0
for e in sys.argv[2:]:
    if not eval(e):
        print("  NOT " + e)
        bad = 1
sys.exit(bad)
PY
}

# Events with id low word ID the agent reported (Wine's ReportEventW stub
# logs each with its full id).
count_events() {
  grep -ac "ReportEventW (.*,0x[0-9a-f]\{4\}$(printf '%04x' "$1")," \
    "$work/agent.err" || true
}

start_agent
wait_status || fail "no next_backup with a pre-flight sweep in status"
expected_at=$(python3 -c 'import datetime,sys
print(datetime.datetime.fromtimestamp(int(sys.argv[1]) / 1000,
      datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))' "${at[1]}")
expect "nb['at'] == '$expected_at'" \
  "nb['source'] == 'triggers'" \
  "nb['task'] == r'$mars_task'" \
  "nb['verdict'] == 'will_fail'" \
  "'scratch.kek' in nb['blocking']" \
  "d['backup_readiness'] == 'crit'"
pass "next backup at $expected_at (from the triggers), will_fail: scratch.kek"
for i in $(seq 1 20); do
  [ "$(count_events 112)" -ge 1 ] && break
  sleep 0.5
done
[ "$(count_events 112)" -eq 1 ] || fail "event 112 reported $(count_events 112) times"
grep -aq "OnlineBackup.KEK" "$work/agent.err" \
  || fail "event 112 does not name the blocking probe's finding"
pass "pre-flight event 112 reported once, naming scratch.kek"

# Fleet delivery from the running service: the summary (120) at start, the
# per-probe id of scratch.kek crit (1000 + 10 x 6 + 2 = 1062), vigil.prom
# for windows_exporter, and the Nagios line with its exit code.
[ "$(count_events 120)" -ge 1 ] || fail "no summary event 120 at start"
[ "$(count_events 1062)" -ge 1 ] || fail "no per-probe event 1062 (scratch.kek crit)"
pass "events 120 (summary) and 1062 (scratch.kek critical) reported"
for i in $(seq 1 20); do
  [ -s "$home/prom/vigil.prom" ] && break
  sleep 0.5
done
grep -q '^vigil_probe_status{probe="scratch.kek",scope="backup"} 2$' \
  "$home/prom/vigil.prom" || fail "vigil.prom lacks scratch.kek at 2"
grep -q '^vigil_next_backup_verdict{verdict="will_fail"} 1$' \
  "$home/prom/vigil.prom" || fail "vigil.prom lacks the verdict"
[ ! -e "$home/prom/vigil.prom.tmp" ] || fail "vigil.prom.tmp left behind"
pass "vigil.prom written with scratch.kek crit and the verdict"
set +e
WINEDEBUG=-all wine "$exe" status --nagios > "$work/nagios.txt" 2>&1
rc=$?
set -e
[ $rc -eq 2 ] && grep -q '^CRITICAL: ' "$work/nagios.txt" \
  || { cat "$work/nagios.txt" >&2; fail "status --nagios: exit $rc"; }
pass "vigil status --nagios: $(head -1 "$work/nagios.txt" | cut -c1-80)"

# The status the CLI prints leads with the verdict.
WINEDEBUG=-all wine "$exe" status > "$work/status.txt" 2>&1 || true
grep -q "^Next backup .*WILL FAIL - .*scratch.kek" "$work/status.txt" \
  || { cat "$work/status.txt" >&2; fail "status does not lead with the verdict"; }
pass "vigil status: $(grep '^Next backup' "$work/status.txt")"

# Restart: the same scheduled backup is not announced again.
stop_agent
start_agent
wait_status || fail "no status after the restart"
sleep 2
[ "$(count_events 112)" -eq 0 ] \
  || fail "event 112 reported again after a restart"
pass "after a restart: no second pre-flight event for the same backup"

# Fix the fault, re-check: scratch.kek no longer blocks.
printf 'key' > "$WINEPREFIX/drive_c/MARS/Scratch/OnlineBackup.KEK"
WINEDEBUG=-all wine "$exe" run scratch.kek > "$work/run.txt" 2>&1 || true
grep -q "OK *scratch.kek" "$work/run.txt" \
  || { cat "$work/run.txt" >&2; fail "vigil run scratch.kek did not turn it ok"; }
WINEDEBUG=-all wine "$exe" status --json > "$work/status.json" 2> /dev/null || true
expect "'scratch.kek' not in nb['blocking']" \
  "nb['verdict'] in ('ready', 'at_risk')  # Wine: task.schedule unknown"
pass "after the fix and vigil run: $(python3 -c 'import json,sys
print(json.load(open(sys.argv[1]))["next_backup"]["verdict"])' "$work/status.json")"
stop_agent
echo "preflight_e2e: passed"

#!/usr/bin/env bash
# Windows lane, issue 11: the next scheduled backup and the last jobs'
# outcomes, read by vigil.exe under Wine.
#
# task.schedule: a real task registered through ITaskService (schtasks)
# with a daily trigger a few minutes ahead; `vigil check task.schedule
# --json` shows next_backup_ms at that time, computed from the triggers.
# Wine limits, named: NextRunTime, the trigger collection, the principal
# and the last result answer E_NOTIMPL, and Wine stores a registered task
# without its triggers - plant_task writes the definition file back whole,
# as Windows keeps it, and Vigil reads the triggers from it. Then a second
# MARS task (several tasks: the earliest wins) and Windows Server Backup's
# task 30 min from the MARS run (warn) and 3 h from it (no overlap).
#
# mars.jobs: CBEngineCurr.errlog (5 MiB, read from its end only) and a
# LastBackupFailedFiles list planted in <InstallPath>\Temp are read. Wine's
# wevtapi is a stub (EvtQuery returns no handle and no error): the failure
# path is what is tested here - the reason is named and the finding is
# unknown unless the files show a problem.
# Usage: jobs_schedule.sh VIGIL_EXE   (WINEPREFIX set by ctest)
set -euo pipefail
exe=${1:?usage: jobs_schedule.sh VIGIL_EXE}
: "${WINEPREFIX:?WINEPREFIX must be set}"
export WINEDEBUG=-all
. "$(dirname "$0")/mars_plant.sh"
. "$(dirname "$0")/probe_checks.sh"
work=$(mktemp -d)
home=$WINEPREFIX/drive_c/vigil-jobs
export VIGIL_HOME='C:\vigil-jobs'
mars_task='\Microsoft\OnlineBackup\Microsoft-OnlineBackup'
mars_task2='\Microsoft\OnlineBackup\Microsoft-OnlineBackup-Second'
wsb_task='\Microsoft\Windows\Backup\Microsoft-Windows-WindowsBackup'
cleanup() {
  unplant_task "$mars_task"
  unplant_task "$mars_task2"
  unplant_task "$wsb_task"
  unplant_mars_files
  unplant_mars
  rm -rf "$work" "$home"
}
trap cleanup EXIT

# local_in MINUTES [FROM]: "YYYY-MM-DDTHH:MM:00" local time, MINUTES from
# now (rounded up to the minute) or from the local time FROM, and its unix
# ms on the next line.
local_in() {
  python3 -c 'import datetime, sys
if len(sys.argv) > 2:
    t = datetime.datetime.strptime(sys.argv[2], "%Y-%m-%dT%H:%M:%S")
else:
    t = datetime.datetime.now().replace(second=0, microsecond=0) + \
        datetime.timedelta(minutes=1)
t += datetime.timedelta(minutes=int(sys.argv[1]))
print(t.strftime("%Y-%m-%dT%H:%M:%S"))
print(int(t.timestamp() * 1000))' "$@"
}

# expect_py PY_EXPRESSIONS..: each must hold for p (the probe's report item)
# and f (its facts) of the last check.
expect_py() {
  python3 - "$work/out.json" "$@" <<'PY' || fail "expectations failed"
import json, sys
doc = json.load(open(sys.argv[1]))
p = doc["probes"][0]
f = p["facts"]
print("  %s %s: %s" % (p["id"], p["status"], p["summary"]))
bad = 0
for e in sys.argv[2:]:
    try:
        ok = eval(e)
    except Exception as x:
        ok = False
        e += " (%r)" % x
    if not ok:
        print("  NOT %s\n      facts %s" % (e, json.dumps(f)))
        bad = 1
sys.exit(bad)
PY
}

mkdir -p "$home"
plant_mars 'C:\MARS\Scratch'

step "task.schedule: a daily trigger a few minutes ahead, computed"
mapfile -t at < <(local_in 5)
mars_task_xml "${at[0]}" IgnoreNew > "$work/mars.xml"
plant_task "$mars_task" "$work/mars.xml" || fail "schtasks /create $mars_task"
check task.schedule
expect_py "f['task_exists'] is True" \
  "f['next_backup_ms'] == ${at[1]}" \
  "f['next_backup_source'] == 'triggers'" \
  "f['next_backup_task'] == r'$mars_task'" \
  "f['triggers_source'] == 'task file'" \
  "f['trigger_kinds'] == 'daily'" \
  "f['tasks'] == 1" \
  "f['wsb_tasks'] == 0" \
  "'E_NOTIMPL' in f['next_run_error']  # Wine: no NextRunTime" \
  "'next run time' not in p['summary']" \
  "p['status'] == 'unknown' and '0x80004001 E_NOTIMPL' in p['summary']"

# Wine limits: ITaskFolder::GetTasks answers E_NOTIMPL (the task files
# name the tasks), and every task's MultipleInstances reads IgnoreNew
# whatever its definition says (Wine's settings reader ignores it), so
# MultipleInstances of other tasks is tested natively only.
step "several tasks: the earliest next run wins"
mapfile -t at2 < <(local_in 3)
mars_task_xml "${at2[0]}" Parallel > "$work/mars2.xml"
plant_task "$mars_task2" "$work/mars2.xml" || fail "schtasks /create $mars_task2"
check task.schedule
expect_py "f['tasks'] == 2" \
  "f['tasks_source'] == 'task files'  # Wine: GetTasks is E_NOTIMPL" \
  "f['other_tasks'] == 'Microsoft-OnlineBackup-Second (enabled)'" \
  "f['next_backup_ms'] == ${at2[1]}" \
  "f['next_backup_task'] == r'$mars_task2'" \
  "p['status'] == 'unknown'"
unplant_task "$mars_task2"

step "Windows Server Backup 30 min after the MARS run: warn"
mapfile -t wsb < <(local_in 30 "${at[0]}")
mars_task_xml "${wsb[0]}" IgnoreNew > "$work/wsb.xml"
plant_task "$wsb_task" "$work/wsb.xml" || fail "schtasks /create $wsb_task"
check task.schedule
expect_py "f['wsb_tasks'] == 1" \
  "f['wsb_overlap'].startswith(r'$wsb_task runs at ')" \
  "'30 min from the MARS backup' in f['wsb_overlap']" \
  "p['status'] == 'warn'" \
  "\"Windows Server Backup's task\" in p['summary']" \
  "'another job was in progress' in p['predicts']"

step "Windows Server Backup 3 h after it: no overlap"
mapfile -t wsb < <(local_in 180 "${at[0]}")
mars_task_xml "${wsb[0]}" IgnoreNew > "$work/wsb.xml"
plant_task "$wsb_task" "$work/wsb.xml" || fail "schtasks /create $wsb_task"
check task.schedule
expect_py "f['wsb_overlap'] is None" "p['status'] == 'unknown'"

step "mars.jobs: a 5 MiB errlog (its end only) and a failed-files list"
python3 - "$work/errlog" "$work/failed" <<'PY'
import datetime, sys
now = datetime.datetime.utcnow()
g = "6B2F1D3E-0A44-4C1B-9E3A-2B7D55C1A001"
def line(t, level, msg, where="backupasync.cpp(311)"):
    return "1A2C\t2F10\t%s\t%s\t71\t%s\t[00000000032A1F40]\t%s\t\t%s\t%s\r\n" % (
        t.strftime("%m/%d"), t.strftime("%H:%M:%S.000"), where, g, level, msg)
old = now - datetime.timedelta(hours=3)
filler = line(old, "NORMAL", "Backup progress: still going")
with open(sys.argv[1], "w", newline="") as f:
    for _ in range(5 * 1024 * 1024 // len(filler)):
        f.write(filler)
    f.write(line(now - datetime.timedelta(hours=2), "WARNING",
                 "Failed: Hr: = [0x80070005] : FindFirstFile failed",
                 "dsmfsenumerator.cpp(1025)"))
    f.write(line(now - datetime.timedelta(hours=1), "FATAL",
                 "Job failed: Hr: = [0x80070570]"))
lst = "C:\\Data\\ledger.xlsx\t0x80070570\r\nD:\\Shares\\in-use.pst\t0x80070020\r\n"
open(sys.argv[2], "wb").write(b"\xff\xfe" + lst.encode("utf-16-le"))
PY
plant_mars_file Temp/CBEngineCurr.errlog < "$work/errlog"
plant_mars_file Temp/LastBackupFailedFiles_7c1f.txt < "$work/failed"
size=$(stat -c %s "$work/errlog")
check mars.jobs
expect_py "'EvtQuery(CloudBackup)' in f['events_error']  # Wine: wevtapi stub" \
  "'not implemented' in f['events_error']" \
  "f['last_success_ms'] is None and f['last_outcome'] is None" \
  "f['errlog_size'] == $size" \
  "f['errlog_read'] == 262144" \
  "f['errlog_errors'] == 2" \
  "f['errlog_last_hr'] == '0x80070570'" \
  "f['failed_lists'] == 1 and f['failed_files'] == 2" \
  "f['failed_corrupt'] == 1" \
  "p['status'] == 'warn'" \
  "'1 failed file(s) are corrupt (0x80070570)' in p['summary']"

step "mars.jobs without the failed list: unknown, the reason named"
rm -f "$mars_ip_dir/Temp/LastBackupFailedFiles_7c1f.txt"
check mars.jobs
expect_py "f['failed_lists'] == 0" \
  "p['status'] == 'unknown'" \
  "'could not be read: EvtQuery(CloudBackup)' in p['summary']" \
  "'newest error in CBEngineCurr.errlog: 0x80070570 ERROR_FILE_CORRUPT' in p['summary']"
echo "jobs_schedule: all steps passed"

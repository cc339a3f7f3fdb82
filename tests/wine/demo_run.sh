#!/usr/bin/env bash
# Windows lane, issue 18: the README's first command, non-interactive.
# tools/run.sh --once with every fault of tests/wine/mars_plant.sh's list,
# on the vigil.exe just built: each fault's probe shows its documented
# status in `vigil status` and raised its per-probe event (docs/events.md);
# the next backup (the planted task's daily trigger, computed: Wine has no
# NextRunTime) is WILL FAIL, naming the backup-scope faults only, with the
# pre-flight event 112; the fixed fault turns ok after `vigil run PROBE`,
# leaves the verdict and is cleared in the Event Log; and run.sh leaves
# nothing behind: no prefix folder, no process of its prefix.
# Usage: demo_run.sh VIGIL_EXE FAKE_CBENGINE_DIR REPO   (WINEPREFIX: ctest's,
# unused - run.sh makes a prefix of its own)
set -euo pipefail
exe=${1:?usage: demo_run.sh VIGIL_EXE FAKE_CBENGINE_DIR REPO}
fakes=${2:?usage: demo_run.sh VIGIL_EXE FAKE_CBENGINE_DIR REPO}
repo=${3:?usage: demo_run.sh VIGIL_EXE FAKE_CBENGINE_DIR REPO}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir "$work/tmp"
WINEPREFIX=/nonexistent bash -c '. "$1"; mars_faults' _ \
  "$repo/tests/wine/mars_plant.sh" > "$work/faults.txt"
args=()
while read -r f _; do args+=(--fault "$f"); done < "$work/faults.txt"
t0=$(date +%s)
set +e
TMPDIR=$work/tmp COLUMNS='' timeout 120 "$repo/tools/run.sh" --once \
  "${args[@]}" --exe "$exe" --cbengine "$fakes/fake_cbengine_2_0_9262_0.exe" \
  > "$work/out.txt" 2>&1
rc=$?
set -e
cat "$work/out.txt"
echo "---- tools/run.sh --once: exit $rc in $(( $(date +%s) - t0 )) s"
[ $rc -eq 0 ] || fail "tools/run.sh --once exited $rc"

python3 - "$work/out.txt" "$repo/docs/events.md" "$work/faults.txt" \
  <<'PY' || fail "output"
import re, sys
out = open(sys.argv[1], encoding="utf-8", errors="replace").read()
faults = [l.split(None, 3) for l in open(sys.argv[3]) if l.strip()]
ids, scope = {}, {}  # probe -> {status: event id}, probe -> scope
for l in open(sys.argv[2], encoding="utf-8"):
    m = re.match(r"\| \d+ \| `([a-z.]+)` \| (\w+) \|" + r" (\d+) \|" * 4, l)
    if m:
        scope[m.group(1)] = m.group(2)
        ids[m.group(1)] = dict(zip(("ok", "warn", "crit", "unknown"),
                                   map(int, m.group(3, 4, 5, 6))))
screens = re.split(r"^=== (\d)/4 .*===$", out, flags=re.M)
s = {screens[i]: screens[i + 1] for i in range(1, len(screens) - 1, 2)}
bad = []
if sorted(s) != ["1", "2", "3", "4"]:
    sys.exit("screens found: %s" % sorted(s))
rows = {}
for l in s["1"].splitlines():
    m = re.match(r"^(OK|WARN|CRIT|UNKNOWN|N/A) +([a-z.]+) ", l)
    if m:
        rows[m.group(2)] = (m.group(1).lower(), l)
events = [(lvl, int(i)) for lvl, i in re.findall(
    r"^(Information|Warning|Error) +Vigil +(\d+) ", s["2"], re.M)]
for name, probe, status, what in faults:
    got = rows.get(probe, ("missing", ""))[0]
    print("  %-16s %-15s %-5s (documented %s)" % (name, probe, got, status))
    if got != status:
        bad.append("%s: %s is %s, documented %s" % (name, probe, got, status))
    want = ids[probe][status]
    if not any(i == want for _, i in events):
        bad.append("%s: no event %d in the Event Log screen" % (name, want))
if "60,000 .tmp files" not in rows.get("temp.files", ("", ""))[1]:
    bad.append("temp.files row: %r" % (rows.get("temp.files"),))
if "Restricted" not in rows.get("powershell.env", ("", ""))[1]:
    bad.append("powershell.env row: %r" % (rows.get("powershell.env"),))
m = re.search(r"^Next backup (.*)$", s["1"], re.M)
if m is None or m.group(1).startswith(":"):
    bad.append("no next backup read from the planted task: %r" %
               (m and m.group(0)))
else:
    line = m.group(1)
    print("  verdict: Next backup " + line)
    v = re.match(r".*\((in|was due) .*\): ([A-Z ]+?)(?: - (.*))?$", line)
    if not v or v.group(2) != "WILL FAIL":
        bad.append("verdict line: %r" % line)
    else:
        # Backup-scope faults block the backup; the others (the
        # management agent: monitoring) do not.
        named = [p.strip() for p in (v.group(3) or "").split(",")]
        for name, probe, status, what in faults:
            if (probe in named) != (scope[probe] == "backup"):
                bad.append("verdict %s %s (%s, scope %s)" % (
                    "names" if probe in named else "does not name", probe,
                    name, scope[probe]))
    if not any(i == 112 for _, i in events):
        bad.append("no pre-flight event 112 (will fail)")
# Screen 3: the first fault fixed and re-checked.
name, probe, status, what = faults[0]
if not re.search(r"^OK +%s " % re.escape(probe), s["3"], re.M):
    bad.append("after the fix %s is not OK:\n%s" % (probe, s["3"]))
after = re.search(r"^Next backup .*$", s["3"], re.M)
if after is None or \
        re.search(r"[ ,]%s(,|$)" % re.escape(probe), after.group(0)):
    bad.append("after the fix the verdict still names %s: %r" % (
        probe, after and after.group(0)))
if not re.search(r"^Information +Vigil +%d " % ids[probe]["ok"], s["3"], re.M):
    bad.append("no clearing event %d after the fix" % ids[probe]["ok"])
if "vigil explain %s" % probe not in s["4"]:
    bad.append("screen 4 does not point at vigil explain")
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY

# Nothing left: the prefix and its folder, and no process of that prefix.
prefix=$(sed -n \
  's/^==> a throwaway Wine prefix: \(.*\) (removed on exit)$/\1/p' \
  "$work/out.txt")
[ -n "$prefix" ] || fail "run.sh did not name its prefix"
case $prefix in
"$work/tmp/"*) ;;
*) fail "prefix $prefix is not under TMPDIR" ;;
esac
[ ! -e "$prefix" ] || fail "left behind: $prefix"
[ -z "$(ls -A "$work/tmp")" ] ||
  fail "left behind in TMPDIR: $(ls -A "$work/tmp")"
left=
for d in /proc/[0-9]*; do
  if tr '\0' '\n' 2>/dev/null < "$d/environ" |
    grep -qx "WINEPREFIX=$prefix"; then
    left="$left ${d#/proc/}($(tr '\0' ' ' 2>/dev/null < "$d/cmdline"))"
  fi
done
[ -z "$left" ] || fail "processes of $prefix left running:$left"
echo "ok: nothing left behind (prefix $prefix gone, no process of it)"
echo "demo run passed"

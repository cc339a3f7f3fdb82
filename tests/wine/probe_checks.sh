# Sourced by the Wine probe scripts (probes3.sh, mars_probes.sh,
# env_probes.sh, net_probes.sh, jobs_schedule.sh): run `vigil check` and
# `vigil status` and assert on their JSON reports. The script sets exe
# (vigil.exe) and work (its scratch folder) before calling these; passed
# counts the expect calls that held.
passed=0

fail() { echo "FAIL: $*" >&2; exit 1; }
q() { "$@" > /dev/null 2>&1 || true; } # best effort, quiet
step() { echo "== $*"; }

# svc_gone NAME: stops and deletes service NAME; fails if it stays.
svc_gone() {
  local _
  q wine net stop "$1"
  q wine sc delete "$1"
  for _ in $(seq 1 50); do
    wine sc query "$1" > /dev/null 2>&1 || return 0
    sleep 0.1
  done
  fail "service $1 did not go away"
}

# check PROBE..: runs `vigil check --json PROBE..` into $work/out.json and
# its exit code into rc; fails beyond 3 (unknown) or without a report.
check() {
  set +e
  wine "$exe" check --json "$@" > "$work/out.json" 2> "$work/err.txt"
  rc=$?
  set -e
  [ $rc -le 3 ] || { cat "$work/err.txt" >&2; fail "check $*: exit $rc"; }
  [ -s "$work/out.json" ] || { cat "$work/err.txt" >&2; fail "no report"; }
}

# expect [-f FILE] SPEC..: asserts on a report ($work/out.json, the last
# check, unless -f FILE). A SPEC is PROBE=STATUS[:TEXT] (the status, TEXT
# in the summary; warn and crit need a remedy) or PROBE.FACT==VALUE (the
# fact as JSON text: "C:\\", true, 200). Returns 1 if one does not hold.
expect() {
  local file=$work/out.json
  if [ "$1" = -f ]; then
    file=$2
    shift 2
  fi
  python3 - "$file" "$@" << 'PY' || { echo "FAIL: expect $*" >&2; return 1; }
import json, sys
doc = json.load(open(sys.argv[1]))
got = {p["id"]: p for p in doc["probes"]}
bad = 0
for spec in sys.argv[2:]:
    left, rest = spec.split("=", 1)
    if rest.startswith("="):
        pid, fact = left.rsplit(".", 1)
        have = json.dumps(got.get(pid, {}).get("facts", {}).get(fact))
        ok = have == rest[1:]
        print("  %s %-18s %s = %s" % ("ok " if ok else "BAD", pid, fact, have))
        if not ok:
            print("      wanted %s" % rest[1:]); bad = 1
        continue
    status, _, text = rest.partition(":")
    p = got.get(left)
    if p is None:
        print("  missing probe %s" % left); bad = 1; continue
    ok = p["status"] == status and text in p["summary"]
    if ok and status in ("warn", "crit") and not p["remedy"]:
        ok = False; print("  %s has no remedy" % left)
    print("  %s %-18s %-7s %s" % ("ok " if ok else "BAD", left, p["status"],
                                  p["summary"]))
    if not ok:
        print("      wanted %s containing %r; facts %s" %
              (status, text, json.dumps(p["facts"])))
        bad = 1
sys.exit(bad)
PY
  passed=$((passed + 1))
}

# status_until SPEC..: polls `vigil status --json` for up to 30 s until
# every SPEC (as for expect) holds; fails with the agent's output
# ($work/agent.out) if they never do.
status_until() {
  local _
  for _ in $(seq 1 60); do
    set +e
    wine "$exe" status --json > "$work/status.json" 2> /dev/null
    set -e
    if [ -s "$work/status.json" ] &&
      expect -f "$work/status.json" "$@" > "$work/expect.out" 2>&1; then
      cat "$work/expect.out"
      return 0
    fi
    sleep 0.5
  done
  cat "$work/expect.out" "$work/agent.out" >&2 2> /dev/null || true
  fail "status never showed $*"
}

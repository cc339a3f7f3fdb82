#!/usr/bin/env python3
"""Checks what the Vigil service reported under Wine against docs/events.md.

Reads a WINEDEBUG=+pid,+eventlog,fixme+advapi,trace+service log through
eventlog_trace.parse_log: the events Wine's ReportEventW stub logged, and
each SetServiceStatus report (trace:service).
Usage: service_events.py WINE_LOG EVENTS_MD STATES_JSONL
STATES_JSONL: the scratch.space findings service_e2e.sh saw, in order.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eventlog_trace import parse_log  # noqa: E402

LEVEL_BITS = {"Information": 0x40000000, "Warning": 0x80000000,
              "Error": 0xC0000000}
LEVEL_TYPE = {"Information": 4, "Warning": 2, "Error": 1}  # EVENTLOG_*_TYPE

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def docs_table(path):
    """symbol -> (full id, level) from the Events tables (generic and per
    probe)."""
    out, section = {}, ""
    for line in open(path, encoding="utf-8"):
        if line.startswith("## "):
            section = line[3:].strip()
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if section.startswith("Events") and len(cells) == 5 and \
                cells[0].isdigit():
            out[cells[2]] = (LEVEL_BITS[cells[1]] | int(cells[0]), cells[1])
    return out


def inserts_of(event_id):
    """Inserts adapters/eventlog.c gives each id (docs/events.md)."""
    if event_id >= 200 or event_id == 121:
        return 6
    if 110 <= event_id <= 113:
        return 5
    if event_id in (106, 107, 108, 120):
        return 2
    return 1


def category_of(event_id):
    """1 Service (100-113), 2 Probe (120, 121, 200-208, per-probe ids)."""
    return 1 if event_id < 120 else 2


# A per-probe symbol (VG_MSG_SCRATCH_SPACE_CRIT, id 1052) says what the
# generic one (VG_MSG_PROBE_CRIT, 201) said before the per-probe ids.
PER_PROBE_AS = {0: "VG_MSG_PROBE_CLEARED", 1: "VG_MSG_PROBE_WARN",
                2: "VG_MSG_PROBE_CRIT", 3: "VG_MSG_PROBE_UNKNOWN"}


def masked(s):
    """Numbers drift between two readings of free space: compare shapes."""
    return re.sub(r"[0-9][0-9.,]*", "#", s)


def same_text(got, cut, want, what):
    if cut:
        return check(masked(want).startswith(masked(got)[:200]), what)
    return check(masked(got) == masked(want), "%s: %r != %r" % (what, got,
                                                              want))


def main():
    log, docs, states_path = sys.argv[1:4]
    ids = docs_table(docs)
    check(len(ids) >= 24 + 4 * 22, "docs/events.md lists %d events"
          % len(ids))
    events, status = parse_log(log)
    states = [json.loads(l) for l in open(states_path)]

    # Every reported event is a documented id, with the documented level.
    by_id = {v[0]: (k, v[1]) for k, v in ids.items()}
    for ev in events:
        if check(ev["id"] in by_id, "undocumented id 0x%08x" % ev["id"]):
            sym, level = by_id[ev["id"]]
            check(ev["type"] == LEVEL_TYPE[level],
                  "%s reported as type %d, documented %s" % (sym, ev["type"],
                                                             level))
            check(ev["cat"] == category_of(ev["id"] & 0xFFFF),
                  "%s category %d" % (sym, ev["cat"]))
            check(len(ev["ins"]) == inserts_of(ev["id"] & 0xFFFF),
                  "%s has %d inserts" % (sym, len(ev["ins"])))

    def sym_of(ev):
        low = ev["id"] & 0xFFFF
        if 1000 <= low <= 1999:
            return PER_PROBE_AS[low % 10]
        return by_id.get(ev["id"], ("?",))[0]

    # Lifecycle: four good starts and stops, one start that failed.
    life = [sym_of(e) for e in events if e["cat"] == 1]
    check(life.count("VG_MSG_STARTED") == 4, "starts: %s" % life)
    check(life.count("VG_MSG_STOPPING") == 4, "stopping: %s" % life)
    check(life.count("VG_MSG_STOPPED") == 4, "stopped: %s" % life)
    failed = [e for e in events if sym_of(e) == "VG_MSG_START_FAILED"]
    check(len(failed) == 1 and "already running" in failed[0]["ins"][0],
          "start failure event: %s" % [e["ins"] for e in failed])
    started = [e for e in events if sym_of(e) == "VG_MSG_STARTED"]
    check(all("data folder C:\\ProgramData\\Vigil" in e["ins"][0]
              for e in started), "started: %s" % [e["ins"] for e in started])

    # scratch.space: exactly one event per transition, flood control
    # included, carrying the finding that status showed.
    ss = [e for e in events if e["cat"] == 2 and e["ins"]
          and e["ins"][0] == "scratch.space" and e["id"] & 0xFFFF != 121]
    got = [sym_of(e) for e in ss]
    # With per-probe ids (scratch.space is probe 5: 1050-1053) the settle
    # at ok is followed by 1050, which closes the 1053 written before the
    # hold (docs/events.md, flood control).
    per_probe = any(1050 <= e["id"] & 0xFFFF <= 1053 for e in ss)
    if per_probe:
        check(all(e["id"] & 0xFFFF not in (200, 201, 202, 203) for e in ss),
              "generic and per-probe ids mixed: %s" % got)
    want = ["VG_MSG_PROBE_UNKNOWN", "VG_MSG_PROBE_CLEARED",
            "VG_MSG_PROBE_UNKNOWN", "VG_MSG_PROBE_FLAPPING",
            "VG_MSG_PROBE_SETTLED_OK"] + \
        (["VG_MSG_PROBE_CLEARED"] if per_probe else []) + \
        ["VG_MSG_PROBE_CRIT", "VG_MSG_PROBE_CLEARED"]
    if check(got == want, "scratch.space events %s, want %s" % (got, want)):
        # states: ok, unknown, ok, unknown, ok, unknown, ok, crit, crit, ok
        st = [s["status"] for s in states]
        check(st == ["ok", "unknown", "ok", "unknown", "ok", "unknown", "ok",
                     "crit", "crit", "ok"], "states seen: %s" % st)
        pairs = [(0, 1, "ok"), (1, 2, "unknown"), (2, 3, "ok"),
                 (3, 4, "4"), (4, 6, "2")]
        if per_probe:
            pairs.append((5, 6, "unknown"))
        crit = len(pairs)
        pairs += [(crit, 7, "ok"), (crit + 1, 9, "crit")]
        for ei, si, five in pairs:
            ev, s = ss[ei], states[si]
            name = "%s #%d" % (got[ei], ei)
            same_text(ev["ins"][1], ev["cut"][1], s["summary"],
                      name + " summary")
            predicts = ", ".join(s.get("predicts", [])) or "none"
            check(ev["ins"][2] == predicts,
                  "%s predicts %r vs %r" % (name, ev["ins"][2], predicts))
            same_text(ev["ins"][3], ev["cut"][3],
                      s.get("remedy") or "no action needed", name + " remedy")
            check(ev["ins"][4] == five, "%s %%5 %r, want %r" % (
                name, ev["ins"][4], five))
        check(ss[3]["ins"][5] == "30 s", "flapping window %r" % ss[3]["ins"][5])
        check("scratch.space" in ss[0]["ins"][1] or "Q:" in ss[0]["ins"][1],
              "unknown summary names the folder: %r" % ss[0]["ins"][1])
        check(ss[crit]["ins"][2].startswith("SalLowDiskSpace"),
              "crit predicts %r" % ss[crit]["ins"][2])

    # SCM reports of the Vigil service processes: pending phases with
    # checkpoints that go up and wait hints that do not, one RUNNING with
    # stop/shutdown/pre-shutdown accepted, STOPPED last.
    pids = {e["pid"] for e in events if e["cat"] == 1}
    runs = {}
    for s in status:
        if s["pid"] in pids and s["type"] == 0x10:
            runs.setdefault(s["pid"], []).append(s)
    check(len(runs) == 5, "service runs seen: %d" % len(runs))
    good = 0
    for pid, seq in runs.items():
        states_seq = [s["state"] for s in seq]
        check(seq[0]["state"] == 2 and seq[0]["hint"] > 0
              and seq[0]["checkpoint"] >= 1 and seq[0]["accepted"] == 0,
              "run %s starts %s" % (pid, seq[0]))
        check(seq[-1]["state"] == 1, "run %s ends %s" % (pid, seq[-1]))
        for a, b in zip(seq, seq[1:]):
            if a["state"] == b["state"] and a["state"] in (2, 3):
                check(b["checkpoint"] > a["checkpoint"]
                      and b["hint"] <= a["hint"],
                      "run %s pending reports %s then %s" % (pid, a, b))
        if 4 in states_seq:
            good += 1
            run = seq[states_seq.index(4)]
            check(run["accepted"] == 0x105 and run["checkpoint"] == 0,
                  "running report %s" % run)
            stop = [s for s in seq if s["state"] == 3]
            check(stop and 0 < stop[0]["hint"] <= 15000,
                  "run %s stop pending %s" % (pid, stop))
            check(seq[-1]["win32"] == 0, "clean stop %s" % seq[-1])
        else:
            check(seq[-1]["win32"] == 1066 and seq[-1]["specific"] == 14,
                  "failed start reported %s" % seq[-1])
    check(good == 4, "runs that reached RUNNING: %d" % good)

    if failures:
        for f in failures:
            print("FAIL:", f, file=sys.stderr)
        return 1
    print("events: %d reported, %d for scratch.space (%s); %d SCM reports "
          "over %d runs" % (len(events), len(ss), ", ".join(got),
                            sum(len(v) for v in runs.values()), len(runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

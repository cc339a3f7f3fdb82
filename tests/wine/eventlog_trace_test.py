#!/usr/bin/env python3
"""Tests eventlog_trace.py (the Event Log read back from Wine's trace, as
tools/run.sh shows it) on a trace recorded from `vigil.exe run --console`
under Wine 8: Wine's escapes undone, an insert Wine cut marked, the texts
of messages.mc filled in, and an event still being written left out.
Usage: eventlog_trace_test.py REPO
"""
import io
import os
import sys
from contextlib import redirect_stdout

repo = sys.argv[1]
sys.path.insert(0, os.path.join(repo, "tests", "wine"))
import eventlog_trace as et  # noqa: E402

trace = os.path.join(repo, "tests", "fixtures", "wine_eventlog",
                     "console_run.trace")
mc = os.path.join(repo, "adapters", "win", "messages.mc")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def run(*args):
    out = io.StringIO()
    with redirect_stdout(out):
        rc = et.main(["eventlog_trace.py"] + list(args))
    check(rc == 0, "%s: exit %d" % (args, rc))
    return out.getvalue()


events, _ = et.parse_log(trace)
check([e["id"] & 0xFFFF for e in events] == [100, 1062, 1122, 120, 1060,
                                             1101],
      "ids %s" % [e["id"] & 0xFFFF for e in events])
done = et.complete(events)
check(len(done) == 5, "the event still being written is not complete")
check(done[0]["ins"] == ["Vigil 0.1.0 started; data folder "
                         "C:\\ProgramData\\Vigil, query pipe \\\\.\\pipe\\vigil"],
      "escapes: %r" % done[0]["ins"])
check('Group Policy "Turn on Script Execution"' in done[2]["ins"][3],
      "quote escape: %r" % done[2]["ins"][3])
check(done[3]["cut"] == [False, True], "cut: %r" % done[3]["cut"])
check("\r\n" in done[3]["ins"][1], "the summary's lines: %r" % done[3]["ins"])

table = et.message_table(mc)
check(et.categories(table) == {1: "Service", 2: "Probe"},
      "categories %r" % et.categories(table))

os.environ["COLUMNS"] = "100"
listing = run("list", trace, mc).splitlines()
check(listing[0].split() == ["Level", "Source", "Event", "ID", "Category",
                             "General"], "header %r" % listing[0])
check(len(listing) == 6, "list: %d lines" % len(listing))
check(listing[2].startswith("Error        Vigil      1062  Probe     "
                            "Scratch folder key file check (scratch.kek) "
                            "is critical"), "row %r" % listing[2])
check(all(len(l) <= 100 for l in listing), "rows wider than 100")

shown = run("show", trace, mc, "--from", "1", "--wide")
check("Before this it was n/a for 0 s." in shown, "inserts %5 %6")
check("What to do: Run Set-ExecutionPolicy RemoteSigned -Scope LocalMachine"
      in shown, "remedy")
check("    Vigil summary: 5 checks are not ok.\n    mars.engine (crit): "
      in shown, "summary lines")
check("C:\\Program Files\\Microso...\n" in shown, "cut insert marked")
check("shortened a text" in shown, "the note on shortened texts")
check("temp.files" not in shown, "the incomplete event shown")

picked = run("show", trace, mc, "--pick").split("\n")
check(picked[0].split() == ["Error", "Vigil", "1062", "Probe"],
      "pick: %r" % picked[0])

for f in failures:
    print("FAIL:", f)
print("eventlog_trace: %d events, %d checks failed" % (len(events),
                                                      len(failures)))
sys.exit(1 if failures else 0)

#!/usr/bin/env python3
"""What a Wine process reported to the Event Log, read back from its trace.

Wine's ReportEventW is a stub that logs each event's type, category, id and
insert count (fixme:advapi) and then each insert (err/warn/trace:eventlog),
so a WINEDEBUG=-all,+pid,+eventlog,fixme+advapi trace holds every event a
Vigil process wrote. parse_log() reads them (tests/wine/service_events.py
checks them against docs/events.md); render() shows them as Event Viewer
would, with the texts of the message table (adapters/win/messages.mc).

Usage: eventlog_trace.py show TRACE MESSAGES_MC [--from N] [--pick] [--wide]
           the events from the N-th (0-based) on, as Event Viewer shows them;
           --pick: only the one an admin opens first (a pre-flight verdict,
           else the first error)
       eventlog_trace.py list TRACE MESSAGES_MC [--from N]
           the events in Event Viewer's list: one line each
       eventlog_trace.py count TRACE
           how many events the trace holds so far
       eventlog_trace.py follow TRACE MESSAGES_MC --from N [FILE]
           print each new event in one line, and new lines of FILE, until
           interrupted (tools/run.sh's foreground)
"""
import os
import re
import shutil
import sys
import textwrap
import time

LEVELS = {1: "Error", 2: "Warning", 4: "Information", 8: "Audit Success",
          16: "Audit Failure", 0: "Success"}

RE_EVENT = re.compile(
    r"^([0-9a-f]+):([0-9a-f]+):fixme:advapi:ReportEventW \(\w+,0x([0-9a-f]+),"
    r"0x([0-9a-f]+),0x([0-9a-f]+),\w+,0x([0-9a-f]+),")
RE_INSERT = re.compile(
    r'^([0-9a-f]+):([0-9a-f]+):(?:err|warn|trace):eventlog:ReportEventW '
    r'L"(.*)"(\.\.\.)?$')
RE_STATUS = re.compile(
    r"^([0-9a-f]+):([0-9a-f]+):trace:service:SetServiceStatus \w+ (.*)$")
# Any line Wine's debug output wrote (the rest of a trace file is the
# program's own stderr).
RE_WINE = re.compile(r"^[0-9a-f]+:[0-9a-f]+:(?:fixme|err|warn|trace):")


def unescape(s):
    """Undoes Wine's debugstr_w escaping."""
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            if n in "\\\"'":
                out.append(n)
                i += 2
                continue
            if n in "nrt":
                out.append({"n": "\n", "r": "\r", "t": "\t"}[n])
                i += 2
                continue
            m = re.match(r"[xu]([0-9a-fA-F]{2,4})", s[i + 1:])
            if m:
                out.append(chr(int(m.group(1), 16)))
                i += 1 + len(m.group(0))
                continue
        out.append(c)
        i += 1
    return "".join(out)


def parse_log(path):
    """(events, status reports) of a trace. An event is a dict: pid, type
    (EVENTLOG_*_TYPE), cat, id (with the severity bits), n (insert count),
    ins (the inserts read so far), cut (per insert: Wine's trace shortened
    it). A status report is one SetServiceStatus (trace+service)."""
    events, pending, status = [], {}, []
    for raw in open(path, encoding="utf-8", errors="replace"):
        line = raw.rstrip("\n")
        m = RE_EVENT.match(line)
        if m:
            ev = {"pid": m.group(1), "type": int(m.group(3), 16),
                  "cat": int(m.group(4), 16), "id": int(m.group(5), 16),
                  "n": int(m.group(6), 16), "ins": [], "cut": []}
            events.append(ev)
            if ev["n"]:
                pending[(m.group(1), m.group(2))] = ev
            continue
        m = RE_INSERT.match(line)
        if m and (m.group(1), m.group(2)) in pending:
            ev = pending[(m.group(1), m.group(2))]
            ev["ins"].append(unescape(m.group(3)))
            ev["cut"].append(bool(m.group(4)))
            if len(ev["ins"]) == ev["n"]:
                del pending[(m.group(1), m.group(2))]
            continue
        m = RE_STATUS.match(line)
        if m:
            f = [int(x, 0) for x in m.group(3).split()]
            if len(f) == 7:
                status.append({"pid": m.group(1), "type": f[0],
                               "state": f[1], "accepted": f[2],
                               "win32": f[3], "specific": f[4],
                               "checkpoint": f[5], "hint": f[6]})
    return events, status


def complete(events):
    """The events up to the first one whose inserts are still being
    written (a trace read while the process runs)."""
    for i, ev in enumerate(events):
        if len(ev["ins"]) < ev["n"]:
            return events[:i]
    return events


SEVERITY_BITS = {"Success": 0, "Informational": 0x40000000,
                 "Warning": 0x80000000, "Error": 0xC0000000}


def message_table(path):
    """{full id: (symbol, text)} of a .mc file; texts with "\\n" line
    ends."""
    table, cur, text = {}, {}, None
    for raw in open(path, encoding="utf-8"):
        line = raw.rstrip("\r\n")
        if text is not None:
            if line == ".":
                full = SEVERITY_BITS.get(cur.get("Severity"), 0) | \
                    int(cur["MessageId"], 0)
                table[full] = (cur.get("SymbolicName", ""), "\n".join(text))
                cur, text = {}, None
            else:
                text.append(line)
            continue
        if line.startswith(";"):
            continue
        k, eq, v = line.partition("=")
        if eq and k in ("MessageId", "Severity", "SymbolicName"):
            cur[k] = v.strip()
        elif eq and k == "Language" and "MessageId" in cur:
            text = []
    return table


def format_message(text, inserts, cut):
    """FormatMessage's %1..%99 with the inserts; an insert Wine's trace
    shortened ends in '...'."""
    def sub(m):
        i = int(m.group(1)) - 1
        if i >= len(inserts):
            return m.group(0)
        s = inserts[i].replace("\r\n", "\n")
        return s + ("..." if cut[i] else "")
    return re.sub(r"%([1-9][0-9]?)", sub, text)


def categories(table):
    """{category number: name}: the Success messages numbered below 100."""
    return {i & 0xFFFF: t.strip() for i, (s, t) in table.items()
            if i < 100 and s.startswith("VG_CAT_")}


def render(ev, table, width):
    """An event as Event Viewer lists it (Level, Source, Event ID, Task
    Category) and then its General text, indented and wrapped at width."""
    sym, text = table.get(ev["id"], ("", None))
    cats = categories(table)
    level = LEVELS.get(ev["type"], str(ev["type"]))
    head = "%-11s  Vigil  %5d  %s" % (level, ev["id"] & 0xFFFF,
                                     cats.get(ev["cat"], str(ev["cat"])))
    if text is None:
        body = "(no text for id 0x%08x in the message table; inserts: %s)" \
            % (ev["id"], " | ".join(ev["ins"]))
    else:
        body = format_message(text, ev["ins"], ev["cut"])
    out = [head]
    indent = " " * 4
    for para in body.split("\n"):
        if not para:
            continue
        if width:
            out += textwrap.wrap(para, width=width, initial_indent=indent,
                                 subsequent_indent=indent + "  ",
                                 break_on_hyphens=False) or [indent]
        else:
            out.append(indent + para)
    return "\n".join(out)


def one_line(ev, table):
    """An event in one line: level, id, the first line of its text."""
    sym, text = table.get(ev["id"], ("", None))
    first = format_message(text, ev["ins"], ev["cut"]).split("\n")[0] \
        if text else " | ".join(ev["ins"])
    return "Event Log: %-11s %5d  %s" % (LEVELS.get(ev["type"], "?"),
                                        ev["id"] & 0xFFFF, first)


def list_line(ev, table, width):
    """An event as a row of Event Viewer's list, with the first line of its
    text in place of the date (Wine's trace has no wall-clock time)."""
    sym, text = table.get(ev["id"], ("", None))
    cats = categories(table)
    first = format_message(text, ev["ins"], ev["cut"]).split("\n")[0] \
        if text else " | ".join(ev["ins"])
    row = "%-11s  Vigil  %8d  %-8s  %s" % (
        LEVELS.get(ev["type"], "?"), ev["id"] & 0xFFFF,
        cats.get(ev["cat"], str(ev["cat"])), first)
    if width and len(row) > width:
        row = row[:width - 3] + "..."
    return row


def picked(events):
    """The event an admin opens first: the pre-flight verdict (110-112),
    else the first error, else the first."""
    for ev in events:
        if 110 <= ev["id"] & 0xFFFF <= 112:
            return [ev]
    for ev in events:
        if ev["type"] == 1:
            return [ev]
    return events[:1]


def width_of(args):
    if "--wide" in args:
        return 0
    cols = os.environ.get("COLUMNS", "")
    w = int(cols) if cols.isdigit() else shutil.get_terminal_size((100, 24))[0]
    return max(60, min(w, 120))


def main(argv):
    if len(argv) < 3 or argv[1] not in ("show", "list", "count", "follow"):
        print(__doc__.split("\n\n")[-1], file=sys.stderr)
        return 2
    cmd, trace = argv[1], argv[2]
    start = int(argv[argv.index("--from") + 1]) if "--from" in argv else 0
    if cmd == "count":
        print(len(complete(parse_log(trace)[0])))
        return 0
    table = message_table(argv[3])
    if cmd == "list":
        print("%-11s  %-5s  %8s  %-8s  %s" % ("Level", "Source", "Event ID",
                                              "Category", "General"))
        for ev in complete(parse_log(trace)[0])[start:]:
            print(list_line(ev, table, width_of(argv)))
        return 0
    if cmd == "show":
        events = complete(parse_log(trace)[0])[start:]
        if "--pick" in argv:
            events = picked(events)
        for ev in events:
            print(render(ev, table, width_of(argv)))
            print()
        if any(any(ev["cut"]) for ev in events):
            print("(... marks where Wine's trace shortened a text; the Event "
                  "Log itself keeps it whole)")
        return 0
    # follow: new events and new lines of FILE until interrupted.
    extra = [a for a in argv[4:] if not a.isdigit() and a != "--from"]
    pos = os.path.getsize(extra[0]) if extra else 0
    try:
        while True:
            if extra:
                with open(extra[0], "rb") as f:
                    f.seek(pos)
                    chunk = f.read()
                # Whole lines only; the rest waits for its end.
                chunk = chunk[:chunk.rfind(b"\n") + 1]
                pos += len(chunk)
                sys.stdout.write(chunk.decode("utf-8", "replace"))
            events = complete(parse_log(trace)[0])
            for ev in events[start:]:
                print(one_line(ev, table))
            start = max(start, len(events))
            sys.stdout.flush()
            time.sleep(0.5)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

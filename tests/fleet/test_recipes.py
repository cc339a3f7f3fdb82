#!/usr/bin/env python3
"""The fleet recipes of docs/fleet/ do what docs/fleet.md says:

* the WEF subscription (XML) and the Azure Monitor data collection rule
  (JSON) parse, and each of their XPath event queries selects exactly the
  events it is meant to from a set of rendered events: every Vigil message
  of messages.mc at its level, built the way the Event Log renders an event
  (<Event><System><Provider Name='Vigil'/><EventID>..</EventID><Level>..),
  MARS's CloudBackup/Operational results, and look-alikes from other
  providers and channels. The queries are evaluated by a small evaluator
  of the XPath subset Windows event queries allow (below);
* the KQL queries name only event ids that exist;
* the NSClient++ snippet is an ini file that defines check_vigil.

  test_recipes.py SRCDIR
"""
import configparser
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleet_common  # noqa: E402

EVNS = "http://schemas.microsoft.com/win/2004/08/events/event"
SUBNS = "http://schemas.microsoft.com/2006/03/windows/events/subscription"

# MARS's CloudBackup/Operational ids (probes.md, mars.jobs; *unconfirmed*
# beyond community scripts) with their levels: 1 started, 3 succeeded, 10
# finished with warnings, 11 failed, 14 newer agent required, 16 storage
# quota near its limit, 18 scheduled backup failed to start.
CLOUDBACKUP = {1: 4, 3: 4, 10: 3, 11: 2, 14: 3, 16: 3, 18: 2, 5: 4}
CLOUDBACKUP_WANTED = {3, 10, 11, 14, 16, 18}
VIGIL_STATE_INFO = {100, 102, 107, 110, 113, 120}


# ------------------------------------------------------------ events

def render_event(provider, channel, event_id, level, data=()):
    """An event as EvtRender(EvtRenderEventXml) gives it for a classic
    (ReportEvent) source: Qualifiers carry the message id's top 16 bits."""
    qual = {2: 0xC000, 3: 0x8000, 4: 0x4000}.get(level, 0)
    ev = ET.Element("{%s}Event" % EVNS)
    sysm = ET.SubElement(ev, "{%s}System" % EVNS)
    ET.SubElement(sysm, "{%s}Provider" % EVNS, Name=provider)
    eid = ET.SubElement(sysm, "{%s}EventID" % EVNS, Qualifiers=str(qual))
    eid.text = str(event_id)
    ET.SubElement(sysm, "{%s}Version" % EVNS).text = "0"
    ET.SubElement(sysm, "{%s}Level" % EVNS).text = str(level)
    ET.SubElement(sysm, "{%s}Task" % EVNS).text = "2"
    ET.SubElement(sysm, "{%s}Keywords" % EVNS).text = "0x80000000000000"
    ET.SubElement(sysm, "{%s}TimeCreated" % EVNS,
                  SystemTime="2026-11-25T21:00:00.000000000Z")
    ET.SubElement(sysm, "{%s}EventRecordID" % EVNS).text = "1"
    ET.SubElement(sysm, "{%s}Channel" % EVNS).text = channel
    ET.SubElement(sysm, "{%s}Computer" % EVNS).text = "SRV01.contoso.com"
    ET.SubElement(sysm, "{%s}Security" % EVNS)
    ed = ET.SubElement(ev, "{%s}EventData" % EVNS)
    for d in data:
        ET.SubElement(ed, "{%s}Data" % EVNS).text = d
    # Round trip through text, as a collector receives it.
    return ET.fromstring(ET.tostring(ev))


def sample_events(msgs):
    """[(label, event element)]: every Vigil message, MARS's results and
    look-alikes that no Vigil or MARS query may select."""
    out = []
    for mid, level, sym, text in msgs:
        n = max([int(x) for x in re.findall(r"%(\d)", text)] or [0])
        data = ["insert %d" % (i + 1) for i in range(max(n, 1))]
        out.append(("vigil:%d" % mid,
                    render_event("Vigil", "Application", mid, level, data)))
    for eid, level in CLOUDBACKUP.items():
        out.append(("cloudbackup:%d" % eid,
                    render_event("CloudBackup", "CloudBackup/Operational",
                                 eid, level)))
    # Same ids and levels, other providers or channels.
    for mid, level, _, _ in msgs[::7]:
        out.append(("other:VigilX:%d" % mid,
                    render_event("VigilX", "Application", mid, level)))
        out.append(("other:MSSQLSERVER:%d" % mid,
                    render_event("MSSQLSERVER", "Application", mid, level)))
        out.append(("other:System:%d" % mid,
                    render_event("Vigil", "System", mid, level)))
    for eid, level in CLOUDBACKUP.items():
        out.append(("other:app-cloud-id:%d" % eid,
                    render_event("Application Error", "Application", eid,
                                 level)))
    out.append(("other:critical", render_event("Kernel-Power", "System",
                                               41, 1)))
    return out


# ------------------------------------------------------------ XPath
#
# The subset Windows event queries accept (and the only one Vigil's recipes
# use): a path "*[System[EXPR]]" where EXPR is built from
#   Provider[@Name='X']            the provider (source) name
#   FIELD OP NUMBER                FIELD EventID, Level, Task, Keywords;
#                                  OP = != < <= > >=
#   EXPR and EXPR, EXPR or EXPR, ( EXPR )
# Anything else (contains(), starts-with(), EventData, TimeCreated, ...) is
# rejected, so a recipe cannot depend on something this test cannot judge.

TOKEN = re.compile(r"\s*(?:(?P<num>\d+)|(?P<op><=|>=|!=|=|<|>)|"
                   r"(?P<punct>[()\[\]@*])|(?P<str>'[^']*')|"
                   r"(?P<name>[A-Za-z_][A-Za-z0-9_]*))")
FIELDS = ("EventID", "Level", "Task", "Keywords")


def tokenize(s):
    pos, out = 0, []
    s = s.strip()
    while pos < len(s):
        m = TOKEN.match(s, pos)
        if not m or m.end() == pos:
            raise ValueError("cannot read %r at %d" % (s, pos))
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class Parser:
    """Recursive descent over the tokens; builds closures over the event."""

    def __init__(self, text):
        self.t = tokenize(text)
        self.i = 0
        self.comparisons = 0

    def peek(self):
        return self.t[self.i] if self.i < len(self.t) else (None, None)

    def take(self, value=None):
        tok = self.peek()
        if tok[0] is None or (value is not None and tok[1] != value):
            raise ValueError("expected %r, got %r" % (value, tok[1]))
        self.i += 1
        return tok

    def query(self):
        self.take("*")
        self.take("[")
        self.take("System")
        self.take("[")
        e = self.expr()
        self.take("]")
        self.take("]")
        if self.peek()[0] is not None:
            raise ValueError("trailing %r" % (self.peek()[1],))
        return e

    def chain(self, word, operand, join):
        """operand (word operand)*, folded left with join (any/all, which
        stop at the first answer as `or`/`and` do)."""
        left = operand()
        while self.peek() == ("name", word):
            self.take()
            right = operand()
            left = (lambda a, b: lambda ev: join(f(ev) for f in (a, b)))(
                left, right)
        return left

    def expr(self):
        return self.chain("or", self.term, any)

    def term(self):
        return self.chain("and", self.factor, all)

    def factor(self):
        kind, val = self.peek()
        if val == "(":
            self.take()
            e = self.expr()
            self.take(")")
            return e
        if val == "Provider":
            self.take()
            self.take("[")
            self.take("@")
            self.take("Name")
            self.take("=")
            k, s = self.take()
            if k != "str":
                raise ValueError("Provider name must be quoted")
            self.take("]")
            self.comparisons += 1
            name = s[1:-1]
            return lambda ev: ev["provider"] == name
        if kind == "name" and val in FIELDS:
            self.take()
            k, op = self.take()
            if k != "op":
                raise ValueError("operator expected after %s" % val)
            k, num = self.take()
            if k != "num":
                raise ValueError("number expected after %s %s" % (val, op))
            self.comparisons += 1
            n = int(num)
            cmp = {"=": lambda a: a == n, "!=": lambda a: a != n,
                   "<": lambda a: a < n, "<=": lambda a: a <= n,
                   ">": lambda a: a > n, ">=": lambda a: a >= n}[op]
            return lambda ev, f=val: cmp(ev[f])
        raise ValueError("unsupported in an event query: %r" % (val,))


def compile_query(text):
    """(predicate over event dicts, number of comparisons)."""
    if re.search(r"contains|starts-with|EventData|UserData", text):
        raise ValueError("not allowed in an event query: " + text)
    p = Parser(text)
    return p.query(), p.comparisons


def fields(ev):
    s = ev.find("{%s}System" % EVNS)
    return {
        "provider": s.find("{%s}Provider" % EVNS).get("Name"),
        "channel": s.find("{%s}Channel" % EVNS).text,
        "EventID": int(s.find("{%s}EventID" % EVNS).text),
        "Level": int(s.find("{%s}Level" % EVNS).text),
        "Task": int(s.find("{%s}Task" % EVNS).text),
        "Keywords": int(s.find("{%s}Keywords" % EVNS).text, 16),
    }


def select(channel, xpath, events):
    pred, n = compile_query(xpath)
    # Azure Monitor: at most 20 expressions per query (docs/fleet.md).
    assert n <= 20, "%d comparisons in %s" % (n, xpath)
    return {label for label, ev in events
            if fields(ev)["channel"] == channel and pred(fields(ev))}


# ------------------------------------------------------------ expectations

def expected(msgs, events):
    """What each named query must select, from what the events are."""
    labels = {label for label, _ in events}
    vig = {mid: level for mid, level, _, _ in msgs}
    problems = {"vigil:%d" % m for m, lv in vig.items() if lv in (1, 2, 3)}
    state = {"vigil:%d" % m for m, lv in vig.items()
             if lv == 4 and (1000 <= m <= 1999 or m in VIGIL_STATE_INFO)}
    cloud = {"cloudbackup:%d" % i for i in CLOUDBACKUP_WANTED}
    for s in (problems, state, cloud):
        assert s <= labels
    # Every per-probe clear (k = 0) closes its raises: it must be collected.
    clears = {"vigil:%d" % m for m in vig if 1000 <= m <= 1999
              and m % 10 == 0}
    assert clears and clears <= state
    raises = {"vigil:%d" % m for m in vig if 1000 <= m <= 1999
              and m % 10 in (1, 2, 3)}
    assert raises and raises <= problems
    return {"problems": problems, "state": state, "cloudbackup": cloud}


def classify(channel, xpath):
    if channel.startswith("CloudBackup"):
        return "cloudbackup"
    return "problems" if "Level=1 or Level=2 or Level=3" in xpath \
        else "state"


# ------------------------------------------------------------ recipes

def check_wef(srcdir, events, want):
    path = os.path.join(srcdir, "docs", "fleet", "vigil-subscription.xml")
    root = ET.parse(path).getroot()
    q = lambda tag: root.find("{%s}%s" % (SUBNS, tag))  # noqa: E731
    assert q("SubscriptionType").text == "SourceInitiated"
    assert q("Delivery").get("Mode") == "Push"
    assert q("LogFile").text == "ForwardedEvents"
    assert q("Enabled").text == "true"
    qlist = ET.fromstring(q("Query").text.strip())
    assert qlist.tag == "QueryList"
    seen = {}
    for query in qlist.findall("Query"):
        for sel in query.findall("Select"):
            ch = sel.get("Path") or query.get("Path")
            kind = classify(ch, sel.text)
            got = select(ch, sel.text, events)
            seen.setdefault(kind, set()).update(got)
            compare("WEF " + kind, got, want[kind])
    assert set(seen) == set(want), "WEF misses %s" % (set(want) - set(seen))
    print("WEF subscription: %d selects, each selects exactly its events"
          % sum(len(q.findall("Select")) for q in qlist.findall("Query")))


def check_dcr(srcdir, events, want):
    path = os.path.join(srcdir, "docs", "fleet", "vigil-dcr.json")
    with open(path, encoding="utf-8") as f:
        dcr = json.load(f)
    props = dcr["properties"]
    sources = props["dataSources"]["windowsEventLogs"]
    dests = {d["name"] for d in props["destinations"]["logAnalytics"]}
    for flow in props["dataFlows"]:
        assert set(flow["destinations"]) <= dests
        assert flow["streams"] == ["Microsoft-Event"]
    kinds = set()
    for src in sources:
        assert src["streams"] == ["Microsoft-Event"]
        for xq in src["xPathQueries"]:
            ch, _, xpath = xq.partition("!")
            kind = classify(ch, xpath)
            kinds.add(kind)
            compare("DCR %s (%s)" % (src["name"], kind),
                    select(ch, xpath, events), want[kind])
    assert kinds == set(want)
    print("DCR: %d data sources, each selects exactly its events"
          % len(sources))


def compare(what, got, want):
    if got != want:
        sys.exit("%s: selects %d events, wants %d\n  extra: %s\n  missing: %s"
                 % (what, len(got), len(want), sorted(got - want)[:10],
                    sorted(want - got)[:10]))


def check_kql(srcdir, msgs):
    folder = os.path.join(srcdir, "docs", "fleet")
    ids = {m for m, _, _, _ in msgs}
    files = sorted(f for f in os.listdir(folder) if f.endswith(".kql"))
    assert len(files) >= 4, files
    for name in files:
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            text = f.read()
        code = "\n".join(line for line in text.splitlines()
                         if not line.lstrip().startswith("//"))
        assert text.startswith("//"), name + ": say what it finds first"
        assert re.match(r"\s*Event\b", code), name + ": starts at Event"
        assert code.count("(") == code.count(")"), name + ": parentheses"
        assert code.count('"') % 2 == 0, name + ": quotes"
        vigil = 'Source == "Vigil"' in code
        cloud = 'EventLog == "CloudBackup/Operational"' in code
        assert vigil or cloud, name + ": neither Vigil nor CloudBackup"
        used = set()
        for m in re.finditer(r"EventID\s*==\s*(\d+)", code):
            used.add(int(m.group(1)))
        for m in re.finditer(r"EventID\s+in\s*\(([^)]*)\)", code):
            used.update(int(x) for x in re.findall(r"\d+", m.group(1)))
        for m in re.finditer(r"EventID\s+between\s*\((\d+)\s*\.\.\s*(\d+)\)",
                             code):
            lo, hi = int(m.group(1)), int(m.group(2))
            assert any(lo <= i <= hi for i in ids)
        for i in used:
            ok = i in CLOUDBACKUP if cloud and not vigil else i in ids
            assert ok, "%s: EventID %d is not a %s event" % (
                name, i, "CloudBackup" if cloud else "Vigil")
    print("KQL: %d queries name only existing event ids" % len(files))


def check_nsclient(srcdir):
    path = os.path.join(srcdir, "docs", "fleet", "nsclient.ini")
    cp = configparser.ConfigParser(interpolation=None, strict=True,
                                   comment_prefixes=(";", "#"))
    with open(path, encoding="utf-8") as f:
        cp.read_file(f)
    assert cp["/modules"]["CheckExternalScripts"] == "enabled"
    assert cp["/modules"]["NRPEServer"] == "enabled"
    scripts = cp["/settings/external scripts/scripts"]
    assert re.fullmatch(r'"[A-Z]:\\[^"]*\\vigil\.exe" check --nagios',
                        scripts["check_vigil"]), scripts["check_vigil"]
    assert scripts["check_vigil_service"].endswith("status --nagios")
    assert int(cp["/settings/external scripts"]["timeout"]) >= 30
    print("nsclient.ini: check_vigil = %s" % scripts["check_vigil"])


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    srcdir = sys.argv[1]
    msgs = fleet_common.messages(srcdir)
    events = sample_events(msgs)
    want = expected(msgs, events)
    # The evaluator itself: known answers.
    ev = {"provider": "Vigil", "EventID": 1062, "Level": 2, "Task": 2,
          "Keywords": 0}
    for q, r in (("*[System[Provider[@Name='Vigil'] and Level<=3]]", True),
                 ("*[System[(EventID=1 or EventID=1062) and Level=2]]", True),
                 ("*[System[Provider[@Name='Vigi'] or Level>2]]", False),
                 ("*[System[EventID!=1062 or (Level<2)]]", False)):
        assert compile_query(q)[0](ev) is r, q
    for bad in ("*[System[contains(Provider, 'Vig')]]",
                "*[EventData[Data='x']]", "*[System[Level=]]"):
        try:
            compile_query(bad)
        except ValueError:
            continue
        sys.exit("evaluator accepted " + bad)
    check_wef(srcdir, events, want)
    check_dcr(srcdir, events, want)
    check_kql(srcdir, msgs)
    check_nsclient(srcdir)
    print("fleet recipes: ok (%d sample events)" % len(events))


if __name__ == "__main__":
    main()

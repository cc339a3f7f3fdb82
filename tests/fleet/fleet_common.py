"""Helpers shared by the tests of docs/fleet/: locate promtool, skip a test
the ctest way (exit 77), read messages.mc."""
import os
import re
import shutil
import sys

SKIP = 77


def skip(msg):
    print("SKIPPED: " + msg)
    sys.exit(SKIP)


def promtool(srcdir):
    """promtool on PATH, else the one tools/bootstrap.sh unpacked into the
    dependency cache; None when neither exists."""
    found = shutil.which("promtool")
    if found:
        return found
    caches = [os.environ.get("VIGIL_CACHE"), os.path.join(srcdir, ".cache")]
    for cache in caches:
        if cache:
            p = os.path.join(cache, "prometheus", "usr", "bin", "promtool")
            if os.access(p, os.X_OK):
                return p
    return None


def messages(srcdir):
    """[(id, level, symbol, text)] of adapters/win/messages.mc; level is the
    Windows event Level: 2 Error, 3 Warning, 4 Information (categories are
    left out)."""
    path = os.path.join(srcdir, "adapters", "win", "messages.mc")
    with open(path, encoding="utf-8") as f:
        mc = f.read()
    levels = {"Informational": 4, "Warning": 3, "Error": 2}
    out = []
    for m in re.finditer(r"MessageId=(\d+)\nSeverity=(\w+)\nSymbolicName=(\w+)"
                         r"\nLanguage=English\n(.*?)\n\.\n", mc, re.S):
        if m.group(2) in levels:
            out.append((int(m.group(1)), levels[m.group(2)], m.group(3),
                        m.group(4)))
    if len(out) < 100:
        sys.exit("messages.mc: only %d messages parsed" % len(out))
    return out

#!/usr/bin/env python3
"""docs/fleet/vigil-alerts.rules.yml passes `promtool check rules` and its
unit tests (tests/fleet/vigil-alerts.test.yml: each alert fires on the
series vigil.prom carries, and not when all is well).

  check_rules.py SRCDIR        exit 77 (skipped) without promtool
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleet_common  # noqa: E402


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    src = os.path.abspath(sys.argv[1])
    tool = fleet_common.promtool(src)
    if tool is None:
        fleet_common.skip("promtool not found (run tools/bootstrap.sh, which "
                          "unpacks it from Debian's prometheus package)")
    rules = os.path.join(src, "docs", "fleet", "vigil-alerts.rules.yml")
    tests = os.path.join(src, "tests", "fleet", "vigil-alerts.test.yml")
    for args in (["check", "rules", rules], ["test", "rules", tests]):
        r = subprocess.run([tool] + args, capture_output=True, text=True,
                           cwd=os.path.dirname(tests))
        print(r.stdout + r.stderr, end="")
        if r.returncode != 0:
            sys.exit("promtool %s failed (%d)" % (" ".join(args[:2]),
                                                 r.returncode))


if __name__ == "__main__":
    main()

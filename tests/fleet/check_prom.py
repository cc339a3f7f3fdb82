#!/usr/bin/env python3
"""vigil.prom through real parsers: the sample test_prom renders (every kind
of series) must parse with the Prometheus Python client's text parser
(Debian python3-prometheus-client) and pass `promtool check metrics`
(Debian prometheus, unpacked by tools/bootstrap.sh).

  check_prom.py client   TEST_PROM_EXE SRCDIR
  check_prom.py promtool TEST_PROM_EXE SRCDIR

Exit 77 (ctest: skipped) with a message when the parser is not installed.
"""
import math
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleet_common  # noqa: E402


def sample(exe):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "vigil.prom")
        subprocess.run([exe, "--sample", path], check=True)
        with open(path, "rb") as f:
            return f.read()


def check_bytes(data):
    """What windows_exporter's textfile collector insists on."""
    assert not data.startswith(b"\xef\xbb\xbf"), "BOM"
    assert b"\r" not in data, "CR in the file"
    assert data.endswith(b"\n"), "no final newline"
    data.decode("utf-8")


def client(data):
    try:
        from prometheus_client.parser import text_string_to_metric_families
    except ImportError:
        # Debian's package lives in the system Python; a pyenv/venv python3
        # first on PATH does not see it.
        if os.path.exists("/usr/bin/python3") and \
                os.path.realpath(sys.executable) != \
                os.path.realpath("/usr/bin/python3") and \
                not os.environ.get("VG_CHECK_PROM_REEXEC"):
            os.environ["VG_CHECK_PROM_REEXEC"] = "1"
            os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
        fleet_common.skip("prometheus_client is not installed "
                          "(apt-get install python3-prometheus-client, or "
                          "run tools/bootstrap.sh)")
    families = list(text_string_to_metric_families(data.decode("utf-8")))
    names = [f.name for f in families]
    assert len(names) == len(set(names)), "a family appears twice"
    series = set()
    values = {}
    for fam in families:
        for s in fam.samples:
            key = (s.name, tuple(sorted(s.labels.items())))
            assert key not in series, "duplicate series %r" % (key,)
            series.add(key)
            values[key] = s.value
    def v(name, **labels):
        return values[(name, tuple(sorted(labels.items())))]
    assert v("vigil_probe_status", probe="scratch.kek", scope="backup") == 2
    assert v("vigil_probe_status", probe="temp.files", scope="backup") == -1
    assert v("vigil_probe_state", probe="scratch.kek", scope="backup",
             state="crit") == 1
    assert v("vigil_next_backup_verdict", verdict="will_fail") == 1
    assert v("vigil_next_backup_timestamp_seconds",
             task="\\Microsoft\\OnlineBackup\\Microsoft-OnlineBackup") == \
        1795647600.5
    # Escapes survive the round trip: backslash, quote, line feed.
    assert math.isinf(v("vigil_shadow_storage_max_bytes",
                        volume='D:\\Data "x"\nnext'))
    assert v("vigil_shadow_storage_used_bytes", volume="C:\\") == 1000
    assert v("vigil_scratch_free_ratio") == 0.072
    assert v("vigil_dropped_records_total") == 3
    types = {f.name: f.type for f in families}
    assert types["vigil_dropped_records"] == "counter"
    assert all(t == "gauge" for n, t in types.items()
               if n != "vigil_dropped_records")
    print("prometheus_client parsed %d families, %d series"
          % (len(families), len(series)))


def promtool(data, srcdir):
    tool = fleet_common.promtool(srcdir)
    if tool is None:
        fleet_common.skip("promtool not found (run tools/bootstrap.sh, which "
                          "unpacks it from Debian's prometheus package)")
    r = subprocess.run([tool, "check", "metrics"], input=data,
                       capture_output=True)
    out = (r.stdout + r.stderr).decode("utf-8", "replace").strip()
    if r.returncode != 0 or out:
        sys.exit("promtool check metrics failed (%d):\n%s" % (r.returncode,
                                                             out))
    print("promtool check metrics: clean")


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("client", "promtool"):
        sys.exit(__doc__)
    data = sample(sys.argv[2])
    check_bytes(data)
    if sys.argv[1] == "client":
        client(data)
    else:
        promtool(data, sys.argv[3])


if __name__ == "__main__":
    main()

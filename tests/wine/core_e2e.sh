#!/usr/bin/env bash
# Windows lane, issue 3: `vigil run --console` in one process, `vigil status
# --json` over the real named pipe from another; scratch.space reads the
# scratch folder planted in the Wine registry.
# Usage: core_e2e.sh VIGIL_EXE   (WINEPREFIX set by ctest)
set -euo pipefail
exe=${1:?usage: core_e2e.sh VIGIL_EXE}
: "${WINEPREFIX:?WINEPREFIX must be set}"
export WINEDEBUG=-all
work=$(mktemp -d)
. "$(dirname "$0")/mars_plant.sh"
# The prefix is shared by the lane (ctest -j orders tests freely): leave no
# half-planted MARS behind for the tests that run after this one.
trap 'kill $agent 2>/dev/null || true; rm -rf "$work"
  unplant_mars; rm -rf "$WINEPREFIX/drive_c/vigil-e2e"' EXIT
export VIGIL_HOME='C:\vigil-e2e'
export VIGIL_PIPE="\\\\.\\pipe\\vigil-e2e-$$"
fail() { echo "FAIL: $*" >&2; exit 1; }

plant_mars 'C:\MARS\Scratch\'
mkdir -p "$WINEPREFIX/drive_c/vigil-e2e"
# Only InstallPath and one ScratchLocation are planted: the probes that
# judge a whole MARS install (tests/wine/mars_probes.sh), and the .NET,
# PowerShell and TLS prerequisites a bare prefix lacks
# (tests/wine/env_probes.sh), the management agent, registration, source
# volumes and VSS writers (tests/wine/probes3.sh), and the network probes,
# whose default endpoints are on the Internet (tests/wine/net_probes.sh),
# are off here.
printf '[scratch.space]\ninterval = 1s\nbackup_bytes = 1G\n%s' \
  "$(printf '[%s]\nenabled = false\n' mars.install mars.engine \
     scratch.config scratch.kek task.schedule vss.storage iscsi.initiator \
     dotnet.version powershell.env tls.config mars.mgmtagent \
     mars.registration source.volumes vss.writers net.proxy net.reach mars.jobs \
     clock.skew)" \
  > "$WINEPREFIX/drive_c/vigil-e2e/vigil.ini"

wine "$exe" run --console > "$work/agent.out" 2>&1 &
agent=$!
rc=3
for _ in $(seq 1 60); do
  set +e
  wine "$exe" status --json > "$work/status.json" 2> "$work/status.err"
  rc=$?
  set -e
  [ $rc -ne 3 ] && break
  sleep 0.5
done
[ $rc -eq 0 ] || { cat "$work/status.err" "$work/agent.out" >&2; fail "status exit $rc"; }
python3 - "$work/status.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
p = {x["id"]: x for x in doc["probes"]}["scratch.space"]
assert doc["overall"] == "ok", doc
assert p["status"] == "ok", p
assert p["facts"]["path"] == "C:\\MARS\\Scratch", p["facts"]
assert p["facts"]["path_source"] == "registry", p["facts"]
assert p["facts"]["install_path"].endswith("Recovery Services Agent"), p["facts"]
assert p["facts"]["free_bytes"] > 0 and p["facts"]["total_bytes"] > 0
print("status over \\\\.\\pipe: scratch.space ok at", p["facts"]["path"])
PY

# `vigil bundle` with no FILE: a .zip in the current folder that another
# reader (Python's zipfile) opens, with the service's parts in it.
(cd "$WINEPREFIX/drive_c/vigil-e2e" && wine "$exe" bundle) \
  > "$work/bundle.out" 2> "$work/bundle.err" ||
  { cat "$work/bundle.out" "$work/bundle.err" >&2; fail "vigil bundle"; }
python3 - "$work/bundle.out" "$WINEPREFIX/drive_c/vigil-e2e" <<'PY'
import glob, json, os, sys, zipfile
out = open(sys.argv[1]).read()
assert "vigil bundle: wrote C:\\vigil-e2e\\vigil-bundle-" in out, out
assert "note:" not in out, out
[path] = glob.glob(os.path.join(sys.argv[2], "vigil-bundle-*.zip"))
z = zipfile.ZipFile(path)
assert z.testzip() is None
names = set(z.namelist())
for n in ("manifest.json", "check.json", "status.json", "events.json",
          "history/scratch.space.json", "vigil.ini"):
    assert n in names, (n, names)
m = json.loads(z.read("manifest.json"))
assert m["notes"] == [], m
assert json.loads(z.read("status.json"))["overall"] == "ok"
print("bundle:", os.path.basename(path), len(names), "files")
PY

# A scratch folder on a drive that does not exist: unknown, with the reason.
wine reg add "$mars_key\\Config" /v ScratchLocation /t REG_SZ /d 'Q:\Scratch' /f /reg:64 >/dev/null
set +e
wine "$exe" check --json scratch.space > "$work/check.json"
rc=$?
set -e
[ $rc -eq 3 ] || fail "check with a missing drive: exit $rc, want 3"
python3 - "$work/check.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["probes"][0]
assert p["status"] == "unknown", p
assert "Q:\\Scratch" in p["summary"], p["summary"]
print("missing drive:", p["summary"])
PY
echo "3 passed, 0 failed"

#!/usr/bin/env bash
# Soak: the agent runs 1,000+ scheduling cycles with intervals shortened by
# vigil.ini, answers queries meanwhile, then stops cleanly on SIGINT.
# Mode "asan": the binary is built with ASan/UBSan (any report fails it).
# Mode "valgrind": runs the agent under valgrind memcheck; any error or
# definite/indirect leak fails it.
# Usage: soak.sh VIGIL_BIN asan|valgrind [CYCLES]
set -euo pipefail
bin=${1:?usage: soak.sh VIGIL_BIN asan|valgrind [CYCLES]}
mode=${2:?mode}
cycles=${3:-1000}
home=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$home"' EXIT
export VIGIL_HOME=$home
cat > "$home/vigil.ini" <<INI
[agent]
max_backoff = 1s
[scratch.space]
path = $home
interval = 10ms
deadline = 5s
backup_bytes = 1K
INI
wrap=()
if [ "$mode" = valgrind ]; then
  wrap=(valgrind --quiet --error-exitcode=99 --leak-check=full
        --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect
        --log-file="$home/valgrind.log")
fi
"${wrap[@]}" "$bin" run --console > "$home/agent.out" 2> "$home/agent.err" &
pid=$!
count=0
for _ in $(seq 1 900); do
  sleep 0.5
  if ! kill -0 $pid 2>/dev/null; then
    cat "$home/agent.err" "$home/valgrind.log" 2>/dev/null >&2 || true
    echo "FAIL: the agent exited early" >&2; exit 1
  fi
  out=$("$bin" history scratch.space --since 1h --limit 10000 --json 2>/dev/null) || continue
  # Every check: a row, or a row that counts repeated checks ("checks").
  count=$(printf '%s' "$out" | python3 -c 'import json, sys
print(sum(r.get("checks", 1) for r in json.load(sys.stdin)["samples"]))' \
    2>/dev/null) || count=0
  [ "$count" -ge "$cycles" ] && break
done
"$bin" status > /dev/null || { echo "FAIL: status during soak" >&2; exit 1; }
kill -INT $pid
set +e
wait $pid
rc=$?
set -e
if [ $rc -ne 0 ] || ! grep -q "Vigil stopped" "$home/agent.err"; then
  cat "$home/agent.err" >&2
  [ -f "$home/valgrind.log" ] && cat "$home/valgrind.log" >&2
  echo "FAIL: agent exit $rc after SIGINT" >&2; exit 1
fi
if [ -s "$home/valgrind.log" ]; then
  cat "$home/valgrind.log" >&2; echo "FAIL: valgrind reported problems" >&2; exit 1
fi
[ "$count" -ge "$cycles" ] || { echo "FAIL: only $count cycles recorded" >&2; exit 1; }
echo "soak ($mode): $count cycles recorded, clean stop"
echo "1 passed, 0 failed"

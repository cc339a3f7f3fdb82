#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer (clang). The test lanes run the same
# targets through tests/fuzz/driver.c; this digs deeper.
# Usage: tools/fuzz.sh [TARGET] [SECONDS]   (default: every target, 60 s each)
# TARGET is the NAME of tests/fuzz/fuzz_NAME.c; its seeds are in
# tests/fuzz/corpus/NAME/.
set -euo pipefail
cd "$(dirname "$0")/.."
all=$(for f in tests/fuzz/fuzz_*.c; do basename "$f" .c; done | sed 's/^fuzz_//')
targets=${1:-$all}
secs=${2:-60}
if ! command -v clang >/dev/null; then
  echo "tools/fuzz.sh: needs clang and libFuzzer: apt-get install clang libclang-rt-14-dev" >&2
  exit 2
fi
out=build/fuzz
mkdir -p "$out"
# Everything the agent links but its main(), so a new source is never missed.
layers="common probes core store adapters agent service"
srcs=$(for d in $layers; do ls $d/*.c $d/posix/*.c 2>/dev/null; done |
  grep -v '/main_posix\.c$')
incs=$(for d in $layers; do printf -- '-I%s ' "$d"; done)
for t in $targets; do
  # shellcheck disable=SC2086
  clang -g -O1 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    $incs tests/fuzz/fuzz_"$t".c $srcs \
    -luv -lsqlite3 -lz -lm -lpthread -o "$out/fuzz_$t"
  mkdir -p "$out/corpus_$t"
  "$out/fuzz_$t" -max_total_time="$secs" -max_len=70000 "$out/corpus_$t" tests/fuzz/corpus/"$t"
done

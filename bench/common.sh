# common.sh: what the benchmark scripts share (sourced by footprint.sh and
# callgrind_status.sh from the repository root; sets VIGIL and CLI).

# bench_build NAME BUILD: builds the release daemon and the load generator
# when BUILD is 1, then checks both are there.
bench_build() {
  local f
  if [ "$2" = 1 ]; then
    [ -f build/native-release/build.ninja ] ||
      cmake --preset native-release >/dev/null
    cmake --build --preset native-release --target vigil bench >/dev/null
  fi
  VIGIL=$PWD/build/native-release/vigil
  CLI=$PWD/build/native-release/bench/bench_load
  for f in "$VIGIL" "$CLI"; do
    [ -x "$f" ] || { echo "$1: $f missing; run cmake --build" \
      "--preset native-release --target vigil bench" >&2; exit 1; }
  done
}

# bench_ini HOME SECONDS: HOME/vigil.ini setting every probe's interval (the
# probe list from `vigil config --json`).
bench_ini() {
  VIGIL_HOME=$1 "$VIGIL" config --json |
    grep -o '"section":"[^"]*","key":"interval"' |
    sed 's/^"section":"\([^"]*\)".*/\1/' |
    while read -r id; do printf '[%s]\ninterval = %ss\n\n' "$id" "$2"; done \
      >"$1/vigil.ini"
}

#!/usr/bin/env bash
# Builds mlops and runs the whole test suite twice: a Release build (in build/,
# where the README's first command builds, which then runs as written: the
# quickstart end to end), then one under AddressSanitizer and
# UndefinedBehaviorSanitizer; then fuzzes each parser briefly (tests/fuzz/run;
# MLOPS_FUZZ_SECONDS, default 10 per parser). Warnings are errors here.
#
# On two cores the scenarios leave a core idle much of the time (they wait on
# processes, servers and kills), so the next build runs beside each test run
# at the lowest priority (nice 19): it takes only the time the tests leave.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
logs=$(mktemp -d)
background=()
trap 'for p in "${background[@]}"; do kill -- "-$p" 2>/dev/null || true; done; rm -rf "$logs"' EXIT

configure_and_build() {
  local dir=$1
  shift
  cmake -S . -B "$dir" -DMLOPS_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
}

# Starts a build at nice 19 in its own process group; `finish NAME` waits for it.
start_beside() {
  local name=$1
  shift
  set -m
  nice -n 19 "$@" > "$logs/$name.log" 2>&1 &
  background+=($!)
  set +m
  echo "== $name: building beside the tests (log printed when it ends)"
}
finish() {
  local name=$1
  if ! wait "${background[0]}"; then
    cat "$logs/$name.log"
    echo "== $name: FAILED" >&2
    exit 1
  fi
  background=("${background[@]:1}")
  tail -3 "$logs/$name.log"
  echo "== $name: built"
}

run_tests() {
  ctest --test-dir "$1" --output-on-failure -j "$jobs"
}

asan_options=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DMLOPS_SANITIZE=ON)

echo "== release build =="
configure_and_build build -DCMAKE_BUILD_TYPE=Release
start_beside "ASan + UBSan build" bash -c "$(declare -f configure_and_build); jobs=$jobs; configure_and_build build-asan ${asan_options[*]}"
echo "== release tests =="
run_tests build
echo "== the README's first command =="
# Its build is the one just made (same folder and type): it only runs the quickstart.
readme_first=$(sed -n '/^```sh$/{n;p;q}' README.md)
[[ "$readme_first" == *quickstart* ]] || { echo "README.md's first command is not the quickstart: $readme_first" >&2; exit 1; }
bash -euo pipefail -c "$readme_first"
finish "ASan + UBSan build"
start_beside "fuzz build" tests/fuzz/build
echo "== ASan + UBSan tests =="
ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 run_tests build-asan
finish "fuzz build"
echo "== fuzzing the parsers (libFuzzer) =="
tests/fuzz/run "${MLOPS_FUZZ_SECONDS:-10}"

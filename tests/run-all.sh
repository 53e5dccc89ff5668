#!/usr/bin/env bash
# Builds mlops and runs the whole test suite twice: a normal build, then one
# under AddressSanitizer and UndefinedBehaviorSanitizer; then fuzzes each
# parser briefly (tests/fuzz/run; MLOPS_FUZZ_SECONDS, default 20 per parser).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

run_suite() {
  local dir=$1
  shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  ctest --test-dir "$dir" --output-on-failure -j "$jobs"
}

echo "== release build =="
run_suite build
echo "== ASan + UBSan build =="
ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite build-asan -DMLOPS_SANITIZE=ON
echo "== fuzzing the parsers (libFuzzer) =="
tests/fuzz/run "${MLOPS_FUZZ_SECONDS:-20}"

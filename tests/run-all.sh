#!/usr/bin/env bash
# Builds mlops and runs the whole test suite twice: a Release build (in build/,
# where the README's first command builds, which then runs as written: the
# quickstart end to end), then one under AddressSanitizer and
# UndefinedBehaviorSanitizer; then fuzzes each parser briefly (tests/fuzz/run;
# MLOPS_FUZZ_SECONDS, default 10 per parser). Warnings are errors here.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

run_suite() {
  local dir=$1
  shift
  cmake -S . -B "$dir" -DMLOPS_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  ctest --test-dir "$dir" --output-on-failure -j "$jobs"
}

echo "== release build =="
run_suite build -DCMAKE_BUILD_TYPE=Release
echo "== the README's first command =="
# Its build is the one just made (same folder and type): it only runs the quickstart.
readme_first=$(sed -n '/^```sh$/{n;p;q}' README.md)
[[ "$readme_first" == *quickstart* ]] || { echo "README.md's first command is not the quickstart: $readme_first" >&2; exit 1; }
bash -euo pipefail -c "$readme_first"
echo "== ASan + UBSan build =="
ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMLOPS_SANITIZE=ON
echo "== fuzzing the parsers (libFuzzer) =="
tests/fuzz/run "${MLOPS_FUZZ_SECONDS:-10}"

#!/usr/bin/env bash
# The quickstart, end to end: version a data set and a model beside git, change
# them, look at what changed, and go back to an earlier version; then run the
# pipeline example (examples/pipeline/run.sh).
# Usage: examples/quickstart/run.sh [path/to/mlops]   (default: build/mlops)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
mlops_bin=$(realpath "${1:-$here/../../build/mlops}")
mlops() { echo "\$ mlops $*" >&2; "$mlops_bin" "$@"; }

work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
cd "$work"
git init -q .
git config user.email quickstart@example.com
git config user.name quickstart

mlops init

# A small data set: 100 CSV shards and a "model".
python3 "$here/make_data.py" data model.bin 1
mlops add data model.bin
git add -A && git commit -qm "Data and model, version 1"

mlops status
mlops ls

# New data arrives and the model is retrained.
python3 "$here/make_data.py" data model.bin 2
mlops status
mlops add data model.bin
git add -A && git commit -qm "Data and model, version 2"

# Back to version 1 of everything: git moves the pointers, mlops the data.
git checkout -q HEAD~1
mlops checkout
mlops ls --json

git checkout -q -
mlops checkout
mlops status --exit-code
echo "quickstart: ok"

# Then a pipeline: examples/pipeline, run by mlops run.
"$here/../pipeline/run.sh" "$mlops_bin"

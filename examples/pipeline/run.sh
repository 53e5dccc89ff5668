#!/usr/bin/env bash
# The pipeline example end to end: run it, run it again (nothing to do),
# change a param (only train and evaluate run), go back (restored from the run
# cache), and look at the runs. Usage: examples/pipeline/run.sh [path/to/mlops]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
MLOPS=$(realpath "${1:-$here/../../build/mlops}")
mlops() { "$MLOPS" "$@"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$here/." "$work/" && rm -f "$work/run.sh"
cd "$work"
git init -q . && git config user.email you@example.com && git config user.name "You"
mlops init -q
git add -A && git commit -qm "The project"

mlops dag
mlops run -j 2
git add -A && git commit -qm "First run"
mlops run                                   # nothing changed: every stage is up to date
sed -i 's/lr: 0.5/lr: 0.1/' params.yaml
mlops run -n                                # what would run, and why
mlops run
sed -i 's/lr: 0.1/lr: 0.5/' params.yaml
mlops run                                   # the earlier outputs come back from the run cache
mlops exp list --columns name,status,params.train.lr,metrics.acc,metrics.loss
echo "pipeline: ok"

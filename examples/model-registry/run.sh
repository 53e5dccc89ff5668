#!/usr/bin/env bash
# The model registry end to end: register versions made by runs, promote,
# alias, look at the lineage, and rebuild everything in a fresh clone from
# the git tags. Usage: examples/model-registry/run.sh [path/to/mlops]
set -euo pipefail
MLOPS=$(realpath "${1:-$(dirname "$0")/../../build/mlops}")
mlops() { "$MLOPS" "$@"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

git init -q repo && cd repo
git config user.email you@example.com && git config user.name "You"
mlops init -q
mlops remote add -q store "$work/remote" --default
echo 'models/' > .gitignore
seq 1 1000 > data.csv && mlops add -q data.csv
git add -A && git commit -qm "data and remote"

# Two training runs; each model is registered from the run that made it.
for lr in 0.1 0.01; do
  mlops exp run -q -n "lr-$lr" -p lr=$lr -- sh -c "mkdir -p models; echo 'weights lr=$lr' > models/churn.bin;
    echo '{\"acc\": $(awk "BEGIN { print 0.8 + $lr }")}' >> \"\$MLOPS_METRICS_FILE\""
  mlops model register -q churn models/churn.bin --run "lr-$lr" -d "lr=$lr"
done
mlops model promote churn 0.1.1 production
mlops model alias churn champion 0.1.1
mlops model list
mlops model lineage churn:champion
mlops push -q
git tag -l

cd "$work" && git clone -q repo clone && cd clone
mlops model sync
mlops model get churn#production -o deployed.bin
cat deployed.bin

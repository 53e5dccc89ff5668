#!/usr/bin/env bats
# The examples in examples/ that can run here: workflows checked against the
# GitHub Actions schema, the pre-commit configuration with Debian's
# pre-commit, and the shell shortcuts.
load helpers

validator() {
  v="$MLOPS_SOURCE_DIR/tests/workflows/node_modules/.bin/action-validator"
  [ -x "$v" ] || { echo "run tests/install-deps.sh first" >&2; return 1; }
  "$v" "$@"
}

@test "the CI workflow passes the GitHub Actions schema check and uses commands that exist" {
  run validator "$MLOPS_SOURCE_DIR/examples/ci/mlops-ci.yml"
  [ "$status" -eq 0 ]
  # Every mlops command line in it parses (its --help succeeds).
  grep -oE '\bmlops [a-z]+( [a-z]+)?' "$MLOPS_SOURCE_DIR/examples/ci/mlops-ci.yml" | sort -u | while read -r _ cmd sub; do
    "$MLOPS" help "$cmd" > /dev/null || { echo "no command $cmd" >&2; return 1; }
  done
  # And it runs for real here, step by step, on a small pipeline with a folder remote.
  export PATH="$(dirname "$MLOPS"):$PATH"
  mlops init -q
  mkdir -p models
  cat > mlops.yaml <<'YAML'
stages:
  train:
    cmd: >-
      mkdir -p models && echo w > models/model.json && echo '{"acc": 0.9}' > metrics.json
    outs: [models/model.json]
    metrics: [metrics.json]
YAML
  mlops remote add -q store "$BATS_TEST_TMPDIR/store" --default
  git add -A && git commit -qm start && git branch -q -M main
  mlops run -q && git add -A && git commit -qm ran
  mlops push -q
  git clone -q "$TEST_REPO" "$BATS_TEST_TMPDIR/ci" && cd "$BATS_TEST_TMPDIR/ci"
  git config user.email ci@example.com && git config user.name ci
  mlops pull -q
  run mlops run
  [ "$status" -eq 0 ]
  [[ "$output" == *"Stage train is up to date"* ]]  # pull brought its output
  mlops metrics diff origin/main --all
  # The step that checks the results were committed passes here...
  ci_step() {
    python3 -c 'import sys, yaml
for s in yaml.safe_load(open(sys.argv[1]))["jobs"]["pipeline"]["steps"]:
    if s.get("name") == sys.argv[2]: print(s["run"])' "$MLOPS_SOURCE_DIR/examples/ci/mlops-ci.yml" "$1"
  }
  check=$(ci_step "Fail when the pipeline's outputs were not committed")
  [ -n "$check" ]
  run bash -e -c "$check"
  [ "$status" -eq 0 ]
  # The summary gets the metrics and params against main as Markdown tables,
  # and the report is written.
  export GITHUB_STEP_SUMMARY="$BATS_TEST_TMPDIR/summary.md"
  run bash -e -c "$(ci_step "Compare the metrics with main")"
  [ "$status" -eq 0 ]
  run bash -e -c "$(ci_step "Write the report")"
  [ "$status" -eq 0 ]
  [ -s report.html ] && rm report.html
  cmark-gfm -e table "$GITHUB_STEP_SUMMARY" > "$BATS_TEST_TMPDIR/summary.html"
  [ "$(grep -c '<table>' "$BATS_TEST_TMPDIR/summary.html")" -ge 2 ]
  grep -q '<td>metrics.json</td>' "$BATS_TEST_TMPDIR/summary.html"
  grep -q '<h2>Pipeline</h2>' "$BATS_TEST_TMPDIR/summary.html"
  # ...and fails when a change to the pipeline was run but not committed.
  sed -i 's/0.9/0.8/' mlops.yaml && git commit -qam "new metric, results not committed"
  mlops run -q
  run bash -e -c "$check"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"the pipeline's results differ from the commit"* ]]
  [[ "$output" == *"mlops.lock"* ]]
  git checkout -q -- . && mlops checkout -q -f
  mlops model register -q churn models/model.json --version 1.0.0
  mlops model promote -q churn 1.0.0 production
  [ "$(git tag -l)" = $'churn#production#1\nchurn@v1.0.0' ]
}

@test "the pre-commit configuration works with Debian's pre-commit" {
  command -v pre-commit >/dev/null || skip "pre-commit is not installed"
  export PATH="$(dirname "$MLOPS"):$PATH"
  export PRE_COMMIT_HOME="$BATS_TEST_TMPDIR/pre-commit-home"
  rev=$(git -C "$MLOPS_SOURCE_DIR" rev-parse HEAD)
  sed -e "s|repo: .*|repo: $MLOPS_SOURCE_DIR|" -e "s|rev: .*|rev: $rev|" \
    "$MLOPS_SOURCE_DIR/examples/pre-commit/.pre-commit-config.yaml" > .pre-commit-config.yaml
  mlops init -q
  echo v1 > model.bin && mlops add -q model.bin
  git add -A && git commit -qm v1
  run pre-commit run --all-files
  [ "$status" -eq 0 ]
  echo v2 > model.bin
  run pre-commit run --all-files
  [ "$status" -ne 0 ]
  [[ "$output" == *"tracked data is modified but not added"* ]]
}

@test "the shell shortcuts work" {
  export PATH="$(dirname "$MLOPS"):$PATH"
  mlops init -q
  mkdir data && echo x > data/a.csv
  run bash -c 'shopt -s expand_aliases; source "$1"; madd data && git diff --cached --name-only' _ "$MLOPS_SOURCE_DIR/examples/shell/aliases.bash"
  [ "$status" -eq 0 ]
  [[ "$output" == *"data.mlops"* && "$output" == *".gitignore"* ]]
  mlops exp run -q -n one -- sh -c 'echo "{\"loss\": 0.5}" >> "$MLOPS_METRICS_FILE"'
  mlops exp run -q -n two -- sh -c 'echo "{\"loss\": 0.2}" >> "$MLOPS_METRICS_FILE"'
  run bash -c 'shopt -s expand_aliases
source "$1"
mxbest loss
ms
mxl 1' _ "$MLOPS_SOURCE_DIR/examples/shell/aliases.bash"
  [ "$status" -eq 0 ]
  [[ "$output" == *"run        two ("* ]]
  [[ "$output" == *"Data is up to date"* ]]
}

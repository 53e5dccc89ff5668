#!/usr/bin/env bats
# Pipeline outputs are tracked data everywhere (issue: "mlops.lock outs like
# pointer files"): gc, checkout and the post-checkout hook, pull, diff,
# status --remote, fsck, the pre-push hook, add and rm all know them. The
# pipeline has a folder output and a file output; contents are checked with
# sha256sum, not with mlops's own report.
load helpers

commit() { git add -A && git commit -qm "$1"; }

# prepare -> prepared/ (a folder), train -> model.bin (a file) and metrics.json.
pipeline() {
  mlops init -q
  printf 'lr: 0.5\n' > params.yaml
  echo "rows v1" > raw.txt
  cat > prepare.sh <<'SH'
mkdir -p prepared
for i in 1 2 3; do echo "$(cat raw.txt) part $i" > prepared/part$i.txt; done
SH
  cat > train.sh <<'SH'
cat prepared/* | sha256sum | cut -c1-32 > model.bin
echo "{\"acc\": 0.$(cat prepared/* | wc -c), \"name\": \"m\"}" > metrics.json
SH
  cat > mlops.yaml <<'YAML'
stages:
  prepare:
    cmd: sh prepare.sh
    deps: [prepare.sh, raw.txt]
    outs: [prepared]
  train:
    cmd: sh train.sh
    deps: [train.sh, prepared]
    params: [lr]
    outs: [model.bin]
    metrics: [metrics.json]
YAML
  commit "pipeline"
  MAIN=$(git branch --show-current)
}

# The outputs' content, as sha256sum sees it.
outputs_sum() { cat model.bin prepared/part1.txt prepared/part2.txt prepared/part3.txt | sha256sum | cut -c1-64; }

@test "gc -w keeps HEAD's pipeline outputs: after gc they can be checked out, pushed and pulled" {
  pipeline
  mlops run -q
  commit "run"
  want=$(outputs_sum)
  run mlops gc -w
  [ "$status" -eq 0 ]
  run mlops fsck
  [ "$status" -eq 0 ]
  rm -rf model.bin prepared
  run mlops checkout
  [ "$status" -eq 0 ]
  [ "$(outputs_sum)" = "$want" ]
  mlops remote add -q store "$BATS_TEST_TMPDIR/store" --default
  run mlops push
  [ "$status" -eq 0 ]
  commit "remote"
  git clone -q . "$BATS_TEST_TMPDIR/clone"
  cd "$BATS_TEST_TMPDIR/clone"
  run mlops status
  [[ "$output" == *"model.bin: deleted from the workspace (run 'mlops pull model.bin' to restore it)"* ]]
  run mlops pull
  [ "$status" -eq 0 ]
  [ "$(outputs_sum)" = "$want" ]
}

@test "gc keeps the outputs of every kept branch, and every branch restores its own" {
  pipeline
  mlops run -q
  commit "v1"
  v1=$(outputs_sum)
  git checkout -qb other
  echo "rows v2" > raw.txt
  mlops run -q
  commit "v2"
  v2=$(outputs_sum)
  [ "$v1" != "$v2" ]
  git checkout -q "$MAIN"
  mlops checkout
  [ "$(outputs_sum)" = "$v1" ]
  # The run cache would keep v2 by itself: drop it, so only the branch keeps it.
  run mlops gc -a --run-cache
  [ "$status" -eq 0 ]
  [[ "$output" == *"Forgot 4 run cache entries."* ]]
  mlops remote add -q store "$BATS_TEST_TMPDIR/store" --default
  for b in "$MAIN" other; do
    git checkout -q "$b"
    rm -rf model.bin prepared
    mlops checkout
    [ "$(outputs_sum)" = "$([ "$b" = "$MAIN" ] && echo "$v1" || echo "$v2")" ]
    mlops push -q
  done
  # Only -w on main: the other branch's model would go.
  m2=$(xxh_id model.bin)
  git checkout -q "$MAIN"
  mlops checkout
  run mlops gc -w --dry-run
  [ "$status" -eq 0 ]
  [[ "$output" == *"would remove $m2"* ]]
  git checkout -q other
  mlops checkout
  [ "$(outputs_sum)" = "$v2" ]
}

@test "gc keeps what the run cache can restore until --run-cache" {
  pipeline
  mlops run -q
  commit "v1"
  v1=$(outputs_sum)
  echo "rows v2" > raw.txt
  mlops run -q
  commit "v2"
  mlops gc -w
  # Back to v1's input: restored from the run cache, nothing runs.
  echo "rows v1" > raw.txt
  run mlops run
  [ "$status" -eq 0 ]
  [[ "$output" == *"Restored the outputs of stage prepare from the run cache"* ]]
  [ "$(outputs_sum)" = "$v1" ]
  commit "v1 again"
  echo "rows v2" > raw.txt
  mlops run -q
  commit "v2 again"
  mlops gc -w --run-cache
  echo "rows v1" > raw.txt
  run mlops run
  [ "$status" -eq 0 ]
  [[ "$output" != *"Restored"* ]]
  [ "$(outputs_sum)" = "$v1" ]
}

@test "checkout and the post-checkout hook put the outputs back to the commit's version" {
  pipeline
  mlops install-hooks -q
  mlops run -q
  commit "v1"
  v1=$(outputs_sum)
  acc1=$(jq .acc metrics.json)
  echo "rows version two" > raw.txt
  mlops run -q
  commit "v2"
  v2=$(outputs_sum)
  git checkout -q HEAD~1 2>/dev/null
  [ "$(outputs_sum)" = "$v1" ]
  [ "$(jq .acc metrics.json)" = "$acc1" ]
  git checkout -q "$MAIN" 2>/dev/null
  [ "$(outputs_sum)" = "$v2" ]
  # One output by name.
  rm model.bin
  run mlops checkout model.bin
  [ "$status" -eq 0 ]
  [ "$(outputs_sum)" = "$v2" ]
  # An unsaved edit is refused as for pointers.
  chmod u+w prepared/part1.txt
  echo "hand edit" > prepared/part1.txt
  run mlops checkout --rev HEAD~1
  [ "$status" -eq 5 ]
  [[ "$output" == *"prepared/part1.txt"* ]]
  [ "$(cat prepared/part1.txt)" = "hand edit" ]
  run mlops checkout --force
  [ "$status" -eq 0 ]
  [ "$(outputs_sum)" = "$v2" ]
}

@test "pull -f puts the outputs back in a clone" {
  pipeline
  mlops remote add -q store "$BATS_TEST_TMPDIR/store" --default
  mlops run -q
  mlops push -q
  commit "v1"
  want=$(outputs_sum)
  git clone -q . "$BATS_TEST_TMPDIR/clone"
  cd "$BATS_TEST_TMPDIR/clone"
  mlops pull -q
  [ "$(outputs_sum)" = "$want" ]
  chmod u+w model.bin
  echo broken > model.bin
  run mlops pull
  [ "$status" -eq 5 ]
  run mlops pull -f
  [ "$status" -eq 0 ]
  [ "$(outputs_sum)" = "$want" ]
}

@test "diff lists changed pipeline outputs down to the files inside folders" {
  pipeline
  mlops run -q
  commit "v1"
  echo "rows v2" > raw.txt
  mlops run -q
  run mlops diff --json
  [ "$status" -eq 0 ]
  [ "$(jq -r '[.modified[].path] | sort | join(" ")' <<<"$output")" = "model.bin prepared/part1.txt prepared/part2.txt prepared/part3.txt" ]
  commit "v2"
  run mlops diff HEAD~1 HEAD
  [ "$status" -eq 0 ]
  [[ "$output" == *"prepared/part2.txt"* ]]
  [[ "$output" == *"4 modified"* ]]
}

@test "status --remote counts pipeline outputs and model versions, the same number push sends" {
  pipeline
  mlops run -q
  echo weights > weights.bin
  mlops model register m weights.bin --no-git-tag -q
  commit "v1"
  mlops remote add -q store "$BATS_TEST_TMPDIR/store" --default
  run mlops status --remote --json
  [ "$status" -eq 0 ]
  n=$(jq '.not_pushed | length' <<<"$output")
  # model.bin, metrics.json, 3 parts and their manifest, weights.bin
  [ "$n" -eq 7 ]
  run mlops push --json
  [ "$(jq .transferred <<<"$output")" -eq "$n" ]
  run mlops status --remote --json
  [ "$(jq .clean <<<"$output")" = true ]
}

@test "fsck counts missing pipeline outputs; the pre-push hook refuses then" {
  pipeline
  mlops run -q
  commit "v1"
  mlops remote add -q store "$BATS_TEST_TMPDIR/store" --default
  commit "remote"
  mlops install-hooks -q
  obj=$(object_path "$(xxh_id model.bin)")
  rm -f "$obj"
  run mlops fsck
  [ "$status" -eq 1 ]
  [[ "$output" == *"missing: model.bin ($(xxh_id model.bin))"* ]]
  git init -q --bare "$BATS_TEST_TMPDIR/origin.git"
  git remote add origin "$BATS_TEST_TMPDIR/origin.git"
  run git push origin HEAD
  [ "$status" -ne 0 ]
  [[ "$output" == *"model.bin"* ]]
  [ -z "$(git --git-dir="$BATS_TEST_TMPDIR/origin.git" for-each-ref)" ]
}

@test "add refuses a pipeline output, naming the stage; rm keeps the .gitignore entry an output needs" {
  pipeline
  mlops run -q
  before=$(snapshot)
  run mlops add model.bin
  [ "$status" -eq 4 ]
  [[ "$output" == *"mlops: error: model.bin is an output of stage 'train' in mlops.yaml: mlops run tracks it already"* ]]
  run mlops add prepared/part1.txt
  [ "$status" -eq 4 ]
  [[ "$output" == *"'prepared', an output of stage 'prepare'"* ]]
  [ "$(snapshot)" = "$before" ]
  # A pointer from before the check, at an output's path: rm keeps the entry.
  printf 'path: model.bin\nid: %s\nsize: 33\n' "$(xxh_id model.bin)" > model.bin.mlops
  mlops rm --keep-data model.bin
  grep -qx '/model.bin' .gitignore
}

@test "a run from a clean tree is not dirty; the git hint names exactly what changed" {
  pipeline
  run mlops run
  [ "$status" -eq 0 ]
  [[ "$output" == *"git add .gitignore metrics.json mlops.lock"* ]]
  commit "run"
  run_id=$(mlops exp list --json | jq -r '.[0].id')
  [ "$(mlops exp show "$run_id" --json | jq .git_dirty)" = false ]
  echo "rows v2, longer" > raw.txt
  git commit -qam "raw v2"
  run mlops run
  [[ "$output" == *"git add metrics.json mlops.lock"* ]]
  [[ "$output" != *".gitignore"* ]]
  run_id=$(mlops exp list --json | jq -r '.[0].id')
  [ "$(mlops exp show "$run_id" --json | jq .git_dirty)" = false ]
  commit "run 2"
  run mlops run
  [[ "$output" != *"git add"* ]]
  # model lineage names the run's commit.
  mlops model register m model.bin --no-git-tag -q
  run mlops model show m --json
  [ "$(jq -r .run <<<"$output")" = "$(mlops exp list --json | jq -r '.[0].id')" ]
}

@test "foreach and matrix stages keep their metrics apart and record their values as params" {
  mlops init -q
  cat > mlops.yaml <<'YAML'
stages:
  score:
    matrix:
      lr: [1, 2]
      depth: [3, 4]
    cmd: 'echo "{\"acc\": $((${lr} * 10 + ${depth}))}" > acc-${lr}-${depth}.json'
    metrics:
      - acc-${lr}-${depth}.json
YAML
  commit "matrix"
  mlops run -q
  run mlops exp show "$(mlops exp list --json | jq -r '.[0].id')" --json
  [ "$status" -eq 0 ]
  [ "$(jq -r '.params["score@2-3/lr"]' <<<"$output")" = 2 ]
  [ "$(jq -r '.params["score@2-3/depth"]' <<<"$output")" = 3 ]
  [ "$(jq -r '.metrics["score@1-4/acc"].last' <<<"$output")" = 14 ]
  [ "$(jq -r '.metrics["score@2-3/acc"].last' <<<"$output")" = 23 ]
}

@test "metrics show and diff --json give numbers as numbers" {
  pipeline
  mlops run -q
  commit "v1"
  run mlops metrics show --json
  [ "$status" -eq 0 ]
  [ "$(jq '.["metrics.json"].acc > 0.1' <<<"$output")" = true ]
  [ "$(jq -r '.["metrics.json"].name | type' <<<"$output")" = string ]
  echo "rows v2 longer" > raw.txt
  mlops run -q
  run mlops metrics diff --json
  [ "$(jq -r '.changes[] | select(.key == "acc") | .new | type' <<<"$output")" = number ]
}

@test "a missing dependency or param key is an input error before anything runs, with no run recorded" {
  pipeline
  rm raw.txt
  run mlops run
  [ "$status" -eq 4 ]
  [[ "$output" == *"mlops: error: mlops.yaml:3: stage prepare: dependency raw.txt does not exist, and no stage writes it"* ]]
  [ "$(mlops exp list --json | jq length)" -eq 0 ]
  git checkout -q raw.txt
  printf 'other: 1\n' > params.yaml
  run mlops run
  [ "$status" -eq 4 ]
  [[ "$output" == *"mlops.yaml:7: stage train: params.yaml has no param 'lr'"* ]]
  [ ! -e prepared ]
  [ "$(mlops exp list --json | jq length)" -eq 0 ]
}

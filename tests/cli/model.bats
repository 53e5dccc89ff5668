#!/usr/bin/env bats
# The model registry: register, list, show, versions, history, promote,
# demote, alias, get, lineage, GTO-style git tags and sync in a fresh clone.
load helpers

# A repository with one commit and a model file that git ignores.
model_repo() {
  mlops init -q
  mkdir -p models
  echo 'models/' > .gitignore
  echo 'weights v1' > models/churn.bin
  git add -A && git commit -qm start
}

registry_state() {
  mlops model list --json | jq -S 'map(del(.updated_at))'
  for m in $(mlops model list --json | jq -r '.[].model'); do
    mlops model versions "$m" --json | jq -S 'map(del(.created_at))'
  done
}

@test "register stores the model, numbers versions and tags the commit the GTO way" {
  model_repo
  run mlops model register churn models/churn.bin -d "first try" --tag owner=ml
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == "Registered churn version 0.1.0 (11 B, $(xxh_id models/churn.bin)) (git tag churn@v0.1.0)" ]]
  [ "$(cat "$(object_path "$(xxh_id models/churn.bin)")")" = "weights v1" ]
  [ "$(git cat-file -t churn@v0.1.0)" = tag ]
  [ "$(git rev-parse churn@v0.1.0^{commit})" = "$(git rev-parse HEAD)" ]
  git cat-file -p churn@v0.1.0 | grep -q '^Registering model churn version v0.1.0$'
  git cat-file -p churn@v0.1.0 | grep -q '^tagger mlops tests <test@example.com>'
  mlops model register -q churn models/churn.bin
  mlops model register -q churn models/churn.bin --bump minor
  mlops model register -q churn models/churn.bin --version 2.0.0-rc.1
  mlops model register -q churn models/churn.bin --bump major
  run mlops model versions churn --json
  [ "$(jq -r '[.[].version] | join(" ")' <<<"$output")" = "0.1.0 0.1.1 0.2.0 2.0.0-rc.1 2.0.0" ]  # --bump major after 2.0.0-rc.1 releases it
  [ "$(jq -r '.[0].description' <<<"$output")" = "first try" ]
  [ "$(jq -r '.[0].tags.owner' <<<"$output")" = ml ]
  [ "$(jq -r '.[0].git_commit' <<<"$output")" = "$(git rev-parse HEAD)" ]
  [ "$(git tag -l 'churn@*' | wc -l)" -eq 5 ]
  run mlops model show churn
  [[ "$output" == *"version     2.0.0"* ]]
  # A folder is a version too.
  mkdir -p models/tok && echo a > models/tok/vocab.txt && echo b > models/tok/merges.txt
  mlops model register -q tokenizer models/tok --version 1.0.0
  [ "$(mlops model show tokenizer@1.0.0 --json | jq -r .kind)" = dir ]
  run mlops model list
  [[ "${lines[0]}" =~ ^MODEL\ +LATEST\ +VERSIONS\ +STAGES\ +ALIASES\ +UPDATED ]]
  [[ "$output" == *"churn "*"2.0.0 "*" 5 "* ]]
}

@test "bad registrations change nothing" {
  model_repo
  mlops model register -q churn models/churn.bin --version 1.0.0
  before=$(snapshot)
  tags_before=$(git tag -l)
  refuses() {
    local code=$1 message=$2
    shift 2
    run mlops model "$@"
    [ "$status" -eq "$code" ] || { echo "exit $status: $output"; return 1; }
    [[ "$output" == *"$message"* ]] || { echo "$output"; return 1; }
  }
  refuses 5 "model churn version 1.0.0 exists already" register churn models/churn.bin --version 1.0.0
  refuses 2 "'1.0' is not a semantic version" register churn models/churn.bin --version 1.0
  refuses 2 "'01.2.3' is not a semantic version" register churn models/churn.bin --version 01.2.3
  refuses 2 "'Churn' is not a model name" register Churn models/churn.bin
  refuses 2 "'churn-' is not a model name" register churn- models/churn.bin
  refuses 4 "models/none.bin: no such file or folder" register churn models/none.bin
  refuses 2 "excludes" register churn models/churn.bin --version 1.1.0 --bump minor
  refuses 4 "no run 'nosuchrun'" register churn models/churn.bin --run nosuchrun
  # A tag of that name exists already (made by hand): refused, nothing recorded.
  git tag churn@v1.5.0
  tags_before=$(git tag -l)
  refuses 5 "git tag churn@v1.5.0 exists already" register churn models/churn.bin --version 1.5.0
  # Uncommitted changes to tracked files: the tag would not name the code.
  echo change >> .gitignore
  refuses 5 "tracked files have uncommitted changes" register churn models/churn.bin
  git checkout -q .gitignore
  assert_same_snapshot "$before" "$(snapshot)"
  [ "$(git tag -l)" = "$tags_before" ]
  [ "$(mlops model versions churn --json | jq length)" -eq 1 ]
  [ "$(mlops model history churn --json | jq length)" -eq 1 ]
  refuses 4 "no model 'nosuch' in the registry" show nosuch
  refuses 4 "model churn has no version 9.9.9" show churn@9.9.9
  refuses 2 "'x.y' in churn@x.y is not a semantic version" show churn@x.y
  # --no-git-tag works in a dirty tree, and outside git tags are not needed.
  echo change >> .gitignore
  mlops model register -q churn models/churn.bin --no-git-tag
  [ "$(mlops model show churn --json | jq -r .version)" = 1.0.1 ]
  [ -z "$(git tag -l 'churn@v1.0.1')" ]
}

@test "promote, demote and aliases: one version per stage, archived stays archived, GTO tags" {
  model_repo
  for v in 1.0.0 1.1.0 1.2.0; do mlops model register -q churn models/churn.bin --version $v; done
  run mlops model promote churn 1.0.0 production
  [ "$output" = $'Promoted churn 1.0.0 to production (git tag churn#production#1)\nPush the tag to trigger CI: git push origin churn#production#1' ]
  [ "$(git rev-parse 'churn#production#1^{commit}')" = "$(git rev-parse 'churn@v1.0.0^{commit}')" ]
  run mlops model promote churn 1.1.0 production
  [[ "$output" == "Promoted churn 1.1.0 to production, replacing 1.0.0 (git tag churn#production#2)"* ]]
  [ "$(mlops model show 'churn#production' --json | jq -r .version)" = 1.1.0 ]
  mlops model promote -q churn 1.2.0 staging
  mlops model alias -q churn champion 1.1.0
  [ "$(mlops model show churn:champion --json | jq -r .version)" = 1.1.0 ]
  run mlops model alias churn champion 1.2.0
  [[ "$output" == "churn:champion is now 1.2.0 (was 1.1.0) (git tag churn@champion#5)"* ]]
  mlops model demote -q churn 1.2.0 staging
  [ -n "$(git tag -l 'churn#staging!#6')" ]
  mlops model unalias -q churn champion
  [ -n "$(git tag -l 'churn@champion!#7')" ]
  run mlops model show churn:champion
  [ "$status" -eq 4 ]
  # Archiving takes a version out of its stages; an archived version is not promoted.
  mlops model promote -q churn 1.1.0 archived
  [ "$(mlops model show churn@1.1.0 --json | jq -c .stages)" = '["archived"]' ]
  run mlops model promote churn 1.1.0 production
  [ "$status" -eq 5 ]
  [[ "$output" == *"churn@1.1.0 is archived and cannot be promoted"* ]]
  # archived holds any number of versions.
  mlops model promote -q churn 1.2.0 archived --no-git-tag
  [ "$(mlops model list --json | jq -c '.[0].stages.archived')" = '["1.1.0","1.2.0"]' ]
  mlops model demote -q churn 1.2.0 archived --no-git-tag
  run mlops model promote churn 1.0.0 qa
  [ "$status" -eq 2 ]
  [[ "$output" == *"unknown stage 'qa' (stages: dev, staging, production, archived)"* ]]
  run mlops model demote churn 1.0.0 staging
  [ "$status" -eq 4 ]
  # Custom stages, several versions per stage.
  mlops config model.stages dev,qa,prod
  mlops config model.versions-per-stage many
  mlops model promote -q churn 1.0.0 qa --no-git-tag
  mlops model promote -q churn 1.2.0 qa --no-git-tag
  [ "$(mlops model list --json | jq -c '.[0].stages.qa')" = '["1.0.0","1.2.0"]' ]
  [ "$(mlops model show 'churn#qa' --json | jq -r .version)" = 1.2.0 ]
  run mlops config model.stages 'Prod,,x'
  [ "$status" -eq 2 ]
  run mlops model history churn --json
  [ "$(jq -r '[.[].action] | join(",")' <<<"$output")" = "register,register,register,promote,demote,promote,promote,alias,alias,demote,unalias,demote,promote,promote,demote,promote,promote" ]
  [ "$(jq -r '.[4].detail' <<<"$output")" = "production (replaced by 1.1.0 in production)" ]
}

@test "get materialises a version by version, stage or alias; refuses to overwrite" {
  model_repo
  mlops model register -q churn models/churn.bin --version 1.0.0
  echo 'weights v2' > models/churn.bin
  mlops model register -q churn models/churn.bin --version 2.0.0
  mlops model promote -q churn 1.0.0 production
  mlops model alias -q churn challenger 2.0.0
  mlops model get churn#production -o out/prod.bin
  [ "$(cat out/prod.bin)" = "weights v1" ]
  mlops model get churn:challenger -o out/ch.bin
  [ "$(cat out/ch.bin)" = "weights v2" ]
  [ "$(stat -c %h out/ch.bin)" -eq 1 ]  # a copy, not a link into the store
  echo mine > out/keep.bin
  run mlops model get churn@1.0.0 -o out/keep.bin
  [ "$status" -eq 5 ]
  [ "$(cat out/keep.bin)" = mine ]
  mlops model get -q churn@1.0.0 -o out/keep.bin --force
  [ "$(cat out/keep.bin)" = "weights v1" ]
  mkdir -p models/tok && echo a > models/tok/vocab.txt && mkdir models/tok/sub && echo b > models/tok/sub/x.txt
  mlops model register -q tok models/tok
  mlops model get tok -o out/tok
  [ "$(cat out/tok/sub/x.txt)" = b ]
  # gc keeps every registered version.
  rm -rf models
  mlops gc -q --workspace
  mlops model get -q churn@2.0.0 -o out/again.bin
  [ "$(cat out/again.bin)" = "weights v2" ]
}

@test "lineage: run, params, metrics and data versions behind a version" {
  mlops init -q
  echo 'models/' > .gitignore
  echo rows > data.csv && mlops add -q data.csv
  git add -A && git commit -qm data
  export MLOPS
  mlops exp run -q -n train -p lr=0.01 -- sh -c 'mkdir -p models; echo w > models/m.bin;
    echo "{\"acc\": 0.91}" >> "$MLOPS_METRICS_FILE"; sleep 1.2;
    "$MLOPS" model register -q clf models/m.bin --no-git-tag'
  run mlops model lineage clf
  [ "$status" -eq 0 ]
  [[ "$output" == *"run        train ("*") "* ]]
  [[ "$output" == *"param      lr = 0.01"* ]]
  [[ "$output" == *"metric     acc = 0.91"* ]]
  [[ "$output" == *"data       data.csv  $(pointer_id data.csv.mlops)"* ]]
  [[ "$output" == *"code       git commit $(git rev-parse HEAD)"* ]]
  run mlops model lineage clf@0.1.0 --json
  [ "$(jq -r .run.name <<<"$output")" = train ]
  [ "$(jq -r .metrics.acc <<<"$output")" = 0.91 ]
}

@test "a fresh clone rebuilds the registry from the tags and gets models from the remote" {
  model_repo
  mlops remote add -q store "$BATS_TEST_TMPDIR/remote" --default
  git add -A && git commit -qm remote
  mlops model register -q churn models/churn.bin --version 1.0.0
  echo 'weights v2' > models/churn.bin
  mlops model register -q churn models/churn.bin --version 1.1.0
  mlops model promote -q churn 1.0.0 production
  mlops model promote -q churn 1.1.0 staging
  mlops model alias -q churn champion 1.0.0
  mlops model demote -q churn 1.1.0 staging
  mlops push -q
  expected=$(registry_state)
  git clone -q "$TEST_REPO" "$BATS_TEST_TMPDIR/clone"
  cd "$BATS_TEST_TMPDIR/clone"
  run mlops model list
  [[ "$output" == "No models yet"* ]]
  run mlops model sync
  [ "$status" -eq 0 ]
  [ "$output" = "Rebuilt 1 model from git tags: 2 versions, 6 events." ]
  [ "$(registry_state)" = "$expected" ]
  [ "$(mlops model history churn --json | jq -r '[.[].action] | join(",")')" = "register,register,promote,promote,alias,demote" ]
  # Running it again changes nothing.
  mlops model sync -q
  [ "$(registry_state)" = "$expected" ]
  # The content comes from the default remote.
  mlops model get churn:champion -o champion.bin
  [ "$(cat champion.bin)" = "weights v1" ]
  # A version registered by GTO alone (a tag without mlops's record) is listed, not fetchable.
  git tag -a other@v0.1.0 -m "Registering artifact other version v0.1.0"
  git tag -a 'other#prod#1' -m "Promoting"
  mlops model sync -q
  [ "$(mlops model show 'other#prod' --json | jq -r .version)" = 0.1.0 ]
  run mlops model get other -o other.bin
  [ "$status" -eq 7 ]
  [[ "$output" == *"other@0.1.0 was registered without mlops's record"* ]]
}

@test "concurrent registrations each get their own version and tag" {
  model_repo
  pids=()
  for i in 1 2 3 4 5 6; do
    "$MLOPS" model register -q churn models/churn.bin > "reg$i.out" 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  ! grep -i "error\|locked" reg*.out || false
  [ "$(mlops model versions churn --json | jq -r '[.[].version] | join(" ")')" = "0.1.0 0.1.1 0.1.2 0.1.3 0.1.4 0.1.5" ]
  [ "$(git tag -l 'churn@v*' | wc -l)" -eq 6 ]
}

@test "the example CI workflow passes the GitHub Actions schema check, and the example runs" {
  validator="$MLOPS_SOURCE_DIR/tests/workflows/node_modules/.bin/action-validator"
  [ -x "$validator" ] || { echo "run tests/install-deps.sh first" >&2; return 1; }
  workflow="$MLOPS_SOURCE_DIR/examples/model-registry/deploy-model.yml"
  run "$validator" "$workflow"
  [ "$status" -eq 0 ]
  # The checker is an oracle: a broken workflow fails it.
  sed 's/runs-on: ubuntu-latest/runs-onn: ubuntu-latest/' "$workflow" > broken.yml
  run "$validator" broken.yml
  [ "$status" -ne 0 ]
  # Its tag filters match the tags mlops makes.
  grep -q '"\*@v\*"' "$workflow"
  grep -q '"\*#\*#\*"' "$workflow"
  run "$MLOPS_SOURCE_DIR/examples/model-registry/run.sh" "$MLOPS"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Rebuilt 1 model from git tags: 2 versions, 4 events."* ]]
  [ "${lines[-1]}" = "weights lr=0.01" ]
}

#!/usr/bin/env bats
# Pipelines: mlops.yaml, mlops run (DAG order, skipping, run cache, parallel
# stages, failures, Ctrl-C), mlops.lock, mlops dag.
load helpers

# A diamond: prepare -> left, right -> join; join reads a param.
diamond() {
  mlops init -q
  printf 'scale: 2\nmodel:\n  depth: 3\n' > params.yaml
  seq 1 10 > raw.txt
  cat > mlops.yaml <<'YAML'
stages:
  prepare:
    cmd: mkdir -p data && awk '{print $1 * ${params.scale}}' raw.txt > data/prepared.txt && echo ran >> ../log.txt
    deps: [raw.txt]
    outs: [data/prepared.txt]
  left:
    cmd: head -5 data/prepared.txt > left.txt && echo ran >> ../log.txt
    deps: [data/prepared.txt]
    outs: [left.txt]
  right:
    cmd: tail -5 data/prepared.txt > right.txt && echo ran >> ../log.txt
    deps: [data/prepared.txt]
    outs: [right.txt]
  join:
    cmd: >-
      cat left.txt right.txt > joined.txt &&
      echo "{\"rows\": $(wc -l < joined.txt), \"depth\": $(sed -n 's/ *depth: //p' params.yaml)}" > metrics.json &&
      echo ran >> ../log.txt
    deps: [left.txt, right.txt]
    params: [model.depth]
    outs: [joined.txt]
    metrics: [metrics.json]
YAML
  git add -A && git commit -qm pipeline
  rm -f ../log.txt
}

runs() { [ -f ../log.txt ] && wc -l < ../log.txt || echo 0; }

@test "a diamond runs in dependency order, then nothing runs until something changes" {
  diamond
  run mlops run
  [ "$status" -eq 0 ]
  [ "$(grep -n 'ran in' <<<"$output" | cut -d' ' -f2 | tr '\n' ' ')" = "prepare left right join " ]
  [ "$(cat joined.txt | tr '\n' ' ')" = "2 4 6 8 10 12 14 16 18 20 " ]
  [ "$(runs)" -eq 4 ]
  [[ "$output" == *"Recorded as run "* ]]
  # Outputs are in the store, ignored by git, and in the lock file.
  [ -f "$(object_path "$(xxh_id joined.txt)")" ]
  grep -qx '/joined.txt' .gitignore
  grep -qx '/prepared.txt' data/.gitignore
  ! grep -q metrics.json .gitignore || false  # metrics stay for git
  grep -q "id: $(xxh_id raw.txt)" mlops.lock
  lock=$(cat mlops.lock)
  run mlops run
  [ "$output" = $'Stage prepare is up to date\nStage left is up to date\nStage right is up to date\nStage join is up to date' ]
  [ "$(runs)" -eq 4 ]
  [ "$(cat mlops.lock)" = "$lock" ]
  # A change at the top that does not change an output stops there.
  echo 11 >> raw.txt
  run mlops run
  [[ "$output" == *"Running stage prepare (raw.txt changed)"* ]]
  [[ "$output" == *"Running stage right (data/prepared.txt changed)"* ]]
  [[ "$output" == *"Running stage left (data/prepared.txt changed)"* ]]
  [[ "$output" == *"Running stage join (right.txt changed)"* ]]
  [ "$(runs)" -eq 8 ]
}

@test "params: a change reruns the stages that use them; -n says why without running" {
  diamond
  mlops run -q
  sed -i 's/depth: 3/depth: 4/' params.yaml
  run mlops run -n
  [ "$output" = $'Stage prepare is up to date\nStage left is up to date\nStage right is up to date\nWould run stage join: param model.depth changed (3 -> 4)' ]
  [ "$(runs)" -eq 4 ]
  mlops run -q
  [ "$(runs)" -eq 5 ]
  [ "$(jq .depth metrics.json)" -eq 4 ]
  # ${params.scale} is in prepare's command: the command changed.
  sed -i 's/scale: 2/scale: 3/' params.yaml
  run mlops run -n prepare
  [ "$output" = "Would run stage prepare: command changed" ]
  # The run is an experiment run with params and metrics.
  run mlops exp list --json --filter 'experiment = pipeline'
  [ "$(jq length <<<"$output")" -eq 2 ]
  [ "$(jq -r '.[0].params["model.depth"]' <<<"$output")" = 4 ]
  [ "$(jq -r '.[0].metrics.rows.last' <<<"$output")" = 10 ]
  [[ "$(jq -r '.[0].tags["stage.join"]' <<<"$output")" == "ran in "* ]]
  [ "$(jq -r '.[0].tags["data.raw.txt"]' <<<"$output")" = "$(xxh_id raw.txt)" ]
}

@test "deleted or changed outputs come back from the run cache, even from another branch" {
  diamond
  mlops run -q
  rm joined.txt metrics.json
  run mlops run
  [[ "$output" == *"Restored the outputs of stage join from the run cache (output joined.txt is missing; output metrics.json is missing)"* ]]
  [ "$(runs)" -eq 4 ]
  [ "$(wc -l < joined.txt)" -eq 10 ]
  git add -A && git commit -qm first
  git checkout -qb other
  sed -i 's/depth: 3/depth: 9/' params.yaml
  mlops run -q
  [ "$(runs)" -eq 5 ]
  git add -A && git commit -qm nine
  git checkout -q -
  [ "$(jq .depth metrics.json)" -eq 3 ]
  # The same change on this branch: what the other branch ran comes back.
  sed -i 's/depth: 3/depth: 9/' params.yaml
  run mlops run
  [[ "$output" == *"Restored the outputs of stage join from the run cache (param model.depth changed (3 -> 9))"* ]]
  [ "$(runs)" -eq 5 ]
  [ "$(jq .depth metrics.json)" -eq 9 ]
  # env is part of what a stage ran with.
  sed -i 's|^    params: \[model.depth\]|    params: [model.depth]\n    env: {SEED: "1"}|' mlops.yaml
  run mlops run -n join
  [[ "$output" == *"Would run stage join: env changed"* ]]
  git checkout -q mlops.yaml
  # --force runs anyway.
  mlops run -q --force join
  [ "$(runs)" -eq 9 ]  # join and what it depends on, as dvc repro -f does
}

@test "independent stages run in parallel with -j, their output kept apart" {
  mlops init -q
  cat > mlops.yaml <<'YAML'
stages:
  a:
    cmd: echo start-a; ./meet a b; echo end-a; echo a > a.txt
    outs: [a.txt]
  b:
    cmd: echo start-b; ./meet b a; echo end-b; echo b > b.txt
    outs: [b.txt]
  c:
    cmd: cat a.txt b.txt > c.txt
    deps: [a.txt, b.txt]
    outs: [c.txt]
YAML
  # A rendezvous instead of a stopwatch: each stage waits (up to 60 s) for
  # the other to have started, which happens only when both run at once.
  cat > meet <<'SH'
#!/bin/sh
: > "$MEET_DIR/started.$1"
i=0
while [ ! -e "$MEET_DIR/started.$2" ]; do
  i=$((i + 1)); [ "$i" -lt 1200 ] || { echo "stage $1 never ran alongside $2" >&2; exit 1; }
  sleep 0.05
done
SH
  chmod +x meet
  MEET_DIR=$BATS_TEST_TMPDIR run mlops run -j 2
  [ "$status" -eq 0 ]
  [[ "$output" == *$'--- output of stage a ---\nstart-a\nend-a'* ]]
  [[ "$output" == *$'--- output of stage b ---\nstart-b\nend-b'* ]]
  [ "$(cat c.txt | tr '\n' ' ')" = "a b " ]
}

@test "a failing stage stops its dependents; the others keep outputs and lock entries" {
  mlops init -q
  cat > mlops.yaml <<'YAML'
stages:
  good:
    cmd: echo good > good.txt
    outs: [good.txt]
  bad:
    cmd: echo partial > bad.txt; exit 3
    outs: [bad.txt]
  after:
    cmd: cat bad.txt > after.txt
    deps: [bad.txt]
    outs: [after.txt]
  also:
    cmd: cat good.txt > also.txt
    deps: [good.txt]
    outs: [also.txt]
YAML
  run mlops run -k
  [ "$status" -eq 9 ]  # a stage failed
  [[ "$output" == *"mlops: error: stage bad failed: exit code 3"* ]]
  [[ "$output" == *"Stage after skipped: stage bad did not succeed"* ]]
  [ -f also.txt ] && [ ! -f after.txt ]
  grep -q '^  good:' mlops.lock && grep -q '^  also:' mlops.lock
  ! grep -q '^  bad:' mlops.lock || false
  [ "$(mlops exp list --json | jq -r '.[0].status')" = failed ]
  # Without -k the run stops at the failure: nothing new starts.
  rm -f mlops.lock good.txt also.txt
  run mlops run
  [ "$status" -eq 9 ]
  [[ "$output" == *"skipped"* ]]
  # A stage that does not write its output fails.
  cat > mlops.yaml <<'YAML'
stages:
  lazy:
    cmd: "true"
    outs: [never.txt]
YAML
  run mlops run
  [ "$status" -eq 9 ]
  [[ "$output" == *"stage lazy failed: the command did not write its output never.txt"* ]]
  # A command a signal ended, with no signal sent to mlops (the out-of-memory
  # killer), failed: it was not interrupted. The run records exit code 9.
  cat > mlops.yaml <<'YAML'
stages:
  oom:
    cmd: kill -KILL $$
YAML
  run mlops run
  [ "$status" -eq 9 ]
  [[ "$output" == *"mlops: error: stage oom failed: ended by signal 9 (Killed)"* ]]
  [ "$(mlops exp list --json | jq -r '.[0].status')" = failed ]
  [ "$(mlops exp list --json | jq -r '.[0].exit_code')" = 9 ]
}

@test "bad pipelines are refused with the file, line, stage and field, and nothing runs" {
  mlops init -q
  refuses() {
    printf '%s\n' "$1" > mlops.yaml
    run mlops run
    [ "$status" -eq 4 ] || { echo "exit $status: $output"; return 1; }
    [[ "$output" == *"$2"* ]] || { echo "$output"; return 1; }
    [ ! -e mlops.lock ] && [ ! -e ran ]
  }
  refuses $'stages:\n  a:\n    cmd: touch ran; cat b > a\n    deps: [b]\n    outs: [a]\n  b:\n    cmd: touch ran; cat a > b\n    deps: [a]\n    outs: [b]' \
    "mlops.yaml: the stages form a cycle: "
  refuses $'stages:\n  a:\n    cmd: touch ran > x\n    outs: [x]\n  b:\n    cmd: touch ran\n    outs: [x]' \
    "stages a and b both write 'x'"
  refuses $'stages:\n  a:\n    cmd: touch ran\n    outs: [d]\n  b:\n    cmd: touch ran\n    outs: [d/inner]' \
    "outputs overlap: 'd' (a) and 'd/inner' (b)"
  refuses $'stages:\n  a:\n    cmd: touch ran\n    deps: [x]\n    outs: [x]' "stage a depends on its own output 'x'"
  refuses $'stages:\n  a:\n    cmd: touch ran\n    colour: red' "mlops.yaml:4: stage a: colour: unknown field"
  refuses $'stages:\n  a:\n    deps: [x]' "mlops.yaml:3: stage a: cmd: missing"
  refuses $'stages:\n  a:\n    cmd: touch ran\n    outs: [../outside]' "stage a: outs: '../outside' is not a path mlops may use: '..' leads out of the repository"
  refuses $'stages:\n  a:\n    cmd: echo ${nothing}' "mlops.yaml:3: stage a: cmd: \${nothing} names nothing"
  refuses $'stages:\n  a:\n    cmd: echo ${params.lr}' "params.yaml: the params file does not exist"
  refuses $'stages:\n  a:\n  cmd: [' "mlops.yaml:"
  # A few matrix axes could ask for billions of stages.
  refuses $'stages:\n  a:\n    matrix:\n      p: [0,1,2,3,4,5,6,7,8,9]\n      q: [0,1,2,3,4,5,6,7,8,9]\n      r: [0,1,2,3,4,5,6,7,8,9]\n      s: [0,1,2,3,4,5,6,7,8,9]\n      t: [0,1,2,3,4,5,6,7,8,9]\n      u: [0,1,2,3,4,5,6,7,8,9]\n      v: [0,1,2,3,4,5,6,7,8,9]\n      w: [0,1,2,3,4,5,6,7,8,9]\n      x: [0,1,2,3,4,5,6,7,8,9]\n    cmd: touch ran' \
    "mlops.yaml:4: stage a: matrix: expands to more than 10000 stages"
  # A dependency nothing makes is an input error before anything runs.
  printf 'stages:\n  a:\n    cmd: touch ran\n    deps: [missing.csv]\n' > mlops.yaml
  run mlops run
  [ "$status" -eq 4 ]
  [[ "$output" == *"stage a: dependency missing.csv does not exist, and no stage writes it"* ]]
  [ ! -e ran ]
  run mlops run nosuchstage
  [ "$status" -eq 2 ]
  [[ "$output" == *"no stage 'nosuchstage' in mlops.yaml"* ]]
}

@test "foreach and matrix stages, targets and --downstream" {
  mlops init -q
  printf 'sizes: 3\n' > params.yaml
  cat > mlops.yaml <<'YAML'
stages:
  make:
    foreach: [small, large]
    do:
      cmd: echo ${item} ${params.sizes} > ${item}.txt
      outs: ["${item}.txt"]
  grid:
    matrix:
      lr: [1, 2]
      depth: [a, b]
    cmd: echo ${lr}${depth} > grid-${lr}-${depth}.txt
    deps: [small.txt]
    outs: ["grid-${lr}-${depth}.txt"]
YAML
  run mlops dag --json
  [ "$(jq -r '[.[].stage] | join(" ")' <<<"$output")" = "make@small make@large grid@1-a grid@1-b grid@2-a grid@2-b" ]
  [ "$(jq -r '.[2].needs[0]' <<<"$output")" = make@small ]
  run mlops run make@large
  [ "$status" -eq 0 ]
  [ "$(cat large.txt)" = "large 3" ] && [ ! -e small.txt ]
  mlops run -q grid@2-b
  [ "$(cat grid-2-b.txt)" = 2b ] && [ ! -e grid-1-a.txt ]
  run mlops run -n make@small --downstream --force
  [ "$(grep -c 'Would run' <<<"$output")" -eq 5 ]
  run mlops dag --mermaid
  [[ "$output" == *'s0 --> s2'* ]]
  run mlops dag --dot
  [[ "$output" == *'"make@small" -> "grid@1-a";'* ]]
}

@test "Ctrl-C ends the running stage and stops the run" {
  mlops init -q
  cat > mlops.yaml <<'YAML'
stages:
  slow:
    cmd: sleep 30 && touch slow.txt
    outs: [slow.txt]
  next:
    cmd: cp slow.txt next.txt
    deps: [slow.txt]
    outs: [next.txt]
YAML
  setsid "$MLOPS" run > out.txt 2>&1 &
  pid=$!
  sleep 1
  kill -INT -- -"$pid"
  wait "$pid" || status=$?
  [ "$status" -eq 130 ]
  grep -q "stage slow interrupted" out.txt
  [ ! -e next.txt ]
  ! grep -q '^  slow:' mlops.lock 2>/dev/null || false
  [ "$(mlops exp list --json | jq -r '.[0].status')" = interrupted ]
}

@test "a SIGTERM sent to mlops run alone ends the running stages and stops the run" {
  mlops init -q
  cat > mlops.yaml <<'YAML'
stages:
  slow:
    cmd: sleep 41
  slower:
    cmd: sleep 42 && touch slower.txt
YAML
  # The shell of `sh -c` does not pass a signal on to what it started: the
  # stages' whole process groups must get it.
  # In a session of its own: the checks below see only this test's processes.
  setsid "$MLOPS" run -j 2 > out.txt 2>&1 &
  pid=$!
  wait_for 5 '[ "$(pgrep -s "$pid" -fc "^sleep 4[12]$")" -eq 2 ]'
  [ "$(pgrep -s "$pid" -fc '^sleep 4[12]$')" -eq 2 ]
  kill -TERM "$pid"  # mlops alone, not its process group
  SECONDS=0
  wait "$pid" || status=$?
  [ "$SECONDS" -lt 10 ]
  [ "$status" -eq 143 ]  # 128 + SIGTERM, as a shell reports a command the signal ended
  grep -q "stage slow interrupted" out.txt
  grep -q "stage slower interrupted" out.txt
  ! pgrep -s "$pid" -f "^sleep 4[12]$" || false
  [ "$(mlops exp list --json | jq -r '.[0].status')" = interrupted ]
}

@test "a stage command does not outlive mlops run killed with SIGKILL" {
  mlops init -q
  cat > mlops.yaml <<'YAML'
stages:
  slow:
    cmd: sleep 32 && touch slow.txt
YAML
  setsid "$MLOPS" run > out.txt 2>&1 &
  pid=$!
  wait_for 5 'pgrep -s "$pid" -f "^sleep 32$" >/dev/null'
  pgrep -s "$pid" -f '^sleep 32$'
  kill -KILL "$pid"
  wait "$pid" || true
  wait_for 5 '! pgrep -s "$pid" -f "^sleep 32$" >/dev/null'
  ! pgrep -s "$pid" -f '^sleep 32$' || false
  [ ! -e slow.txt ]
  # The next run starts the stage afresh and finishes it.
  sed -i 's/sleep 32/sleep 0.1/' mlops.yaml
  run mlops run
  [ "$status" -eq 0 ]
  [ -e slow.txt ]
}

@test "under nohup a hangup does not stop the run or its stages" {
  mlops init -q
  cat > mlops.yaml <<'YAML'
stages:
  slow:
    cmd: sleep 1.5 && touch slow.txt
    outs: [slow.txt]
YAML
  nohup setsid "$MLOPS" run > out.txt 2>&1 &
  pid=$!
  wait_for 5 'pgrep -s "$pid" -f "^sleep 1.5$" >/dev/null' || true
  kill -HUP "$pid"
  pkill -HUP -s "$pid" -f '^sleep 1.5$' || true
  wait "$pid"
  [ -e slow.txt ]
  grep -q "Stage slow ran" out.txt
}

@test "the example project runs end to end" {
  run "$MLOPS_SOURCE_DIR/examples/pipeline/run.sh" "$MLOPS"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Would run stage train: param train.lr changed (0.5 -> 0.1)"* ]]
  [[ "$output" == *"Restored the outputs of stage train from the run cache"* ]]
  [ "${lines[-1]}" = "pipeline: ok" ]
}

@test "status lists stale stages and why; params diff and metrics show/diff compare with git" {
  diamond
  run mlops status
  [[ "$output" == *"stage prepare: stale (never run)"* ]]
  run mlops status --exit-code
  [ "$status" -eq 1 ]
  mlops run -q
  git add -A && git commit -qm ran
  run mlops status --exit-code
  [ "$status" -eq 0 ]
  [[ "$output" == *"Pipeline is up to date (4 stages)."* ]]
  sed -i 's/depth: 3/depth: 7/' params.yaml
  run mlops status --json
  [ "$(jq -r '.stages[] | select(.stale) | .stage' <<<"$output")" = join ]
  [ "$(jq -r '.stages[3].reasons[0]' <<<"$output")" = "param model.depth changed (3 -> 7)" ]
  [ "$(jq -r .clean <<<"$output")" = false ]
  run mlops params diff
  [[ "${lines[0]}" =~ ^FILE\ +KEY\ +HEAD\ +workspace$ ]]
  [[ "${lines[1]}" =~ ^params\.yaml\ +model\.depth\ +3\ +7$ ]]
  [ "${#lines[@]}" -eq 2 ]
  run mlops params diff --all --json
  [ "$(jq -r '[.changes[].key] | join(" ")' <<<"$output")" = "model.depth scale" ]
  mlops run -q
  run mlops metrics show
  [[ "$output" == *"metrics.json  depth  7"* ]]
  run mlops metrics diff --json
  [ "$(jq -r '.changes[0].key' <<<"$output")" = depth ]
  [ "$(jq -r '.changes[0].change' <<<"$output")" = 4 ]
  git add -A && git commit -qm seven
  run mlops metrics diff HEAD~1 HEAD
  [[ "$output" == *"metrics.json  depth  3 "*"7 "*"+4"* ]]
  run mlops params diff nosuchrev
  [ "$status" -eq 2 ]
}

@test "params and metrics diff read each revision's own mlops.yaml, params.yaml always, and skip a file that does not parse" {
  mlops init -q
  printf 'lr: 0.1\n' > params.yaml
  printf 'depth: 3\n' > train.yaml
  echo '{"acc": 0.5}' > old_metrics.json
  # The older revision lists old_metrics.json and train.yaml at the top level.
  printf 'metrics: [old_metrics.json]\nparams: [train.yaml]\n' > mlops.yaml
  git add -A && git commit -qm old
  # The newer one lists another metrics file instead, and no params file.
  echo '{"acc": 0.9}' > new_metrics.json
  printf 'metrics: [new_metrics.json]\n' > mlops.yaml
  printf 'depth: 4\n' > train.yaml
  printf 'lr: 0.2\n' > params.yaml
  git add -A && git commit -qm new
  run mlops metrics diff HEAD~1 HEAD --json
  [ "$status" -eq 0 ]
  # Both files: each revision's own list, not the work tree's alone.
  [ "$(jq -r '[.changes[] | "\(.file):\(.old):\(.new)"] | join(" ")' <<<"$output")" = \
    "new_metrics.json:null:0.9" ]
  run mlops metrics diff HEAD~1 HEAD --all --json
  [ "$(jq -r '[.changes[].file] | join(" ")' <<<"$output")" = "new_metrics.json old_metrics.json" ]
  # A top-level params list does not hide params.yaml.
  run mlops params diff HEAD~1 HEAD --json
  [ "$status" -eq 0 ]
  [ "$(jq -r '[.changes[] | "\(.file):\(.key):\(.old):\(.new)"] | join(" ")' <<<"$output")" = \
    "params.yaml:lr:0.1:0.2 train.yaml:depth:3:4" ]
  # A metrics file that does not parse at one revision is left out, said, and the rest compared.
  printf 'metrics: [new_metrics.json, broken.json]\n' > mlops.yaml
  printf '{"loss": [1,\n' > broken.json
  echo '{"acc": 0.95}' > new_metrics.json
  git add -A && git commit -qm broken
  run mlops metrics diff HEAD~1 HEAD
  [ "$status" -eq 0 ]
  [[ "$output" == *"mlops: warning: HEAD:broken.json"*"left out"* ]]
  [[ "$output" =~ new_metrics\.json\ +acc\ +0\.9\ +0\.95 ]]
  # The work tree's own file still fails loudly where it is shown.
  run mlops metrics show
  [ "$status" -eq 4 ]
  [[ "$output" == *"broken.json"* ]]
  # A revision whose mlops.yaml does not parse: said, the other side still read.
  printf 'metrics: [new_metrics.json\n' > mlops.yaml
  git add -A && git commit -qm bad-yaml
  printf 'metrics: [new_metrics.json]\n' > mlops.yaml
  echo '{"acc": 0.99}' > new_metrics.json
  run mlops metrics diff HEAD
  [ "$status" -eq 0 ]
  [[ "$output" == *"mlops: warning: HEAD: mlops.yaml:"*"its files are not read there"* ]]
  [[ "$output" =~ new_metrics\.json\ +acc\ +0\.95\ +0\.99 ]]
}

@test "stages log step metrics into the pipeline's run; clashing names get the stage; a restore makes no run" {
  mlops init -q
  cat > mlops.yaml <<'YAML'
stages:
  train:
    cmd: >-
      for i in $(seq 0 99); do echo "{\"step\": $i, \"loss\": $(( 100 - i ))}" >> "$MLOPS_METRICS_FILE"; done &&
      mlops exp log param stage_saw "$MLOPS_RUN_ID" && echo trained > model.txt
    outs: [model.txt]
  eval:
    cmd: >-
      echo '{"loss": 5, "acc": 0.9}' >> "$MLOPS_METRICS_FILE" && cat model.txt > report.txt
    deps: [model.txt]
    outs: [report.txt]
YAML
  git add -A && git commit -qm pipeline
  PATH="$(dirname "$MLOPS"):$PATH" run mlops run
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(mlops exp list --json | jq length)" -eq 1 ]
  run_json=$(mlops exp list --json | jq '.[0]')
  id=$(jq -r .id <<<"$run_json")
  # exp log from inside a stage reached the same run.
  [ "$(jq -r '.params.stage_saw' <<<"$run_json")" = "$id" ]
  # Two stages logged loss: each keeps its own, by stage; acc is one stage's.
  [ "$(mlops exp export "$id" --csv | grep -c '^.*,train/loss,')" -eq 100 ]
  [ "$(jq -r '.metrics["train/loss"].last' <<<"$run_json")" = 1 ]
  [ "$(jq -r '.metrics["eval/loss"].last' <<<"$run_json")" = 5 ]
  [ "$(jq -r '.metrics.acc.last' <<<"$run_json")" = 0.9 ]
  [ ! -d ".mlops/runs/$id" ]
  # Outputs deleted and restored from the run cache: nothing ran, no new run.
  rm model.txt report.txt
  run mlops run
  [ "$status" -eq 0 ]
  [ "$(mlops exp list --json | jq length)" -eq 1 ]
  [ "$(cat report.txt)" = trained ]
}

@test "run -S sets params (and records them); exp apply brings a run's params, lock and outputs back" {
  mlops init -q
  printf 'train:\n  lr: 0.1\n  depth: 3\nother: x\n' > params.yaml
  cat > mlops.yaml <<'YAML'
stages:
  train:
    cmd: echo "lr=${params.train.lr}" > out.txt
    params: [train.lr]
    outs: [out.txt]
YAML
  git add -A && git commit -qm pipeline
  mlops run -q && git add -A && git commit -qm first
  first=$(mlops exp list --json | jq -r '.[0].name')
  run mlops run -S train.lr=0.5 -S extra.tags='[a, b]'
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"git add mlops.lock params.yaml"* ]]
  [ "$(cat out.txt)" = "lr=0.5" ]
  run python3 -c 'import yaml; d = yaml.safe_load(open("params.yaml")); print(d["train"]["lr"], d["train"]["depth"], d["other"], d["extra"]["tags"])'
  [ "$output" = "0.5 3 x ['a', 'b']" ]
  second=$(mlops exp list --json | jq -r '.[0].name')
  [ "$(mlops exp show "$second" --json | jq -r '.params["extra.tags"]')" = "[a, b]" ]
  [ "$(mlops exp show "$second" --json | jq -r '.params["train.lr"]')" = 0.5 ]
  # A value YAML would read as a comment is the text itself; null is spelled out.
  mlops run -q -S 'extra.note=#x' -S extra.none=null
  run python3 -c 'import yaml; d = yaml.safe_load(open("params.yaml")); print(d["extra"]["note"], d["extra"]["none"])'
  [ "$output" = "#x None" ]
  # --name and --tag with nothing to run say that no run was recorded.
  run mlops run --name nothing-ran --tag k=v
  [ "$status" -eq 0 ]
  [[ "$output" == *"no stage command ran, so no run was recorded"* ]]
  # Bad settings change nothing.
  refuses 2 "is not a file inside the repository" run -S '../x.yaml:a=1'
  refuses 4 "cannot set train: it is a mapping" run -S train=3
  refuses 2 "cannot go with --dry-run" run -n -S train.lr=1
  # Apply the first run: uncommitted params and lock are refused, then forced.
  refuses 5 "would overwrite changes not committed to git" exp apply "$first"
  run mlops exp apply "$first" --force
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(cat out.txt)" = "lr=0.1" ]
  git diff --quiet HEAD -- params.yaml mlops.lock
  run mlops status --exit-code
  [ "$status" -eq 0 ]
  # A run that is not a pipeline run has nothing to apply.
  mlops exp run -q -n plain -- true
  run mlops exp apply plain
  [ "$status" -eq 4 ]
  [[ "$output" == *"recorded no mlops.lock"* ]]
}

@test "a step metric named like a value of a metrics file keeps apart, under its stage" {
  mlops init -q
  cat > mlops.yaml <<'YAML'
stages:
  eval:
    cmd: >-
      echo '{"acc": 0.9}' >> "$MLOPS_METRICS_FILE" && echo '{"acc": 0.95}' > eval.json
    metrics: [eval.json]
YAML
  git add -A && git commit -qm pipeline
  run mlops run
  [ "$status" -eq 0 ]
  run_json=$(mlops exp list --json | jq '.[0]')
  [ "$(jq -r '.metrics.acc.last' <<<"$run_json")" = 0.95 ]
  [ "$(jq -r '.metrics["eval/acc"].last' <<<"$run_json")" = 0.9 ]
}

@test "top-level metrics and params files (DVCLive's dvc.yaml), alone or beside stages; metrics show FILE and --targets" {
  mlops init -q
  mkdir -p dvclive
  echo '{"acc": 0.8, "loss": 0.3}' > dvclive/metrics.json
  printf 'lr: 0.1\nepochs: 3\n' > dvclive/params.yaml
  cat > mlops.yaml <<'YAML'
metrics:
  - dvclive/metrics.json
params:
  - dvclive/params.yaml
YAML
  git add -A && git commit -qm dvclive
  run mlops metrics show
  [ "$status" -eq 0 ]
  [[ "$output" == *"dvclive/metrics.json"*"acc"*"0.8"* ]]
  echo '{"acc": 0.9, "loss": 0.3}' > dvclive/metrics.json
  printf 'lr: 0.2\nepochs: 3\n' > dvclive/params.yaml
  run mlops metrics diff --json
  [ "$status" -eq 0 ]
  python3 -c 'import json,sys; d=json.loads(sys.argv[1]); c=d["changes"]; assert [(x["key"], x["old"], x["new"]) for x in c] == [("acc", 0.8, 0.9)], c' "$output"
  run mlops params diff
  [[ "$output" == *"dvclive/params.yaml"*"lr"*"0.1"*"0.2"* ]]
  # Files named on the command line, as dvc's targets, with or without a pipeline.
  echo '{"f1": 0.5}' > other.json
  run mlops metrics show other.json
  [ "$status" -eq 0 ]
  [[ "$output" == *"other.json"*"f1"*"0.5"* && "$output" != *"acc"* ]]
  run mlops metrics diff --targets dvclive/metrics.json --targets other.json
  [[ "$output" == *"acc"* && "$output" == *"f1"* ]]
  # A file named that is not there is an error, not "no metrics yet" or "no changes".
  run mlops metrics show nosuch.json
  [ "$status" -eq 4 ]
  [[ "$output" == *"no such metrics file: nosuch.json"* ]]
  run mlops metrics diff --targets nosuch.json
  [ "$status" -eq 4 ]
  [[ "$output" == *"not in HEAD nor workspace: nosuch.json"* ]]
  mv mlops.yaml mlops.yaml.kept
  run mlops params diff --targets dvclive/params.yaml
  [[ "$output" == *"lr"* ]]
  # A file of lists alone: nothing to run, said.
  printf 'metrics:\n  - dvclive/metrics.json\n' > mlops.yaml
  run mlops run
  [ "$status" -eq 0 ]
  [[ "$output" == "No stages in mlops.yaml: nothing to run." ]]
  run mlops dag
  [[ "$output" == "No stages in mlops.yaml." ]]
  rm mlops.yaml
  # Beside stages too; a path out of the repository is refused with the line.
  printf 'stages:\n  t:\n    cmd: "true"\nmetrics:\n  - dvclive/metrics.json\n' > mlops.yaml
  run mlops metrics show
  [[ "$output" == *"acc"* ]]
  printf 'stages:\n  t:\n    cmd: "true"\nmetrics:\n  - ../x.json\n' > mlops.yaml
  run mlops metrics show
  [ "$status" -eq 4 ]
  [[ "$output" == *"mlops.yaml:5: metrics: '../x.json' is not a path mlops may use"* ]]
  printf 'stages:\n  t:\n    cmd: "true"\nartifacts: {}\n' > mlops.yaml
  run mlops metrics show
  [ "$status" -eq 4 ]
  [[ "$output" == *"unknown top-level field (only 'stages', 'plots', 'metrics' and 'params')"* ]]
}

@test "a params list is the same value however the file writes it: aliases, block or flow style (no stale stage)" {
  mlops init -q
  printf 'layers: [{n: 1}, {n: 1}]\nnames: [a b, "x,y"]\n' > params.yaml
  printf 'stages:\n  s:\n    cmd: echo > o\n    params: [layers, names]\n    outs: [o]\n' > mlops.yaml
  mlops run -q
  git add -A && git commit -qm a
  printf 'l: &l {n: 1}\nlayers: [*l, *l]\nnames:\n  - a b\n  - "x,y"\n' > params.yaml
  run mlops status
  [[ "$output" == *"Pipeline is up to date (1 stage)."* ]]
  run mlops params diff
  [[ "$output" == *"l.n"* && "$output" != *"layers"* && "$output" != *"names"* ]]
}

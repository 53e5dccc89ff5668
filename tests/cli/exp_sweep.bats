#!/usr/bin/env bats
# Sweeps (-p grids, -j, one parent group). Many runs logging at once: exp_stress.bats.
load helpers

@test "a sweep runs the grid, each combination a run in one parent group" {
  mlops init -q
  run mlops exp run -n grid -p lr=0.1,0.01 -p batch=32,64 -- \
    sh -c 'echo "lr={lr} batch=$MLOPS_PARAM_BATCH all=$MLOPS_PARAMS"; echo "{\"acc\": {lr}}" >> "$MLOPS_METRICS_FILE"'
  [ "$status" -eq 0 ]
  # -j 1: each run's output passes through, in grid order (first key slowest).
  [[ "$output" == *'lr=0.1 batch=32 all={"batch":"32","lr":"0.1"}'*'lr=0.1 batch=64'*'lr=0.01 batch=32'*'lr=0.01 batch=64'* ]]
  [[ "$output" == *"mlops: sweep grid ("*") finished: 4 of 4 finished"* ]]
  run mlops exp show grid --json
  [ "$(jq -r .status <<<"$output")" = finished ]
  [ "$(jq -r .params.lr <<<"$output")" = "0.1,0.01" ]
  [ "$(jq -r '.children | length' <<<"$output")" -eq 4 ]
  parent=$(jq -r .id <<<"$output")
  run mlops exp list --json --filter "parent = \"$parent\""
  [ "$(jq -r '[.[].name] | sort | join(" ")' <<<"$output")" = "grid-1 grid-2 grid-3 grid-4" ]
  [ "$(mlops exp show grid-3 --json | jq -r '.params | "\(.lr) \(.batch)"')" = "0.01 32" ]
  [ "$(mlops exp show grid-3 --json | jq -r .command)" = "sh -c 'echo \"lr=0.01 batch=\$MLOPS_PARAM_BATCH all=\$MLOPS_PARAMS\"; echo \"{\\\"acc\\\": 0.01}\" >> \"\$MLOPS_METRICS_FILE\"'" ]
  [ "$(mlops exp show grid-3 --json | jq -r .metrics.acc.last)" = 0.01 ]
  run mlops exp show grid
  [[ "$output" == *"runs of the sweep"*"grid-1 ("*") finished batch=32 lr=0.1"* ]]
}

@test "a parallel sweep: -j 2 keeps each run's output in its log, a failure fails the sweep" {
  mlops init -q
  run mlops exp run -n par -j 2 -p n=1,2,3 -- sh -c 'echo "out {n}"; sleep 0.5; [ {n} != 2 ]'
  [ "$status" -eq 1 ]
  [[ "$output" != *"out 1"* ]]  # not interleaved on the terminal
  [[ "$output" == *"mlops: sweep par ("*"): 3 runs over 2 jobs"* ]]
  [[ "$output" == *"run par-2 n=2 failed (exit code 1)"* ]]
  [[ "$output" == *"mlops: sweep par ("*") failed: 2 of 3 finished, 1 failed"* ]]
  [ "$(mlops exp show par --json | jq -r .status)" = failed ]
  [ "$(mlops exp show par-2 --json | jq -r .status)" = failed ]
  log=$(mlops exp show par-3 --json | jq -r '.artifacts["mlops.log"]')
  [ "$(cat "$(object_path "$log")")" = "out 3" ]
  # Two at a time: the three runs took two rounds, not three.
  started=$(mlops exp list --json --filter 'parent != ""' | jq '[.[].started_at] | sort | .[2] - .[0]')
  [ "$started" -ge 400 ]
}

@test "a parallel sweep prints the runs' warnings as -j 1 does; {name} in --artifact is each run's name" {
  mlops init -q
  for j in 1 2; do
    run mlops exp run -n "t/w$j" -j "$j" -p n=1,2 --artifact nope.bin --artifact 'runs/{name}/model.json' -- \
      sh -c 'mkdir -p "runs/$MLOPS_RUN_NAME" && echo "model {n}" > "runs/$MLOPS_RUN_NAME/model.json"'
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(grep -c 'artifact nope.bin does not exist; not recorded' <<<"$output")" -eq 2 ]
    for i in 1 2; do
      id=$(mlops exp show "t/w$j-$i" --json | jq -r '.artifacts["runs/t/w'"$j-$i"'/model.json"]')
      [ "$(cat "$(object_path "$id")")" = "model $i" ]
    done
  done
  [[ "$output" == *"mlops: warning: run t/w2-1: artifact nope.bin does not exist; not recorded"* ]]
  # {name} in the command and {KEY} in --artifact, as in the other.
  run mlops exp run -n p -p lr=0.1,0.2 --artifact 'out-{lr}.txt' -- sh -c 'echo "{name} {lr}" > out-{lr}.txt'
  [ "$status" -eq 0 ]
  [ "$(cat out-0.2.txt)" = "p-2 0.2" ]
  id=$(mlops exp show p-1 --json | jq -r '.artifacts["out-0.1.txt"]')
  [ "$(cat "$(object_path "$id")")" = "p-1 0.1" ]
  [ ! -e ".mlops/runs/$(mlops exp show t/w2 --json | jq -r .id)" ]
}

@test "Ctrl-C stops a sweep: no new run starts, the running one is interrupted" {
  mlops init -q
  setsid "$MLOPS" exp run -n stop -p n=1,2,3 -- sleep 30 &
  pid=$!
  wait_for 5 '[ "$(mlops exp list --json | jq length)" -ge 2 ]' || true
  sleep 0.3
  kill -INT -- -"$pid"  # the terminal signals the whole process group
  wait "$pid" || status=$?
  [ "$status" -eq 130 ]
  [ "$(mlops exp show stop --json | jq -r .status)" = interrupted ]
  [ "$(mlops exp show stop-1 --json | jq -r .status)" = interrupted ]
  run mlops exp show stop-2
  [ "$status" -eq 4 ]
}

@test "a SIGTERM to the sweep alone ends its runs' commands; exit 143" {
  mlops init -q
  setsid "$MLOPS" exp run -n term -j 2 -p n=1,2,3 -- sleep 34 &
  pid=$!
  wait_for 10 '[ "$(pgrep -s "$pid" -fc "^sleep 34$")" -eq 2 ]'
  kill -TERM "$pid"
  SECONDS=0
  wait "$pid" || status=$?
  [ "$SECONDS" -lt 10 ]
  [ "$status" -eq 143 ]
  ! pgrep -s "$pid" -f '^sleep 34$' || false
  [ "$(mlops exp show term --json | jq -r .status)" = interrupted ]
  run mlops exp show term-3
  [ "$status" -eq 4 ]  # never started
}

@test "bad sweeps change nothing" {
  mlops init -q
  before=$(snapshot)
  run mlops exp run -p lr=0.1,,0.2 -- true
  [ "$status" -eq 2 ]
  [[ "$output" == *"mlops: error: param lr: empty value in the list '0.1,,0.2'"* ]]
  run mlops exp run -p lr=1,2 -p lr=3 -- true
  [ "$status" -eq 2 ]
  [[ "$output" == *"param lr is given twice"* ]]
  run mlops exp run -p lr=1,2 -j 0 -- true
  [ "$status" -eq 2 ]
  assert_same_snapshot "$before" "$(snapshot)"
  [ "$(mlops exp list --json | jq length)" -eq 0 ]
  # "\," keeps a comma: one run, not a sweep.
  mlops exp run -q -n layers -p 'layers=64\,32' -- true
  [ "$(mlops exp show layers --json | jq -r .params.layers)" = "64,32" ]
  [ "$(mlops exp list --json | jq length)" -eq 1 ]
}

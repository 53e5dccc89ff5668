#!/usr/bin/env bats
# Experiment runs: exp run, exp log, exp list, exp show.
load helpers

# A training script that logs through $MLOPS_METRICS_FILE and `mlops exp log`.
write_train() {
  cat > train.py <<'PY'
import json, os, subprocess, sys
lr = float(sys.argv[1])
with open(os.environ["MLOPS_METRICS_FILE"], "a") as f:
    for step in range(3):
        f.write(json.dumps({"step": step, "loss": lr / (step + 1), "acc": 0.5 + step / 10}) + "\n")
    f.write("{broken json\n")
print("trained with", lr, "in run", os.environ["MLOPS_RUN_ID"])
print("to stderr", file=sys.stderr)
subprocess.run([os.environ["MLOPS"], "exp", "log", "metric", "f1", str(lr * 2)], check=True)
subprocess.run([os.environ["MLOPS"], "exp", "log", "param", "seed", "7"], check=True)
PY
}

@test "exp run records the run: params, tags, metrics by step, output, exit code, code and data versions" {
  mlops init -q
  write_train
  echo data > data.csv && mlops add -q data.csv
  git add -A && git commit -qm start
  export MLOPS
  run mlops exp run -n first -e tuning -p lr=0.1 --tag team=nlp -- python3 train.py 0.1
  [ "$status" -eq 0 ]
  [[ "$output" == *"trained with 0.1 in run "* ]]
  [[ "$output" == *"to stderr"* ]]
  [[ "$output" == *"mlops: warning: \$MLOPS_METRICS_FILE:4: not a JSON object; line skipped"* ]]
  [[ "$output" == *"mlops: run first ("*") finished in "* ]]
  run mlops exp show first --json
  [ "$(jq -r .status <<<"$output")" = finished ]
  [ "$(jq -r .experiment <<<"$output")" = tuning ]
  [ "$(jq -r .exit_code <<<"$output")" = 0 ]
  [ "$(jq -r .params.lr <<<"$output")" = 0.1 ]
  [ "$(jq -r .params.seed <<<"$output")" = 7 ]
  [ "$(jq -r .tags.team <<<"$output")" = nlp ]
  [ "$(jq -r '.tags["data.data.csv"]' <<<"$output")" = "$(pointer_id data.csv.mlops)" ]
  [ "$(jq -r .git_commit <<<"$output")" = "$(git rev-parse HEAD)" ]
  [ "$(jq -r .git_dirty <<<"$output")" = false ]
  [ "$(jq -r .metrics.loss.count <<<"$output")" -eq 3 ]
  [ "$(jq -r .metrics.loss.step <<<"$output")" -eq 2 ]
  [ "$(jq -r .metrics.acc.max <<<"$output")" = 0.7 ]
  [ "$(jq -r .metrics.f1.last <<<"$output")" = 0.2 ]
  [ "$(jq -r .peak_rss_kib <<<"$output")" -gt 0 ]
  id=$(jq -r .id <<<"$output")
  # Every step is kept, and the output is a stored artifact.
  [ "$(sqlite3 .mlops/state.db "SELECT group_concat(step) FROM metrics WHERE run_id = '$id' AND key = 'loss'")" = "0,1,2" ]
  log=$(sqlite3 .mlops/state.db "SELECT id FROM artifacts WHERE run_id = '$id' AND path = 'mlops.log'")
  grep -q "trained with 0.1" "$(object_path "$log")"
}

@test "exit codes, signals and a dirty tree are recorded" {
  mlops init -q
  git add -A && git commit -qm start
  run mlops exp run -n bad -- sh -c 'echo oops >&2; exit 3'
  [ "$status" -eq 3 ]
  [ "$(mlops exp show bad --json | jq -r .status)" = failed ]
  [ "$(mlops exp show bad --json | jq -r .exit_code)" = 3 ]
  run mlops exp run -n killed -- sh -c 'kill -KILL $$'
  [ "$status" -eq 137 ]
  [ "$(mlops exp show killed --json | jq -r .status)" = killed ]
  echo change >> .mlops/.gitignore
  mlops exp run -q -n dirty -- true
  [ "$(mlops exp show dirty --json | jq -r .git_dirty)" = true ]
  run -127 mlops exp run -- /no/such/command
  [[ "$output" == *"cannot run /no/such/command"* ]]
  run mlops exp run -n bad -- true
  [ "$status" -eq 2 ]
  [[ "$output" == *"a run named 'bad' exists already"* ]]
}

@test "Ctrl-C ends the command and records the run as interrupted" {
  mlops init -q
  # In a session of its own, so that the checks see only this test's processes;
  # the signal goes to mlops alone, which must pass it on.
  setsid "$MLOPS" exp run -n long -- sleep 31 &
  pid=$!
  wait_for 10 '[ "$(pgrep -s "$pid" -fc "^sleep 31$")" -eq 1 ]'
  kill -INT "$pid"
  SECONDS=0
  wait "$pid" || status=$?
  [ "$SECONDS" -lt 10 ]
  [ "$status" -eq 130 ]
  ! pgrep -s "$pid" -f '^sleep 31$' || false
  [ "$(mlops exp show long --json | jq -r .status)" = interrupted ]
}

@test "a SIGTERM to exp run ends everything its command started, not only the shell" {
  mlops init -q
  setsid "$MLOPS" exp run -n tree -- sh -c 'sleep 42; echo done' >/dev/null 2>&1 &
  pid=$!
  wait_for 10 '[ "$(pgrep -s "$pid" -fc "^sleep 42$")" -eq 1 ]'
  kill -TERM "$pid"
  SECONDS=0
  wait "$pid" || status=$?
  [ "$SECONDS" -lt 10 ]
  [ "$status" -eq 143 ]
  ! pgrep -f '^sleep 42$' || false
  [ "$(mlops exp show tree --json | jq -r .status)" != running ]
}

@test "a SIGTERM at any moment of exp run's start ends the command it starts" {
  mlops init -q
  for delay in 0 0.01 0.02 0.03 0.05 0.08 0.1 0.15 0.2 0.3; do
    setsid "$MLOPS" exp run -- sleep 33 >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -TERM "$pid"
    SECONDS=0
    status=0
    wait "$pid" || status=$?
    echo "delay $delay: exit $status after $SECONDS s"
    [ "$SECONDS" -lt 10 ]
    [ "$status" -eq 143 ]
    ! pgrep -s "$pid" -f '^sleep 33$' || false
  done
}

@test "--artifact and --metrics files are kept with the run" {
  mlops init -q
  run mlops exp run -n art --artifact model.bin --metrics final.json -- \
    sh -c 'echo weights > model.bin; echo "{\"auc\": 0.93, \"eval\": {\"f1\": 0.5}}" > final.json'
  [ "$status" -eq 0 ]
  run mlops exp show art --json
  [ "$(jq -r .metrics.auc.last <<<"$output")" = 0.93 ]
  [ "$(jq -r '.metrics["eval.f1"].last' <<<"$output")" = 0.5 ]
  id=$(sqlite3 .mlops/state.db "SELECT id FROM artifacts WHERE path = 'model.bin'")
  [ "$id" = "$(xxh_id model.bin)" ]
  [ "$(cat "$(object_path "$id")")" = weights ]
}

@test "exp list: table, sort, limit, JSON and CSV" {
  mlops init -q
  for lr in 0.1 0.3 0.2; do
    mlops exp run -q -n "lr-$lr" -p lr=$lr -- sh -c "echo '{\"acc\": $lr}' >> \"\$MLOPS_METRICS_FILE\""
  done
  run mlops exp list
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^ID\ +NAME\ +EXPERIMENT\ +STATUS\ +STARTED\ +DURATION\ +params\.lr\ +metrics\.acc$ ]]
  run mlops exp list --sort metrics.acc --desc --json
  [ "$(jq -r '[.[].name] | join(" ")' <<<"$output")" = "lr-0.3 lr-0.2 lr-0.1" ]
  run mlops exp list --sort params.lr --limit 2 --csv
  [ "${lines[0]}" = "id,name,experiment,status,started,duration,params.lr,metrics.acc" ]
  [ "${#lines[@]}" -eq 3 ]
  [[ "${lines[1]}" == *",lr-0.1,default,finished,"*",0.1,0.1" ]]
  run mlops exp list --sort colour
  [ "$status" -eq 2 ]
  run mlops exp list --json --filter 'metrics.acc > 0.15 and params.lr != 0.3'
  [ "$(jq -r '[.[].name] | join(" ")' <<<"$output")" = "lr-0.2" ]
  run mlops exp list --json --filter 'name = "lr-0.1" or (status = finished and metrics.acc >= 0.3)'
  [ "$(jq 'length' <<<"$output")" -eq 2 ]
  run mlops exp list --filter 'metrics.acc >'
  [ "$status" -eq 2 ]
  [[ "$output" == *"mlops: error: filter: expected a value after '>' at position 14"* ]]
}

@test "exp log outside a run, and runs found by id prefix" {
  mlops init -q
  run mlops exp log metric loss 1
  [ "$status" -eq 2 ]
  [[ "$output" == *"which run?"* ]]
  mlops exp run -q -n target -- true
  id=$(mlops exp show target --json | jq -r .id)
  mlops exp log metric loss 0.5 --run "${id:0:6}"
  mlops exp log metric loss 0.25 --run target
  [ "$(mlops exp show target --json | jq -r .metrics.loss.step)" -eq 1 ]
  run mlops exp log metric loss lots --run target
  [ "$status" -eq 2 ]
  run mlops exp show nosuchrun
  [ "$status" -eq 4 ]
}

@test "exp log inside a run goes through the run's journal; --sync and late loggers reach the database" {
  mlops init -q
  mlops exp run -q -n other -- true
  other=$(mlops exp show other --json | jq -r .id)
  export MLOPS other
  run mlops exp run -n inside -- sh -c '
    for v in 0.3 0.2 0.1; do "$MLOPS" exp log metric loss "$v"; done
    "$MLOPS" exp log metric acc 0.9 --step 7
    "$MLOPS" exp log param lr 0.01
    "$MLOPS" exp log tag team nlp
    echo "journal lines: $(wc -l < "$MLOPS_RUN_JOURNAL")"
    "$MLOPS" exp log --sync metric seen 1
    echo "seen inside: $("$MLOPS" exp show "$MLOPS_RUN_ID" --json | jq -r .metrics.seen.last)"
    MLOPS_RUN_ID=$other "$MLOPS" exp log metric borrowed 2
    (sleep 1; "$MLOPS" exp log metric late 5) >/dev/null 2>&1 &'
  [ "$status" -eq 0 ]
  [[ "$output" == *"journal lines: 6"* ]]
  [[ "$output" == *"seen inside: 1"* ]]
  id=$(mlops exp show inside --json | jq -r .id)
  [ ! -e ".mlops/runs/$id" ]
  [ "$(sqlite3 .mlops/state.db "SELECT group_concat(step || ':' || value) FROM (SELECT step, value FROM metrics WHERE run_id = '$id' AND key = 'loss' ORDER BY step)")" = "0:0.3,1:0.2,2:0.1" ]
  run mlops exp show inside --json
  [ "$(jq -r .metrics.acc.step <<<"$output")" -eq 7 ]
  [ "$(jq -r .params.lr <<<"$output")" = 0.01 ]
  [ "$(jq -r .tags.team <<<"$output")" = nlp ]
  [ "$(jq -r .metrics.borrowed <<<"$output")" = null ]
  [ "$(mlops exp show other --json | jq -r .metrics.borrowed.last)" = 2 ]
  # The background logger outlived the run: its value went to the database.
  wait_for 10 '[ "$(mlops exp show inside --json | jq -r .metrics.late.last)" = 5 ]'
  [ "$(mlops exp show inside --json | jq -r .metrics.late.last)" = 5 ]
}

@test "no value is lost when the run ends while loggers are still writing" {
  mlops init -q
  export MLOPS
  mlops exp run -q -n race -- sh -c '
    for w in 1 2; do (for i in $(seq 100); do "$MLOPS" exp log metric "w$w" "$i" --step "$i"; done; touch "done.$w") >/dev/null 2>&1 & done
    sleep 0.1'
  id=$(mlops exp show race --json | jq -r .id)
  # The loggers may take long under a sanitizer: wait until both have
  # finished, then every value must be in the database.
  wait_for 600 '[ -e done.1 ] && [ -e done.2 ]'
  wait_for 10 '[ "$(sqlite3 .mlops/state.db "SELECT count(*) FROM metrics WHERE run_id = '"'$id'"'")" -eq 200 ]'
  [ "$(sqlite3 .mlops/state.db "SELECT count(DISTINCT key || step) FROM metrics WHERE run_id = '$id'")" -eq 200 ]
  [ "$(sqlite3 .mlops/state.db "SELECT count(*) FROM metrics WHERE run_id = '$id'")" -eq 200 ]
  [ ! -e ".mlops/runs/$id" ]
}

@test "values are applied while the command runs, also after it closed its output" {
  mlops init -q
  export MLOPS
  "$MLOPS" exp run -q -n quiet -- sh -c 'exec >/dev/null 2>&1; "$MLOPS" exp log metric early 1; sleep 4' &
  pid=$!
  wait_for 3 '[ "$(mlops exp show quiet --json 2>/dev/null | jq -r .metrics.early.last)" = 1 ]'
  [ "$(mlops exp show quiet --json | jq -r .status)" = running ]
  [ "$(mlops exp show quiet --json | jq -r .metrics.early.last)" = 1 ]
  wait "$pid"
  [ "$(mlops exp show quiet --json | jq -r .status)" = finished ]
}

@test "a command whose exp run was killed logs straight to the database" {
  mlops init -q
  export MLOPS
  run mlops exp run -n orphaned -- sh -c '
    (sleep 1; "$MLOPS" exp log metric after 7) >/dev/null 2>&1 &
    kill -9 $PPID'
  wait_for 5 '[ "$(mlops exp show orphaned --json | jq -r .metrics.after.last)" = 7 ]'
  run mlops exp show orphaned --json
  [ "$(jq -r .metrics.after.last <<<"$output")" = 7 ]
  [ "$(jq -r .status <<<"$output")" = lost ]
  # exp rm takes away what the killed run left in .mlops/runs.
  id=$(jq -r .id <<<"$output")
  [ -d ".mlops/runs/$id" ]
  mlops -q exp rm orphaned
  [ ! -e ".mlops/runs/$id" ]
}

@test "exp log --run NAME from inside the run keeps the order of the calls" {
  mlops init -q
  export MLOPS
  mlops exp run -q -n ordered -- sh -c '
    "$MLOPS" exp log metric loss 0.5
    "$MLOPS" exp log metric loss 0.4 --run ordered
    "$MLOPS" exp log metric loss 0.3 --run "${MLOPS_RUN_ID%????????????????????????}"'
  id=$(mlops exp show ordered --json | jq -r .id)
  [ "$(sqlite3 .mlops/state.db "SELECT group_concat(step || ':' || value) FROM (SELECT step, value FROM metrics WHERE run_id = '$id' ORDER BY step)")" = "0:0.5,1:0.4,2:0.3" ]
}

@test "exp log refuses values that are not finite numbers" {
  mlops init -q
  mlops exp run -q -n target -- true
  for v in nan inf 1e999; do
    run mlops exp log metric loss "$v" --run target
    [ "$status" -eq 2 ]
    [[ "$output" == *"mlops: error: metric loss: '$v' is not a finite number"* ]]
  done
  [ "$(mlops exp show target --json | jq -r .metrics.loss)" = null ]
}

@test "gc keeps run artifacts and logs" {
  mlops init -q
  mkdir out
  mlops exp run -q -n keep --artifact model.bin --artifact out -- sh -c 'echo w > model.bin; echo a > out/a.txt; echo logged'
  rm -f model.bin out/a.txt
  run mlops gc --workspace
  [ "$status" -eq 0 ]
  [[ "$output" == *"Removed 0 objects"* ]]
  for id in $(sqlite3 .mlops/state.db "SELECT id FROM artifacts"); do [ -f "$(object_path "$id")" ]; done
  [ -f "$(object_path "$(xxh_id /dev/stdin <<<a)")" ]
}

@test "metrics without a step keep counting across live reads" {
  mlops init -q
  mlops exp run -q -n live -- sh -c 'echo "{\"loss\": 4}" >> "$MLOPS_METRICS_FILE"; echo "{\"loss\": 3}" >> "$MLOPS_METRICS_FILE";
    sleep 1.5; echo "{\"loss\": 2}" >> "$MLOPS_METRICS_FILE"; echo "{\"loss\": 1}" >> "$MLOPS_METRICS_FILE"'
  id=$(mlops exp show live --json | jq -r .id)
  [ "$(sqlite3 .mlops/state.db "SELECT group_concat(step || ':' || value) FROM (SELECT step, value FROM metrics WHERE run_id = '$id' ORDER BY step)")" = "0:4.0,1:3.0,2:2.0,3:1.0" ]
  [ "$(mlops exp show live --json | jq -r .metrics.loss.last)" = 1 ]
}

@test "exp tag, rename and rm" {
  mlops init -q
  mlops exp run -q -n one -- sh -c 'echo one; echo "{\"acc\": 1}" >> "$MLOPS_METRICS_FILE"' >/dev/null
  mlops exp run -q -n two -- echo two >/dev/null
  mlops exp tag one team=nlp stage=final
  [ "$(mlops exp show one --json | jq -r .tags.stage)" = final ]
  run mlops exp tag one not-a-pair
  [ "$status" -eq 2 ]
  run mlops exp rename one first
  [ "$status" -eq 0 ]
  [ "$output" = "renamed one ($(mlops exp show first --json | jq -r .id | cut -c1-8)) to first" ]
  run mlops exp rename first two
  [ "$status" -eq 2 ]
  [[ "$output" == *"a run named 'two' exists already"* ]]
  # One unknown run: nothing is removed.
  run mlops exp rm first nosuchrun
  [ "$status" -eq 4 ]
  [ "$(mlops exp list --json | jq length)" -eq 2 ]
  id=$(mlops exp show first --json | jq -r .id)
  run mlops exp rm first two
  [ "$status" -eq 0 ]
  [ "$(mlops exp list --json | jq length)" -eq 0 ]
  [ "$(sqlite3 .mlops/state.db "SELECT count(*) FROM metrics WHERE run_id = '$id'")" -eq 0 ]
  [ "$(sqlite3 .mlops/state.db "SELECT count(*) FROM latest_metrics")" -eq 0 ]
  # Their logs, and the uncommitted diff both ran with, are no longer kept by gc.
  run mlops gc --workspace
  [[ "$output" == *"Removed 3 objects"* ]]
}

@test "many exp log calls keep the state database's WAL small" {
  # Regression: the WAL outlived each process and SQLite could never restart
  # it, so it grew by every call (4 MB after 300) and each call got slower.
  # 150 calls: 2 MB then, five times the bound.
  mlops init -q
  mlops exp run -q -n many -- true
  for i in $(seq 150); do mlops exp log metric loss "$i" --run many; done
  wal=$(stat -c %s .mlops/state.db-wal)
  [ "$wal" -lt 400000 ]
  [ "$(mlops exp show many --json | jq -r '.metrics.loss.last')" = 150 ]
  [ "$(sqlite3 .mlops/state.db "SELECT count(*) FROM metrics WHERE key = 'loss'")" = 150 ]
}

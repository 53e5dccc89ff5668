#!/usr/bin/env bats
# Many mlops processes on one repository at once: adds of different paths,
# experiment runs logging metrics, gc and status, all together. Nothing may be
# lost: every add is tracked, ignored and in the store, every point logged is
# there, fsck is clean and no process meets "database is locked".
load helpers

@test "concurrent adds, exp logging, gc and status lose nothing" {
  mlops init -q
  git add -A && git commit -qm init
  for n in 1 2 3 4 5 6; do make_files "data$n" 300; echo "unique $n" > "data$n/own.txt"; done
  cat > train.sh <<'SH'
for i in $(seq 500); do echo "{\"step\": $i, \"loss\": $i}" >> "$MLOPS_METRICS_FILE"; done
for i in $(seq 20); do "$MLOPS" exp log metric calls "$i"; done
SH
  export MLOPS
  pids=()
  for n in 1 2 3 4 5 6; do
    "$MLOPS" add -q "data$n" > "add$n.log" 2>&1 & pids+=($!)
  done
  for r in 1 2 3; do
    "$MLOPS" exp run -q -n "run$r" -- sh train.sh > "run$r.log" 2>&1 & pids+=($!)
  done
  ( for _ in 1 2 3 4 5; do "$MLOPS" gc -w -q || exit 1; done ) > gc.log 2>&1 & pids+=($!)
  ( for _ in 1 2 3 4 5; do "$MLOPS" status > /dev/null || exit 1; "$MLOPS" exp list > /dev/null || exit 1; done ) \
    > readers.log 2>&1 & pids+=($!)
  failed=0
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  cat ./*.log
  [ "$failed" -eq 0 ]
  ! grep -qi "locked" ./*.log || false
  # Every add: pointer, .gitignore entry, objects, and the files unchanged.
  for n in 1 2 3 4 5 6; do
    [ -f "data$n.mlops" ]
    grep -qx "/data$n" .gitignore
  done
  run mlops fsck
  echo "$output"
  [ "$status" -eq 0 ]
  run mlops status --exit-code
  [ "$status" -eq 0 ]
  # gc ran alongside: what the pointers name is all still there.
  rm -rf data1 data6
  mlops checkout -q
  [ "$(cat data6/own.txt)" = "unique 6" ]
  [ "$(cat data1/f299.txt)" = "file 299 of data1" ]
  # Every point of every run.
  for r in 1 2 3; do
    [ "$(mlops exp show "run$r" --json | jq -r .status)" = finished ]
    id=$(mlops exp show "run$r" --json | jq -r .id)
    [ "$(sqlite3 .mlops/state.db "SELECT count(*) FROM metrics WHERE run_id = '$id' AND key = 'loss'")" = 500 ]
    [ "$(sqlite3 .mlops/state.db "SELECT count(*) FROM metrics WHERE run_id = '$id' AND key = 'calls'")" = 20 ]
  done
}

#!/usr/bin/env bats
# Scale: many runs logging at once while others read. Release build only
# (tests/CMakeLists.txt): 80,000 points through 8 processes and 200 listings
# exercise no code the sanitizers do not already see in exp*.bats, at five
# times the cost under them.
load helpers

@test "8 runs logging 10,000 points each at once, with exp list in a loop: nothing locked, nothing lost" {
  mlops init -q
  cat > writer.py <<'PY'
import json, os, subprocess, sys, time
with open(os.environ["MLOPS_METRICS_FILE"], "a", buffering=1) as f:
    for step in range(10000):
        f.write(json.dumps({"step": step, "loss": 1.0 / (step + 1)}) + "\n")
        if step % 2500 == 0:
            time.sleep(0.4)  # so that live reads interleave with the others' writes
for i in range(20):  # and separate processes writing through exp log
    subprocess.run([os.environ["MLOPS"], "exp", "log", "metric", "extra", str(i)], check=True)
PY
  export MLOPS
  (for _ in $(seq 200); do "$MLOPS" exp list --limit 3 > /dev/null || echo "list failed"; done) > lister.out 2>&1 &
  lister=$!
  pids=()
  for i in 1 2 3 4 5 6 7 8; do
    "$MLOPS" exp run -q -n "w$i" -- python3 writer.py > "w$i.out" 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  wait "$lister"
  ! grep -i "locked\|busy\|error\|failed" w*.out lister.out || false
  for i in 1 2 3 4 5 6 7 8; do
    run mlops exp show "w$i" --json
    [ "$(jq -r .status <<<"$output")" = finished ]
    [ "$(jq -r .metrics.loss.count <<<"$output")" -eq 10000 ]
    [ "$(jq -r .metrics.loss.step <<<"$output")" -eq 9999 ]
    [ "$(jq -r .metrics.extra.count <<<"$output")" -eq 20 ]
    [ "$(jq -r .metrics.extra.step <<<"$output")" -eq 19 ]
  done
  [ "$(sqlite3 .mlops/state.db "SELECT count(*) FROM metrics")" -eq 80160 ]
  [ "$(sqlite3 .mlops/state.db "SELECT count(DISTINCT run_id || key || step) FROM metrics")" -eq 80160 ]
}

#!/usr/bin/env bats
# Reading runs back: exp show (machine, diff, artifacts), list --columns and
# best marks, compare, diff, best, export, plot; exp log artifact.
load helpers

# Three runs with a loss curve each; lr=0.05 ends lowest, lr=0.2 has the
# lowest loss at some step but ends highest.
three_runs() {
  mlops init -q
  cat > train.py <<'PY'
import json, os, sys
lr = float(sys.argv[1])
with open(os.environ["MLOPS_METRICS_FILE"], "a") as f:
    for s in range(10):
        loss = {0.1: 1.0 - s * 0.05, 0.05: 1.0 - s * 0.08, 0.2: 0.1 + abs(s - 3) * 0.2}[lr]
        f.write(json.dumps({"step": s, "loss": loss, "acc": lr * s}) + "\n")
PY
  git add -A && git commit -qm train
  for lr in 0.1 0.05 0.2; do mlops exp run -q -n "lr$lr" -p lr=$lr -p seed=1 -- python3 train.py $lr; done
}

@test "exp show: machine, uncommitted diff as a stored patch, artifacts" {
  mlops init -q
  echo 'print(1)' > train.py
  git add -A && git commit -qm start
  mlops exp run -q -n clean -- true
  [ "$(mlops exp show clean --json | jq -r .git_dirty)" = false ]
  [ "$(mlops exp show clean --json | jq -r .git_diff)" = null ]
  echo 'print(2)' > train.py
  echo 'notes' > untracked.txt
  mlops exp run -q -n dirty -- true
  run mlops exp show dirty --json
  [ "$(jq -r .git_dirty <<<"$output")" = true ]
  [ "$(jq -r .cpus <<<"$output")" -eq "$(nproc)" ]
  [ "$(jq -r .memory_bytes <<<"$output")" -gt 0 ]
  [[ "$(jq -r .os <<<"$output")" == *"Linux"* ]]
  [ -n "$(jq -r .cpu <<<"$output")" ]
  [ "$(jq -r .host <<<"$output")" = "$(hostname)" ]
  diff_id=$(jq -r .git_diff <<<"$output")
  [ -f "$(object_path "$diff_id")" ]
  run mlops exp show dirty --diff
  [[ "$output" == *"-print(1)"* ]]
  [[ "$output" == *"+print(2)"* ]]
  [[ "$output" == *"+++ b/untracked.txt"* ]]
  # The patch applies back onto the commit.
  mlops exp show dirty --diff > ../run.patch
  git stash -q -u
  git apply ../run.patch
  [ "$(cat train.py)" = 'print(2)' ]
  [ "$(cat untracked.txt)" = notes ]
  run mlops exp show dirty
  [[ "$output" == *"+ uncommitted changes (mlops exp show --diff dirty)"* ]]
  [[ "$output" == *"machine    "*"Linux"*"memory"* ]]
  # gc keeps the patch.
  mlops gc -q --workspace
  [ -f "$(object_path "$diff_id")" ]
}

@test "exp log artifact keeps a file or folder with the run" {
  mlops init -q
  mlops exp run -q -n art -- sh -c 'echo w > model.bin; mkdir -p out; echo a > out/a.txt;
    "$MLOPS" exp log artifact model.bin && "$MLOPS" exp log artifact out'
  run mlops exp show art --json
  [ "$(jq -r '.artifacts["model.bin"]' <<<"$output")" = "$(xxh_id model.bin)" ]
  [ "$(jq -r '.artifacts.out' <<<"$output")" != null ]
  rm -rf model.bin out
  mlops gc -q --workspace
  [ "$(cat "$(object_path "$(xxh_id /dev/stdin <<<a)")")" = a ]
  run mlops exp log artifact missing.bin --run art
  [ "$status" -eq 4 ]
  [[ "$output" == *"mlops: error: missing.bin: no such file or folder"* ]]
  run mlops exp log artifact a b --run art
  [ "$status" -eq 2 ]
  run mlops exp log metric loss --run art
  [ "$status" -eq 2 ]
  [[ "$output" == *"needs a KEY and a VALUE"* ]]
}

@test "exp list: --columns, best values and marks" {
  three_runs
  run mlops exp list
  [[ "${lines[0]}" =~ ^ID\ +NAME\ +EXPERIMENT\ +STATUS\ +STARTED\ +DURATION\ +params\.lr\ +params\.seed\ +metrics\.acc\ +metrics\.loss\ +best\.loss$ ]]
  # Lowest final loss: lr0.05 (0.28); lowest loss at any step: lr0.2 (0.1); highest acc: lr0.2 (1.8).
  [[ "$(grep '^[0-9a-f]* *lr0.05 ' <<<"$output")" == *" 0.28* "* ]]
  [[ "$(grep '^[0-9a-f]* *lr0.2 ' <<<"$output")" == *" 1.8* "*" 0.1*" ]]
  [[ "$output" == *"* best in its column"* ]]
  run mlops exp list --columns 'name, params.*,best.loss,min.acc' --sort best.loss
  [ "${lines[0]}" = "NAME    params.lr  params.seed  best.loss  min.acc" ]
  [[ "${lines[1]}" == "lr0.2 "* ]]
  run mlops exp list --columns name,metrics.loss --sort metrics.loss --csv
  [ "${lines[0]}" = "name,metrics.loss" ]
  [ "${lines[1]}" = "lr0.05,0.28" ]
  run mlops exp list --columns name,colour
  [ "$status" -eq 2 ]
  [[ "$output" == *"--columns: unknown column 'colour'"* ]]
  run mlops exp list --json --filter 'best.loss < 0.2'
  [ "$(jq -r '[.[].name] | join(" ")' <<<"$output")" = "lr0.2" ]
  [ "$(jq -r '.[0].metrics.loss.goal' <<<"$output")" = min ]
  [ "$(jq -r '.[0].metrics.acc.goal' <<<"$output")" = max ]
  [ "$(jq -r '.[0].metrics.loss.best' <<<"$output")" = 0.1 ]
}

@test "exp compare: side by side, differences and best marked" {
  three_runs
  run mlops exp compare lr0.1 lr0.05 lr0.2
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^\ +KEY\ +lr0\.1\ +lr0\.05\ +lr0\.2$ ]]
  [[ "$output" == *"≠  params.lr "*"0.1 "*"0.05 "*"0.2"* ]]
  [[ "$output" == *$'\n   params.seed '* ]]  # the same everywhere: not marked
  [[ "$(grep 'metrics.loss' <<<"$output")" =~ 0\.55\ +0\.28\*\ +1\.3$ ]]
  run mlops exp compare lr0.1 lr0.05 --json
  [ "$(jq -r '.rows[] | select(.key == "metrics.loss") | .best[0]' <<<"$output")" = lr0.05 ]
  [ "$(jq -r '.rows[] | select(.key == "params.seed") | .differs' <<<"$output")" = false ]
  run mlops exp compare lr0.1
  [ "$status" -eq 2 ]
  run mlops exp compare lr0.1 nosuch
  [ "$status" -eq 4 ]
}

@test "exp diff: changed params and metrics with their change" {
  three_runs
  run mlops exp diff lr0.1 lr0.05
  [ "$status" -eq 0 ]
  [[ "$output" == *"params.lr "*"0.1 "*"0.05"* ]]
  [[ "$output" == *"metrics.loss "*"0.55 "*"0.28 "*"-0.27"* ]]
  [[ "$output" != *"params.seed"* ]]
  run mlops exp diff lr0.1 lr0.05 --all
  [[ "$output" == *"params.seed"* ]]
  run mlops exp diff lr0.1 lr0.05 --json
  [ "$(jq -r '.changes[] | select(.key == "metrics.acc") | .change' <<<"$output")" = "-0.45" ]
  run mlops exp diff lr0.1 lr0.1
  [ "$output" = "No differences between lr0.1 and lr0.1." ]
}

@test "exp best: by final value or any step, goal by name or flag" {
  three_runs
  run mlops exp best -m loss
  [[ "$output" == "lr0.05 ("*")  loss = 0.28  (lowest of 3 runs)" ]]
  run mlops exp best -m loss --any-step
  [[ "$output" == "lr0.2 ("* ]]
  run mlops exp best -m acc
  [[ "$output" == "lr0.2 ("*"highest of 3 runs)" ]]
  run mlops exp best -m acc --min --filter 'params.lr != 0.2'
  [[ "$output" == "lr0.05 ("* ]]
  [ "$(mlops -q exp best -m loss)" = "$(mlops exp show lr0.05 --json | jq -r .id)" ]
  [ "$(mlops exp best -m loss --json | jq -r .best.value)" = 0.28 ]
  run mlops exp best -m f1
  [ "$status" -eq 4 ]
  [[ "$output" == *"no run has a metric 'f1'"* ]]
  run mlops exp best -m loss --min --max
  [ "$status" -eq 2 ]
}

@test "exp export: every point as JSON or CSV" {
  three_runs
  run mlops exp export lr0.1 lr0.2
  [ "$(jq length <<<"$output")" -eq 2 ]
  [ "$(jq -r '.[0].history.loss | length' <<<"$output")" -eq 10 ]
  [ "$(jq -r '.[0].history.loss[9].value' <<<"$output")" = 0.55 ]
  mlops exp export --csv -o points.csv
  [ "$(head -1 points.csv)" = "run_id,run_name,experiment,metric,step,value,timestamp_ms" ]
  [ "$(wc -l < points.csv)" -eq 61 ]
  grep -q ",lr0.05,default,loss,9,0.28," points.csv
  run mlops exp export --filter 'params.lr = 0.05' --json
  [ "$(jq -r '.[0].name' <<<"$output")" = lr0.05 ]
}

@test "exp plot: terminal chart, SVG and HTML files" {
  three_runs
  run mlops exp plot lr0.1 lr0.05 lr0.2 -m loss --width 60 --height 8
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *"loss" ]]
  [[ "$output" == *"[1] lr0.1"*"[2] lr0.05"*"[3] lr0.2"* ]]
  [[ "$output" == *"1.3 ┤"* ]]  # the highest value labels the top
  # Drawn in braille dots, and no line wider than asked.
  printf '%s\n' "$output" | python3 -c "
import sys
text = sys.stdin.buffer.read().decode()
assert sum(0x2800 < ord(c) <= 0x28ff for c in text) > 30
assert max(len(l) for l in text.splitlines()) <= 60
"
  mlops exp plot lr0.1 lr0.2 -m loss -o chart.svg
  python3 -c "
import xml.etree.ElementTree as E
root = E.parse('chart.svg').getroot()
ns = '{http://www.w3.org/2000/svg}'
assert root.tag == ns + 'svg'
lines = root.findall(ns + 'polyline')
assert len(lines) == 2, lines
assert len(lines[0].get('points').split()) == 10
assert [t.text for t in root.iter(ns + 'title')] == ['lr0.1', 'lr0.2']
"
  mlops exp plot lr0.1 -m acc -o chart.html
  grep -q '<svg' chart.html
  grep -q '<title>mlops: acc</title>' chart.html
  ! grep -q 'http[s]*://[^w]' chart.html || false  # self-contained: nothing loaded from elsewhere
  run mlops exp plot lr0.1 -m loss -o chart.png
  [ "$status" -eq 2 ]
  run mlops exp plot lr0.1 -m f1
  [ "$status" -eq 4 ]
  [[ "$output" == *"no metric 'f1' in lr0.1"* ]]
  run mlops exp plot lr0.1 -m loss
  [ "$status" -eq 0 ]
}

#!/usr/bin/env bats
# mlops plots show / diff: the pipeline's plots files (JSON, JSON lines, CSV,
# TSV; images) as line, scatter, bar and confusion charts, in the terminal
# and as a page (checked in headless Chromium), one revision or several.
load helpers

setup() {
  fresh_repo
  mlops init -q
  python3 -c 'import json; print(json.dumps({"train": [{"step": i, "loss": round(1 / (i + 1), 4), "acc": i / 20} for i in range(20)]}))' > loss.json
  printf 'actual,predicted\ncat,cat\ncat,dog\ndog,dog\ndog,dog\n"bird, small",cat\n' > confusion.csv
  printf 'feature\timportance\nage\t0.5\nincome\t0.3\n' > importance.tsv
  printf '\x89PNG\r\n\x1a\nnot really' > roc.png
  cat > mlops.yaml <<'YAML'
stages:
  train:
    cmd: "true"
    plots: [loss.json, importance.tsv, roc.png]
YAML
  git add -A && git commit -qm start
}

@test "plots show: the stages' plots files in the terminal, with the fields chosen" {
  run mlops plots show --width 60
  [ "$status" -eq 0 ]
  [[ "$output" == *"loss.json"* ]]
  [[ "$output" == *"[1] acc"* ]]        # the last field is y by default; step is x
  [[ "$output" == *"step"* ]]
  [[ "$output" == *"importance.tsv"* ]]
  [[ "$output" == *"row"* ]]            # no step field: the row number
  [[ "$output" == *"roc.png: an image"* ]]
  run mlops plots show loss.json -y loss,acc --width 60
  [[ "$output" == *"[1] loss"* && "$output" == *"[2] acc"* ]]
  # The chart's top and bottom labels are the data's extremes (1 and 0.05).
  run mlops plots show loss.json -y loss --width 60
  [[ "$output" == *"1 ┤"* ]]
  [[ "$output" == *"0.05 ┤"* ]]
}

@test "plots show: bar and confusion templates count what the file holds" {
  run mlops plots show importance.tsv -t bar -x feature --width 60
  [ "$status" -eq 0 ]
  [[ "$output" == *"age"*"0.5"* ]]
  [[ "$output" == *"income"*"0.3"* ]]
  run mlops plots show confusion.csv -t confusion
  [ "$status" -eq 0 ]
  # Counts of actual × predicted, read independently with python's csv module.
  python3 - "$output" <<'PY'
import csv, sys, collections
counts = collections.Counter((r["actual"], r["predicted"]) for r in csv.DictReader(open("confusion.csv")))
lines = sys.argv[1].splitlines()[1:]
header = [c for c in lines[0].split("  ") if c.strip()][1:]
assert [h.strip() for h in header] == ["bird, small", "cat", "dog"], header
for line in lines[1:]:
    cells = [c.strip() for c in line.split("  ") if c.strip()]
    actual, nums = cells[0], [int(x) for x in cells[1:]]
    for pred, n in zip(["bird, small", "cat", "dog"], nums):
        assert counts[(actual, pred)] == n, (actual, pred, n)
PY
}

@test "plots diff: HEAD and the workspace overlaid; a page with every chart opens in a browser" {
  sed -i 's/0.5/0.7/' importance.tsv
  run mlops plots diff --targets importance.tsv -t bar -x feature --width 60
  [ "$status" -eq 0 ]
  [[ "$output" == *"0.5  HEAD"* ]]
  [[ "$output" == *"0.7  workspace"* ]]
  run mlops plots diff -o plots
  [ "$status" -eq 0 ]
  [ -f plots/index.html ]
  cmp plots/1-roc.png roc.png
  timeout 90 chromium --headless=new --no-sandbox --disable-gpu --no-first-run --user-data-dir="$BATS_TEST_TMPDIR/chrome" \
    --enable-logging=stderr --v=0 --dump-dom "file://$PWD/plots/index.html" >"$BATS_TEST_TMPDIR/dom" 2>"$BATS_TEST_TMPDIR/log"
  ! grep -E ':CONSOLE' "$BATS_TEST_TMPDIR/log"
  [ "$(grep -o '<svg' "$BATS_TEST_TMPDIR/dom" | wc -l)" -eq 2 ]
  grep -qF '<img src="1-roc.png"' "$BATS_TEST_TMPDIR/dom"
  grep -qF '>HEAD<' "$BATS_TEST_TMPDIR/dom"
  grep -qF '>workspace<' "$BATS_TEST_TMPDIR/dom"
  # Two revisions named: those two.
  git commit -qam "importance changed"
  run mlops plots diff HEAD~1 HEAD --targets importance.tsv -t bar -x feature --width 60
  [[ "$output" == *"0.5  HEAD~1"* && "$output" == *"0.7  HEAD"* ]]
}

@test "plots: bad files, fields and templates are refused with the file and line named, nothing written" {
  printf 'a,b\n1,2\n3\n' > ragged.csv
  run mlops plots show ragged.csv -o out
  [ "$status" -eq 4 ]
  [[ "$output" == *"ragged.csv:3: 1 fields, but the header has 2"* ]]
  [ ! -e out ]
  printf 'a,b\n"1,2\n' > open.csv
  run mlops plots show open.csv
  [ "$status" -eq 4 ]
  [[ "$output" == *"open.csv:2: a quoted field is not closed"* ]]
  echo '{"a": [1, 2], "b": [3]}' > two.json
  run mlops plots show two.json
  [ "$status" -eq 4 ]
  [[ "$output" == *"more than one array"* ]]
  run mlops plots show loss.json -y nope
  [ "$status" -eq 4 ]
  [[ "$output" == *"no field 'nope' (fields: step, loss, acc)"* ]]
  run mlops plots show loss.json -t pie
  [ "$status" -eq 2 ]
  [[ "$output" == *"'pie' is not line, scatter, bar or confusion"* ]]
  printf 'step,loss\n1,abc\n' > text.csv
  run mlops plots show text.csv
  [ "$status" -eq 4 ]
  [[ "$output" == *"field 'loss' has 'abc', not a number"* ]]
  run mlops plots show nosuch.csv
  [ "$status" -eq 4 ]
  [[ "$output" == *"no such plots file: nosuch.csv"* ]]
  printf '\x1b[31m<b>,y\n1,2\n' > 'odd<name>.csv'
  run mlops plots show 'odd<name>.csv' -o page
  [ "$status" -eq 0 ]
  ! grep -q '<b>' page/index.html
  ! grep -q $'\x1b' page/index.html
  rm mlops.yaml
  run mlops plots show
  [ "$status" -eq 2 ]
  [[ "$output" == *"no plots: name the files"* ]]
}

@test "plots: mlops.yaml gives each plot its fields, template and names; the command line overrides them" {
  printf 'actual,predicted\ncat,cat\ndog,cat\n' > pairs.csv
  echo '[{"r": 0, "p": 1}, {"r": 1, "p": 0.5}]' > train_pr.json
  echo '[{"rc": 0, "pr": 0.9}, {"rc": 1, "pr": 0.2}]' > test_pr.json
  cat > mlops.yaml <<'YAML'
stages:
  train:
    cmd: "true"
    plots:
      - loss.json: {x: step, y: [loss], template: linear, title: Training loss, y_label: cross-entropy}
      - importance.tsv: {x: feature, y: importance, template: bar_horizontal_sorted}
plots:
  - pairs.csv: {template: confusion}
  - Precision-Recall:
      x: {train_pr.json: r, test_pr.json: rc}
      y: {train_pr.json: p, test_pr.json: pr}
      template: scatter
  - importance.tsv: {x: feature, y: importance, template: bar, title: Feature importance}
YAML
  run mlops plots show --width 70
  [ "$status" -eq 0 ]
  # Top-level plots first, then the stages' files not among them (importance.tsv is one of them: drawn once).
  python3 - "$output" <<'PY'
import sys
out = sys.argv[1]
order = [out.index(t) for t in ["pairs.csv (workspace)", "Precision-Recall", "Feature importance", "Training loss"]]
assert order == sorted(order), order
assert out.count("income") == 1, out
assert "[1] train_pr.json" in out and "[2] test_pr.json" in out, out
assert "cross-entropy" in out and "[1] loss" in out, out
PY
  # The command line over mlops.yaml: another template, title and field.
  run mlops plots show loss.json -y acc --title Accuracy --width 70
  [ "$status" -eq 0 ]
  [[ "$output" == *"Accuracy"* && "$output" == *"[1] acc"* && "$output" != *"Training loss"* ]]
  run mlops plots show loss.json -t scatter --width 70
  [[ "$output" == *"Training loss"* ]]
  # As a page: the names are in the SVG, the y name rotated beside the axis.
  run mlops plots show -o page
  [ "$status" -eq 0 ]
  grep -qF '>Training loss</text>' page/index.html
  grep -qF 'rotate(-90' page/index.html
  grep -qF '>Precision-Recall</text>' page/index.html
  # Across revisions: each file of a plot at each revision.
  git add -A && git commit -qm plots
  echo '[{"rc": 0, "pr": 0.95}, {"rc": 1, "pr": 0.3}]' > test_pr.json
  run mlops plots diff --targets Precision-Recall --width 70
  [ "$status" -eq 0 ]
  [[ "$output" == *"HEAD train_pr.json"* && "$output" == *"workspace test_pr.json"* ]]
}

@test "plots: bad plot properties in mlops.yaml are refused with the line named" {
  bad() {
    printf '%s\n' "$1" > mlops.yaml
    run mlops plots show
    [ "$status" -eq 4 ]
    [[ "$output" == *"$2"* ]] || { echo "$output"; return 1; }
  }
  bad $'stages:\n  t:\n    cmd: "true"\n    plots:\n      - loss.json: {colour: red}' \
    "mlops.yaml:5: stage t: plots: loss.json: colour: unknown plot property"
  bad $'stages:\n  t:\n    cmd: "true"\n    plots:\n      - loss.json: {template: pie}' \
    "mlops.yaml:5: stage t: plots: loss.json: template: 'pie' is not line, scatter, bar or confusion"
  bad $'stages:\n  t:\n    cmd: "true"\n    plots:\n      - loss.json: {x: [a, b]}' "x: names one field"
  bad $'stages:\n  t:\n    cmd: "true"\nplots:\n  - ../up.csv' "mlops.yaml:5: plots: '../up.csv' is not a path mlops may use"
  bad $'stages:\n  t:\n    cmd: "true"\nplots:\n  - a.csv\n  - a.csv' "two plots are named 'a.csv'"
  bad $'stages:\n  t:\n    cmd: "true"\nplots:\n  - N: {x: {a.csv: x}}' "maps files to fields only when y does too"
  bad $'stages:\n  t:\n    cmd: "true"\nplots:\n  - N: {x: {a.csv: x}, y: {b.csv: y}}' "names no field of b.csv"
  bad $'stages:\n  t:\n    cmd: "true"\nplots:\n  - N: {y: {/etc/passwd: y}}' "'/etc/passwd' is not a path mlops may use"
  bad $'stages:\n  t:\n    cmd: "true"\nplots: {a: b}' "plots: must be a list"
  bad $'stages:\n  t:\n    cmd: "true"\nextra: 1' "unknown top-level field (only 'stages' and 'plots')"
  # A file named still draws, with a warning, when mlops.yaml is broken.
  run mlops plots show loss.json --width 60
  [ "$status" -eq 0 ]
  [[ "$output" == *"warning: mlops.yaml:4: extra: unknown top-level field"* ]]
}

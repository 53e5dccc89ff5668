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
  [[ "$output" == *"feature  importance"* ]]     # the axes' names
  [[ "$output" == *"age"*"0.5"* ]]
  [[ "$output" == *"income"*"0.3"* ]]
  run mlops plots show importance.tsv -t bar_horizontal -y feature -x importance --x-label weight -o bars
  grep -q '>feature</text>' bars/index.html && grep -q '>weight</text>' bars/index.html
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
  echo '{"a": [1, 2], "b": {"c": [3]}}' > two.json
  run mlops plots show two.json
  [ "$status" -eq 4 ]
  [[ "$output" == *"two.json: no list of rows"* ]]
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
order = [out.index(t) for t in ["pairs.csv\n", "Precision-Recall", "Feature importance", "Training loss"]]
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
  bad $'stages:\n  t:\n    cmd: "true"\nplots:\n  - N: {x: {a.csv: x}, y: {b.csv: y}}' "x: gives no field for b.csv"
  bad $'stages:\n  t:\n    cmd: "true"\nplots:\n  - N: {y: {/etc/passwd: y}}' "'/etc/passwd' is not a path mlops may use"
  bad $'stages:\n  t:\n    cmd: "true"\nplots: {a: b}' "plots: must be a list"
  bad $'stages:\n  t:\n    cmd: "true"\nextra: 1' "unknown top-level field (only 'stages', 'plots', 'metrics' and 'params')"
  # A broken mlops.yaml is an error even for a file named (its properties would be lost unseen).
  run mlops plots show loss.json --width 60
  [ "$status" -eq 4 ]
  [[ "$output" == *"mlops.yaml:4: extra: unknown top-level field"* ]]
  bad $'stages:\n  t:\n    cmd: "true"\nplots:\n  - N: {x: {a.csv: x, c.csv: x}, y: {a.csv: y}}' "x: names c.csv, a file y does not"
  bad $'stages:\n  t:\n    cmd: "true"\n    plots: [a.csv]\nplots:\n  - a.csv: {y: {b.csv: v}}' \
    "mlops.yaml:6: plots: 'a.csv' names a plots file of stage t"
  bad $'stages:\n  t:\n    cmd: "true"\nplots:\n  - ./a.csv\n  - a.csv' "two plots are named 'a.csv'"
  echo "lr: 1" > params.yaml
  bad $'stages:\n  t:\n    cmd: "true"\nplots:\n  - N: {y: {a.csv: "${params.nope}"}}' "\${params.nope} names nothing"
}

@test "plots: DVC's bar_horizontal (x the length, y the name), sorted; confusion_normalized as shares; field names in the header" {
  printf 'feature,importance\nzip,0.1\nage,0.5\nincome,-0.3\n' > imp.csv
  run mlops plots show imp.csv -t bar_horizontal -x importance -y feature --width 60
  [ "$status" -eq 0 ]
  [[ "$output" == *"zip"*"0.1"* ]]
  run mlops plots show imp.csv -t bar_horizontal_sorted -x importance -y feature --width 60
  [ "$status" -eq 0 ]
  # Longest first; a negative length is drawn apart from a positive one.
  python3 - "$output" <<'PY'
import sys
lines = [l for l in sys.argv[1].splitlines()[2:] if l.strip()]   # after the title and the axes' names
assert [l.split()[0] for l in lines] == ["age", "zip", "income"], lines
assert "░" in lines[2] and "█" not in lines[2] and "█" in lines[0], lines
PY
  printf 'truth,guess\na,a\na,b\na,b\nb,b\n' > pairs.csv
  run mlops plots show pairs.csv -t confusion_normalized -x truth -y guess
  [ "$status" -eq 0 ]
  [[ "$output" == *"truth \\ guess"* ]]
  python3 - "$output" <<'PY'
import sys
rows = {l.split()[0]: l.split()[1:] for l in sys.argv[1].splitlines()[2:] if l.strip()}
assert rows["a"] == ["0.33", "0.67"], rows
assert rows["b"] == ["0.00", "1.00"], rows
PY
}

@test "plots after the reviews: a bad plot does not stop the others; BOM, header-only and deep files; names from a subfolder" {
  printf '\xef\xbb\xbfstep,l\n0,1\n1,0.5\n' > bom.csv
  run mlops plots show bom.csv --width 60
  [ "$status" -eq 0 ]
  [[ "$output" == *"step"* && "$output" == *"[1] l"* ]]
  printf 'step,v\n' > empty.csv
  python3 -c "d=100000; open('deep.jsonl','w').write('{\"step\":0,\"v\":1,\"junk\":'+'['*d+']'*d+'}\\n')"
  printf 'step,v\n0,%s\n' "$(head -c 5000 /dev/zero | tr '\0' x)" > long.csv
  run mlops plots show empty.csv deep.jsonl long.csv bom.csv --width 60
  [ "$status" -eq 4 ]
  [[ "$output" == *"empty.csv: no rows with a value to draw"* ]]
  [[ "$output" == *"deep.jsonl: nested more than 64 levels deep"* ]]
  [[ "$output" == *"long.csv: field 'v' has 'xxxxx"*"…', not a number"* ]]
  [ "${#output}" -lt 5000 ]
  [[ "$output" == *"[1] l"* ]]   # drawn all the same
  # A named plot is found from a subfolder, as typed.
  cat >> mlops.yaml <<'YAML'
plots:
  - Both: {y: {bom.csv: l, loss.json: loss}}
YAML
  mkdir -p sub && cd sub
  run mlops plots show Both --width 60
  [ "$status" -eq 0 ]
  [[ "$output" == *"[1] bom.csv"* && "$output" == *"[2] loss.json"* ]]
  cd ..
  # Empty revisions and folders are refused; a revision named twice is drawn once.
  run mlops plots diff ''
  [ "$status" -eq 2 ]
  run mlops plots show -o ''
  [ "$status" -eq 2 ]
  run mlops plots diff HEAD HEAD --targets loss.json --width 60
  [ "$status" -eq 0 ]
  [[ "$output" == *"[1] acc"* && "$output" != *"[2]"* ]]
  # A file only one revision has: said, and the series still named by its revision.
  git add bom.csv && git commit -qm bom && git rm -q --cached bom.csv && git commit -qm "bom gone" && echo
  run mlops plots diff HEAD~1 HEAD --targets bom.csv --width 60
  [ "$status" -eq 0 ]
  [[ "$output" == *"bom.csv: not in HEAD (drawn from the other only)"* ]]
  [[ "$output" == *"[1] HEAD~1"* ]]
}

@test "plots, hostile: links out of the repository are not read; control bytes do not reach the page" {
  ln -s /etc/passwd pw.png
  echo 'step,v' > "$BATS_TEST_TMPDIR/outside.csv"; echo '0,1' >> "$BATS_TEST_TMPDIR/outside.csv"
  ln -s "$BATS_TEST_TMPDIR/outside.csv" out.csv
  mkdir -p "$BATS_TEST_TMPDIR/od" && cp "$BATS_TEST_TMPDIR/outside.csv" "$BATS_TEST_TMPDIR/od/s.csv"
  ln -s "$BATS_TEST_TMPDIR/od" od
  cat > mlops.yaml <<'YAML'
stages:
  t:
    cmd: "true"
    plots: [pw.png, out.csv, od/s.csv, loss.json]
YAML
  run mlops plots show -o page
  [ "$status" -eq 4 ]
  [[ "$output" == *"pw.png: pw.png is a symbolic link (not followed"* ]]
  [[ "$output" == *"out.csv: out.csv is a symbolic link"* ]]
  [[ "$output" == *"od/s.csv: od is a symbolic link"* ]]
  ! grep -rq "root:" page
  [ "$(ls page)" = index.html ]
  grep -qF '>loss.json</text>' page/index.html
  # Titles and fields with control bytes: U+FFFD on the page (paths with them are refused).
  printf 'step,v\033[31m\007\n0,1\n1,2\n' > c.csv
  run mlops plots show c.csv -o page2 --title "$(printf 't\033]0;x\007')"
  [ "$status" -eq 0 ]
  grep -qF 't�]0;x�' page2/index.html
  ! grep -q $'\x1b' page2/index.html
  ! grep -q $'\x07' page2/index.html
  # metrics diff reads the work tree the same way.
  ln -s /etc/passwd metrics.json
  printf 'stages:\n  t:\n    cmd: "true"\n    metrics: [metrics.json]\n' > mlops.yaml
  run mlops metrics diff
  [ "$status" -eq 4 ]
  [[ "$output" == *"metrics.json is a symbolic link"* ]]
  [[ "$output" != *"root:"* ]]
}

@test "plots diff: a plots file git does not keep (gitignored, as DVC projects have them) is read from the store by mlops.lock" {
  cat > mlops.yaml <<'YAML'
stages:
  train:
    cmd: python3 -c "import sys; n=int(open('n.txt').read()); open('curve.csv','w').write('step,v\n'+''.join(f'{i},{i*n}\n' for i in range(5)))"
    deps: [n.txt]
    plots: [curve.csv]
YAML
  echo 1 > n.txt
  echo /curve.csv >> .gitignore
  mlops run -q
  git add -A && git commit -qm "n=1"
  ! git ls-files --error-unmatch curve.csv 2>/dev/null
  echo 2 > n.txt
  mlops run -q
  run mlops plots diff --width 60
  [ "$status" -eq 0 ]
  [[ "$output" == *"[1] HEAD"* && "$output" == *"[2] workspace"* ]]
  [[ "$output" != *"not in HEAD"* ]]
  # The page has both lines; HEAD's values are the first run's (4 at step 4), the workspace's the second's (8).
  run mlops plots diff -o page
  [ "$status" -eq 0 ]
  [ "$(grep -o '<polyline' page/index.html | wc -l)" -eq 2 ]
  # A crafted mlops.lock at a revision (bad id; malformed) is not followed: the file is just not there.
  sed -i 's/\(id: *\)[0-9a-z:]*/\1xxh128:zz/' mlops.lock
  git commit -qam "bad id"
  run mlops plots diff --width 60
  [ "$status" -eq 0 ]
  [[ "$output" == *"curve.csv: not in HEAD (drawn from the other only)"* ]]
  printf 'stages: [\n' > mlops.lock
  git commit -qam "malformed lock"
  run mlops plots diff --width 60
  [ "$status" -eq 0 ]
  [[ "$output" == *"curve.csv: not in HEAD"* ]]
}

@test "plots: a folder of plots (DVCLive's), in git or a stage's gitignored output, each file a plot with the folder's properties" {
  mkdir -p dvclive/plots/metrics/train dvclive/plots/metrics/eval
  printf 'step\tloss\n0\t0.9\n1\t0.5\n2\t0.2\n' > dvclive/plots/metrics/train/loss.tsv
  printf 'step\tacc\n0\t0.1\n1\t0.7\n' > dvclive/plots/metrics/eval/acc.tsv
  echo 'not a plot' > dvclive/plots/metrics/README.txt
  cat > mlops.yaml <<'YAML'
stages:
  train:
    cmd: "true"
    plots:
      - dvclive/plots/metrics: {x: step, title: Training, y_label: value}
YAML
  run mlops plots show --width 60
  [ "$status" -eq 0 ]
  [[ "$output" == *"Training: eval/acc.tsv"* && "$output" == *"Training: train/loss.tsv"* ]]   # each file its plot
  [[ "$output" != *"README"* ]]
  [[ "$output" == *"value"* ]]
  run mlops plots show dvclive/plots/metrics -o page
  [ "$status" -eq 0 ]
  [ "$(grep -o '<polyline' page/index.html | wc -l)" -eq 2 ]
  # In git at a revision, and changed in the work tree: both drawn.
  git add -A && git commit -qm dvclive
  printf 'step\tacc\n0\t0.2\n1\t0.9\n' > dvclive/plots/metrics/eval/acc.tsv
  run mlops plots diff --targets dvclive/plots/metrics --width 60
  [ "$status" -eq 0 ]
  [[ "$output" == *"[1] HEAD"* && "$output" == *"[2] workspace"* ]]
  # A file that exists only at one side is drawn from that side.
  printf 'step\tf1\n0\t0.3\n' > dvclive/plots/metrics/eval/f1.tsv
  run mlops plots diff --targets dvclive/plots/metrics --width 60
  [ "$status" -eq 0 ]
  [[ "$output" == *"eval/f1.tsv: not in HEAD (drawn from the other only)"* ]]
  # A link inside the folder is not followed: that plot is refused, the others drawn.
  ln -s /etc/passwd dvclive/plots/metrics/eval/secret.csv
  run mlops plots show dvclive/plots/metrics -o page2
  [ "$status" -eq 4 ]
  [[ "$output" == *"secret.csv is a symbolic link"* ]]
  [ "$(grep -o '<polyline' page2/index.html | wc -l)" -eq 2 ]
  ! grep -q root page2/index.html
  rm dvclive/plots/metrics/eval/secret.csv
  # The folder itself behind a link: refused.
  ln -s "$PWD/dvclive/plots/metrics" linked
  run mlops plots show linked
  [ "$status" -eq 4 ]
  [[ "$output" == *"linked is a symbolic link"* ]]
  # A folder of more than 1000 plots files is refused, not walked into a page of thousands.
  mkdir many
  (cd many && for i in $(seq 0 1000); do printf 'a,b\n1,2\n' > "$i.csv"; done)
  run mlops plots show many
  [ "$status" -eq 4 ]
  [[ "$output" == *"many: more than 1000 plots files in the folder"* ]]
  # An empty folder: said, nothing drawn.
  mkdir empty
  run mlops plots show empty
  [[ "$output" == *"empty: a folder with no plots files in it"* ]]
}

@test "plots: a folder that is a stage's gitignored output is read at a revision from the store by mlops.lock" {
  cat > mlops.yaml <<'YAML'
stages:
  train:
    cmd: python3 train.py
    deps: [n.txt, train.py]
    plots: [live/plots]
YAML
  cat > train.py <<'PY'
import os
n = int(open("n.txt").read())
os.makedirs("live/plots/sub", exist_ok=True)
open("live/plots/loss.csv", "w").write("step,loss\n" + "".join(f"{i},{i * n}\n" for i in range(4)))
open("live/plots/sub/acc.json", "w").write('[{"step": 0, "acc": %d}, {"step": 1, "acc": %d}]' % (n, 2 * n))
PY
  echo 1 > n.txt
  echo /live >> .gitignore
  mlops run -q
  git add -A && git commit -qm "n=1"
  ! git ls-files --error-unmatch live/plots/loss.csv 2>/dev/null
  grep -q 'kind: dir' mlops.lock
  echo 3 > n.txt
  mlops run -q
  run mlops plots diff --width 60
  [ "$status" -eq 0 ]
  [[ "$output" == *"live/plots/loss.csv"* && "$output" == *"live/plots/sub/acc.json"* ]]
  [[ "$output" != *"not in HEAD"* ]]
  [ "$(grep -c '\[1\] HEAD' <<< "$output")" -eq 2 ]
  # HEAD's values are the first run's: acc 1 and 2 (the workspace's 3 and 6).
  run mlops plots diff HEAD -o page
  [ "$status" -eq 0 ]
  [ "$(grep -o '<polyline' page/index.html | wc -l)" -eq 4 ]
  run mlops plots show live/plots/sub/acc.json --width 60
  [[ "$output" == *"6 ┤"* ]]
}

@test "plots: YAML files, and JSON holding several lists (the first with the fields drawn, at any depth)" {
  cat > roc.yaml <<'YAML'
roc:
  - {fpr: 0, tpr: 0}
  - {fpr: 0.5, tpr: 0.8}
  - {fpr: 1, tpr: 1}
YAML
  run mlops plots show roc.yaml -x fpr -y tpr --width 60
  [ "$status" -eq 0 ]
  [[ "$output" == *"fpr"* && "$output" == *"1 ┤"* ]]
  # An x label that fits between the axis' end values is drawn, however narrow the chart.
  run mlops plots show roc.yaml -x fpr -y tpr --x-label "False Positive Rate" --width 40
  [[ "$output" == *"0       False Positive Rate       1"* ]]
  # A scatter's legend shows a dot, and its points sit inside the frame (the range is padded).
  run mlops plots show roc.yaml -x fpr -y tpr -t scatter -o sc
  [ "$status" -eq 0 ]
  grep -q '<circle cx="[0-9.]*" cy="[0-9.]*" r="4"' sc/index.html
  ! grep -q 'stroke-width="3"' sc/index.html
  python3 - <<'PY'
import re
page = open("sc/index.html").read()
frame = re.search(r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="none"', page)
x, y, w, h = map(float, frame.groups())
for cx, cy in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="2.5"', page):
    assert x < float(cx) < x + w and y < float(cy) < y + h, (cx, cy, frame.groups())
PY
  printf 'roc: [\n' > bad.yaml
  run mlops plots show bad.yaml
  [ "$status" -eq 4 ]
  [[ "$output" == *"bad.yaml:"*"not YAML"* ]]
  python3 -c 'import json; print(json.dumps({"train": [{"step": 0, "loss": 0.9}, {"step": 1, "loss": 0.4}], "eval": {"roc": [{"fpr": 0, "tpr": 0}, {"fpr": 1, "tpr": 7}]}}))' > several.json
  run mlops plots show several.json --width 60     # the first list: train's
  [ "$status" -eq 0 ]
  [[ "$output" == *"[1] loss"* || "$output" == *"0.9 ┤"* ]]
  run mlops plots show several.json -x fpr -y tpr --width 60   # the one with those fields, nested
  [ "$status" -eq 0 ]
  [[ "$output" == *"7 ┤"* ]]
  run mlops plots show several.json -x fpr -y nope
  [ "$status" -eq 4 ]
  [[ "$output" == *"no field 'nope'"* ]]
  # Deep YAML is refused like deep JSON.
  python3 -c 'print("a: " + "[" * 100 + "]" * 100)' > deep.yaml
  run mlops plots show deep.yaml
  [ "$status" -eq 4 ]
  [[ "$output" == *"deep.yaml"* ]]
  # A mlops.yaml with plots only (no stages) is enough for plots show.
  cat > mlops.yaml <<'YAML'
plots:
  - roc.yaml: {x: fpr, y: tpr}
YAML
  run mlops plots show --width 60
  [ "$status" -eq 0 ]
  [[ "$output" == *"roc.yaml"* && "$output" == *"fpr"* ]]
}

@test "plots after the second reviews: a file inside a folder output; not fetched; a bad lock said; -o through a link refused" {
  cat > mlops.yaml <<'YAML'
stages:
  train:
    cmd: python3 -c "import os; n=int(open('n.txt').read()); os.makedirs('dvclive/plots/metrics', exist_ok=True); open('dvclive/plots/metrics/loss.csv','w').write('step,v\n0,1\n1,%d\n' % n)"
    deps: [n.txt]
    outs: [dvclive]
plots:
  - dvclive/plots/metrics/loss.csv
YAML
  echo 2 > n.txt
  mlops run -q
  git add -A && git commit -qm "n=2"
  echo 5 > n.txt
  mlops run -q
  # A plots file inside a stage's folder output: HEAD's from the store, the workspace's.
  run mlops plots diff --width 60
  [ "$status" -eq 0 ]
  [[ "$output" == *"[1] HEAD"* && "$output" == *"[2] workspace"* ]]
  [[ "$output" != *"a folder"* ]]
  run mlops plots diff --targets dvclive/plots/metrics/loss.csv --width 60
  [ "$status" -eq 0 ]
  [[ "$output" == *"[1] HEAD"* ]]
  # A fresh clone has the lock but not the content: said, with what brings it.
  git clone -q "$TEST_REPO" "$BATS_TEST_TMPDIR/clone"
  cd "$BATS_TEST_TMPDIR/clone"
  run mlops plots diff HEAD --width 60
  [[ "$output" == *"as HEAD's mlops.lock records it: its content is not in the store (mlops fetch brings it)"* ]]
  cd "$TEST_REPO"
  # A malformed lock at a revision is said, not taken for an absent file.
  printf 'stages: [\n' > mlops.lock
  git commit -qam "bad lock"
  run mlops plots diff --width 60
  [[ "$output" == *"HEAD's mlops.lock is not read"* ]]
  git checkout -q HEAD~1 -- mlops.lock && git commit -qm "lock back"
  # -o through a committed link (the folder, or one on the way) is refused: the writes would leave the repository.
  mkdir "$BATS_TEST_TMPDIR/outside"
  ln -s "$BATS_TEST_TMPDIR/outside" page
  ln -s "$BATS_TEST_TMPDIR/outside" reports
  run mlops plots show -o page
  [ "$status" -eq 4 ]
  [[ "$output" == *"page is a symbolic link (not written through"* ]]
  run mlops plots show -o reports/sub
  [ "$status" -eq 4 ]
  run mlops report -o reports/r.html
  [ "$status" -eq 4 ]
  [ -z "$(ls -A "$BATS_TEST_TMPDIR/outside")" ]
  # A page outside the repository is the user's choice.
  run mlops plots show -o "$BATS_TEST_TMPDIR/outside/p"
  [ "$status" -eq 0 ]
  [ -f "$BATS_TEST_TMPDIR/outside/p/index.html" ]
  # Outputs checked out as links to their objects (cache.link symlink) are read.
  mlops config cache.link symlink
  rm -rf dvclive && mlops checkout -q
  [ -L dvclive/plots/metrics/loss.csv ]
  run mlops plots show --width 60
  [ "$status" -eq 0 ]
  [[ "$output" != *"symbolic link"* ]]
}

@test "plots after the second reviews: rows with no point, wide objects, empty stages beside plots, .git in a folder, the run's git hint" {
  printf '[{"a": 1}, {"step": 1}]' > q.json
  run mlops plots show q.json
  [ "$status" -eq 4 ]
  [[ "$output" == *"q.json: no rows with a value to draw"* ]]
  # An object of many fields is refused at once (reading one costs the square of its fields).
  python3 -c "print('{' + ','.join('\"k%d\":[[{\"a\":1}]]' % i for i in range(300000)) + '}')" > wide.json
  run timeout 10 "$MLOPS" plots show wide.json
  [ "$status" -eq 4 ]
  [[ "$output" == *"wide.json: an object of more than 1000 fields"* ]]
  python3 -c "print('a:\n' + ''.join('  k%d: 1\n' % i for i in range(2000)))" > wide.yaml
  run timeout 10 "$MLOPS" plots show wide.yaml
  [ "$status" -eq 4 ]
  [[ "$output" == *"wide.yaml: a mapping of more than 1000 fields"* ]]
  # stages: {} beside plots is a file of plots.
  printf 'stages: {}\nplots:\n  - loss.json\n' > mlops.yaml
  run mlops plots show --width 60
  [ "$status" -eq 0 ]
  [[ "$output" == *"loss.json"* ]]
  # A folder walk does not enter .git or .mlops.
  mkdir -p pf/.git pf/.mlops
  printf 'a,b\n1,2\n' > pf/.git/x.csv
  printf 'a,b\n1,2\n' > pf/.mlops/y.csv
  printf 'a,b\n1,2\n' > pf/z.csv
  run mlops plots show pf --width 60
  [ "$status" -eq 0 ]
  [[ "$output" == *"pf/z.csv"* && "$output" != *"x.csv"* && "$output" != *"y.csv"* ]]
  # mlops run names a plots folder it changed in its git hint.
  cat > mlops.yaml <<'YAML'
stages:
  t:
    cmd: mkdir -p curves && date +%N > curves/a.csv
    plots: [curves]
YAML
  run mlops run
  [ "$status" -eq 0 ]
  [[ "$output" == *"git add"*"curves"* ]]
}

#!/usr/bin/env bats
# mlops exp run --pipeline -S ...: a pipeline param sweep, each combination a
# pipeline run in a git worktree of its own, the workspace never touched.

load helpers

# A two-stage pipeline on tracked data, committed and run once, with
# uncommitted changes on top (an edited, a deleted and a new file).
pipeline_project() {
  mlops init -q
  printf 'train:\n  lr: 0.1\n  depth: 3\n' > params.yaml
  mkdir -p data && seq 1 500 > data/raw.csv
  mlops add -q data/raw.csv
  echo "scale = 1" > scale.txt
  echo "obsolete" > gone.txt
  cat > mlops.yaml <<'YAML'
stages:
  prep:
    cmd: wc -l < data/raw.csv > rows.txt
    deps: [data/raw.csv]
    outs: [rows.txt]
  train:
    cmd: >-
      awk -v r="$(cat rows.txt)" -v s="$(cut -d' ' -f3 scale.txt)"
      'BEGIN { printf "{\"score\": %g}\n", ${params.train.lr} * ${params.train.depth} * r * s }' > metrics.json &&
      for i in 1 2 3; do "$MLOPS" exp log metric loss "$i" --step "$i"; done &&
      echo "lr=${params.train.lr} depth=${params.train.depth} gone=$(cat gone.txt 2>/dev/null || echo no)" > model.txt
    deps: [rows.txt, scale.txt]
    params: [train.lr, train.depth]
    outs: [model.txt]
    metrics: [metrics.json]
YAML
  git add -A && git commit -qm pipeline
  mlops run -q
  git add -A && git commit -qm "first run"
  echo "scale = 2" > scale.txt   # edited, not committed
  git rm -q gone.txt             # deleted, staged
  echo "note" > notes.txt        # new, untracked
}

# The workspace as the user sees it: every file's content and type outside
# .git and .mlops, git's view of it, and git's branches and worktrees.
workspace() {
  snapshot | grep -v '^\./\.mlops'
  git status --porcelain
  git branch -a
  git worktree list --porcelain | grep -c '^worktree'
}

@test "-S sweeps with -j 2 leave the workspace byte-identical; each combination is a recorded pipeline run" {
  pipeline_project
  before=$(workspace)
  run --separate-stderr mlops exp run --pipeline -n grid -S train.lr=0.1,0.01 -S train.depth=3,5 -j 2 --tag team=a
  echo "$stderr"
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"sweep grid ("*"): 4 runs over 2 jobs"* ]]
  [[ "$stderr" == *"[4/4] run grid-"* ]]
  [[ "$stderr" == *"sweep grid ("*") finished: 4 of 4 finished"* ]]
  assert_same_snapshot "$before" "$(workspace)"
  [ -z "$(ls -A .mlops/worktrees | grep -v '^worktrees.lock$')" ]
  # Each run: its params, its own metrics (from its worktree's uncommitted
  # scale.txt), step metrics from `mlops exp log` in the stage, the sweep link.
  json=$(mlops exp list --json)
  [ "$(jq '[.[] | select(.parent != null)] | length' <<< "$json")" -eq 4 ]
  for combo in "0.1 3 1" "0.1 5 2" "0.01 3 3" "0.01 5 4"; do
    set -- $combo
    [ "$(jq -r --arg lr "$1" --arg d "$2" \
      '.[] | select(.parent != null and .params["train.lr"] == $lr and .params["train.depth"] == $d) | .name' <<< "$json")" = "grid-$3" ]
    show=$(mlops exp show "grid-$3" --json)
    [ "$(jq -r '.metrics.score.last' <<< "$show")" = "$(awk "BEGIN { printf \"%g\", $1 * $2 * 500 * 2 }")" ]
    [ "$(jq -r '.metrics.loss.count' <<< "$show")" -eq 3 ]
    [ "$(jq -r '.tags.team' <<< "$show")" = a ]
    [ "$(jq -r '.experiment' <<< "$show")" = pipeline ]
    [ "$(jq -r '.status' <<< "$show")" = finished ]
    # The uncommitted changes it ran with are its diff.
    diff=$(mlops exp show --diff "grid-$3")
    [[ "$diff" == *"+scale = 2"* ]]
    [[ "$diff" == *"+note"* ]]
    [[ "$diff" == *"-obsolete"* ]]
  done
  # exp show of the sweep lists its runs in order.
  mlops exp show grid | grep -o '^  grid-[0-9]*' | tr -d ' ' | tr '\n' ' ' | grep -qx 'grid-1 grid-2 grid-3 grid-4 '
  # The sweep run holds the lists.
  [ "$(mlops exp show grid --json | jq -r '.params["train.lr"]')" = "0.1,0.01" ]
  # Outputs went into the shared store and the run cache: applying one brings
  # its params, lock, metrics and model back, and status agrees.
  git stash -q -u
  mlops checkout -q
  run mlops exp apply grid-4
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(cat model.txt)" = "lr=0.01 depth=5 gone=no" ]
  [ "$(cat metrics.json)" = '{"score": 50}' ]
  [[ "$output" == *"metrics.json"* ]]
}

@test "a failing combination shows the end of its output; the others finish; nothing is left behind" {
  mlops init -q
  printf 'lr: 1\n' > params.yaml
  cat > mlops.yaml <<'YAML'
stages:
  train:
    cmd: if [ "${params.lr}" = bad ]; then echo "diverged at lr ${params.lr}" >&2; exit 3; fi; echo ok > out.txt
    params: [lr]
    outs: [out.txt]
YAML
  git add -A && git commit -qm pipeline
  before=$(workspace)
  run --separate-stderr mlops exp run --pipeline -n s -S lr=1,bad,2 -j 2
  echo "$stderr"
  [ "$status" -eq 9 ]
  [[ "$stderr" == *"run s-2 failed; the end of its output:"* ]]
  [[ "$stderr" == *"  | diverged at lr bad"* ]]
  [[ "$stderr" == *"s ("*") failed: 2 of 3 finished, 1 failed"* ]]
  [ "$(mlops exp show s-2 --json | jq -r .status)" = failed ]
  [ "$(mlops exp show s-3 --json | jq -r .status)" = finished ]
  assert_same_snapshot "$before" "$(workspace)"
  [ -z "$(ls -A .mlops/worktrees | grep -v '^worktrees.lock$')" ]
  # With -j 1 each run prints as it goes, in the user's terminal.
  run mlops exp run --pipeline -n one -S lr=7
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"sweep one ("*"): 1 run over 1 job"* ]]
  [[ "$output" == *"Running stage train"* ]]
  assert_same_snapshot "$before" "$(workspace)"
}

@test "a sweep killed with SIGKILL leaves worktrees the next sweep removes; Ctrl-C removes its own" {
  mlops init -q
  printf 'lr: 1\n' > params.yaml
  cat > mlops.yaml <<'YAML'
stages:
  train:
    cmd: touch "$MARKS/${params.lr}"; sleep 30; echo done > out.txt
    params: [lr]
    outs: [out.txt]
YAML
  git add -A && git commit -qm pipeline
  export MARKS=$BATS_TEST_TMPDIR
  "$MLOPS" exp run --pipeline -q -n killed -S lr=1,2 -j 2 &
  pid=$!
  wait_for 20 '[ -e "$MARKS/1" ] && [ -e "$MARKS/2" ]'
  [ "$(ls -d .mlops/worktrees/*-[12] | wc -l)" -eq 2 ]
  [ "$(git worktree list | wc -l)" -eq 3 ]
  kill -9 "$pid"
  wait "$pid" || true
  # Its runs live on (they hold the sweep's lock): nothing removes their worktrees.
  mlops gc -w -q
  [ "$(ls -d .mlops/worktrees/*-[12] | wc -l)" -eq 2 ]
  pkill -9 -f "sleep 30" || true
  wait_for 20 '! pgrep -f "mlops run --parent" > /dev/null'
  # Left behind: two worktrees. The next sweep (or gc) removes them first.
  [ "$(ls -d .mlops/worktrees/*-[12] | wc -l)" -eq 2 ]
  rm -f "$MARKS"/*
  sed -i 's/sleep 30/sleep 0/' mlops.yaml
  git commit -qam faster
  before=$(workspace | sed '$d')  # all but the count of worktrees
  mlops exp run --pipeline -q -n next -S lr=5
  [ -z "$(ls -A .mlops/worktrees | grep -v '^worktrees.lock$')" ]
  [ "$(git worktree list | wc -l)" -eq 1 ]
  [ "$(git branch --list | wc -l)" -eq 1 ]
  assert_same_snapshot "$before" "$(workspace | sed '$d')"
  # Ctrl-C (SIGINT to the process group) ends the runs; their worktrees go.
  sed -i 's/sleep 0/sleep 30/' mlops.yaml
  git commit -qam slower
  set -m
  "$MLOPS" exp run --pipeline -q -n stopped -S lr=3,4 -j 2 &
  pid=$!
  set +m
  wait_for 20 '[ -e "$MARKS/3" ] && [ -e "$MARKS/4" ]'
  kill -INT -- "-$pid"
  code=0
  wait "$pid" || code=$?
  [ "$code" -eq 130 ]
  [ "$(mlops exp show stopped-1 --json | jq -r .status)" = interrupted ]
  [ "$(mlops exp show stopped --json | jq -r .status)" = interrupted ]
  [ -z "$(ls -A .mlops/worktrees | grep -v '^worktrees.lock$')" ]
  [ "$(git worktree list | wc -l)" -eq 1 ]
}

@test "pipeline sweeps refuse what cannot work before making anything" {
  mlops init -q
  printf 'lr: 1\n' > params.yaml
  printf 'stages:\n  t:\n    cmd: echo ${params.lr} > o.txt\n    params: [lr]\n    outs: [o.txt]\n' > mlops.yaml
  refuses 3 "no commit yet" exp run --pipeline -S lr=1,2
  git add -A && git commit -qm pipeline
  refuses 2 "drop the command after --" exp run --pipeline -S lr=1,2 -- echo hi
  refuses 2 "not -p" exp run --pipeline -p lr=1,2
  refuses 2 "add --pipeline" exp run -S lr=1,2 -- true
  refuses 2 "is not a file inside the repository" exp run --pipeline -S '../x.yaml:lr=1,2'
  refuses 2 "not KEY=VALUE" exp run --pipeline -S lr
  printf 'stages:\n  t: [\n' > mlops.yaml
  refuses 4 "mlops.yaml" exp run --pipeline -S lr=1,2
  git checkout -q mlops.yaml
  [ "$(git worktree list | wc -l)" -eq 1 ]
  # A sweep's worktree names the repository through MLOPS_SHARED_STATE; any
  # other work tree ignores the variable.
  mkdir ../other-$$ && (cd ../other-$$ && git init -q && mlops init -q)
  MLOPS_SHARED_STATE=$PWD/../other-$$ mlops exp run -q -n mine -- true
  [ "$(mlops exp list --json | jq -r '.[0].name')" = mine ]
  [ "$(cd ../other-$$ && mlops exp list --json | jq length)" -eq 0 ]
  rm -rf ../other-$$
}

@test "a combination whose data is not in the store fails naming it; a sweep cannot start inside a sweep" {
  mlops init -q
  printf 'lr: 1\n' > params.yaml
  seq 1 10 > raw.csv
  mlops add -q raw.csv
  cat > mlops.yaml <<'YAML'
stages:
  t:
    cmd: cat raw.csv > /dev/null; "$MLOPS" exp run --pipeline -q -n nested -S lr=9 || echo "nested refused" > o.txt; test -e o.txt
    deps: [raw.csv]
    params: [lr]
    outs: [o.txt]
YAML
  git add -A && git commit -qm pipeline
  # A sweep started from inside a sweep's worktree is refused there.
  run --separate-stderr mlops exp run --pipeline -n outer -S lr=2
  echo "$stderr"
  [ "$status" -eq 0 ]
  [ "$(mlops exp list --json | jq '[.[] | select(.name == "nested")] | length')" -eq 0 ]
  # The data's object gone from the store: the run fails with what is missing.
  rm -f "$(object_path "$(xxh_id raw.csv)")"
  run --separate-stderr mlops exp run --pipeline -n lost -S lr=3,4 -j 2
  echo "$stderr"
  [ "$status" -ne 0 ]
  [[ "$stderr" == *"run lost-1 failed; the end of its output:"* ]]
  [[ "$stderr" == *"raw.csv"* ]]
}

@test "stage targets; a -S key no stage uses is refused; apply warns about what it does not bring back" {
  mlops init -q
  printf 'lr: 1\nother: 0\n' > params.yaml
  cat > mlops.yaml <<'YAML'
stages:
  a:
    cmd: echo "a ${params.lr}" > a.txt; echo "src $(cat src.txt)" >> a.txt
    params: [lr]
    deps: [src.txt]
    outs: [a.txt]
  b:
    cmd: echo b > b.txt
    outs: [b.txt]
YAML
  echo one > src.txt
  git add -A && git commit -qm pipeline
  run --separate-stderr mlops exp run --pipeline -n only-a -S lr=2,3 a
  echo "$stderr"
  [ "$status" -eq 0 ]
  [ "$(mlops exp show only-a-1 --json | jq -r '.tags | has("stage.b")')" = false ]
  [ "$(mlops exp show only-a --json | jq -r .command)" = "sweep of 2 runs: mlops run -S lr=2,3 a" ]
  refuses 2 "-S lr2: no stage of mlops.yaml uses this param" exp run --pipeline -S lr2=1,2
  refuses 2 "-S other.yaml:lr: no stage of mlops.yaml uses this param" exp run --pipeline -S other.yaml:lr=1,2
  refuses 2 "no stage 'nosuch' in mlops.yaml" exp run --pipeline -S lr=1,2 nosuch
  refuses 2 "the command follows '--'" exp run a
  # A run made with uncommitted code, at another commit: apply says what it
  # does not bring back.
  echo two > src.txt
  mlops exp run --pipeline -q -n code -S lr=4
  git checkout -q src.txt
  git commit -q --allow-empty -m later
  run --separate-stderr mlops exp apply code-1
  echo "$stderr"
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"was made with uncommitted changes to src.txt that apply does not bring back"* ]]
  [[ "$stderr" == *"was made at commit"* ]]
  [ "$(head -1 a.txt)" = "a 4" ]
  # A sweep is not a run to apply.
  git checkout -q -- . && git clean -qfd -e .mlops
  refuses 4 "is a sweep: apply one of its runs" exp apply code
}

@test "a user's own worktrees and branches are left alone; a .mlops symlink in HEAD is not followed" {
  printf 'lr: 1\n' > params.yaml
  printf 'stages:\n  t:\n    cmd: echo ${params.lr} > o.txt\n    params: [lr]\n    outs: [o.txt]\n' > mlops.yaml
  mkdir "$BATS_TEST_TMPDIR/victim"
  ln -s "$BATS_TEST_TMPDIR/victim" .mlops   # a teammate's crafted commit
  git add -A && git commit -qm crafted
  git rm -q --cached .mlops && rm .mlops && mlops init -q
  # A worktree of the user's own, named like a sweep's, and its branch.
  git worktree add -q "$BATS_TEST_TMPDIR/wt/20240115-1"
  (cd "$BATS_TEST_TMPDIR/wt/20240115-1" && echo w > f && git add f && git commit -qm precious)
  run --separate-stderr mlops exp run --pipeline -n s -S lr=1,2 -j 2
  echo "$stderr"
  [ "$status" -eq 0 ]
  [ -z "$(ls -A "$BATS_TEST_TMPDIR/victim")" ]
  git rev-parse -q --verify 20240115-1 > /dev/null
  [ "$(git worktree list | wc -l)" -eq 2 ]
  (cd "$BATS_TEST_TMPDIR/wt/20240115-1" && git log -1 --format=%s | grep -qx precious)
  [ "$(git branch --list | wc -l)" -eq 2 ]
  mlops gc -w -q
  git rev-parse -q --verify 20240115-1 > /dev/null
}

@test "exp apply writes only the metrics files mlops.yaml declares, and never through a symlink" {
  mlops init -q
  printf 'lr: 1\n' > params.yaml
  cat > mlops.yaml <<'YAML'
stages:
  t:
    cmd: >-
      echo "{\"acc\": ${params.lr}}" > m.json; echo done > o.txt
    params: [lr]
    outs: [o.txt]
    metrics: [m.json]
YAML
  git add -A && git commit -qm pipeline
  mlops run -q && git add -A && git commit -qm first
  mlops exp run --pipeline -q -n s -S lr=2
  # m.json no longer declared: the run's lock still names it, apply leaves it.
  sed -i '/metrics:/d' mlops.yaml && git commit -qam "no metrics"
  run mlops exp apply s-1
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(cat m.json)" = '{"acc": 1}' ]
  git checkout -q HEAD~1 -- mlops.yaml && git commit -qam metrics && git checkout -q -- params.yaml mlops.lock
  # A committed symlink in its place is the user's: refused without --force.
  ln -sf o.txt m.json && git add m.json && git commit -qm link
  refuses 5 "m.json" exp apply s-1
  [ -L m.json ]
}

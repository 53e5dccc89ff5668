#!/usr/bin/env bats
# Errors and exit codes a script can rely on: unknown commands, output that
# cannot be written, a folder that vanished, names in refusals.
load helpers

@test "an unknown command is named, with the command meant, exit 2" {
  run mlops foo
  [ "$status" -eq 2 ]
  [ "${lines[0]}" = "mlops: error: 'foo' is not an mlops command" ]
  [[ "$output" == *"run 'mlops help' for the list of commands"* ]]
  [[ "$output" != *"A subcommand is required"* ]]
  # DVC's names point to mlops's.
  run mlops repro
  [ "$status" -eq 2 ]
  [[ "$output" == *"'repro' is not an mlops command"* ]]
  [[ "$output" == *"did you mean 'mlops run'?"* ]]
  run mlops experiments
  [ "$status" -eq 2 ]
  [[ "$output" == *"did you mean 'mlops exp'?"* ]]
  # Typos get the close spellings; global options before the word are skipped.
  run mlops -C . stauts
  [ "$status" -eq 2 ]
  [[ "$output" == *"'stauts' is not an mlops command"* ]]
  [[ "$output" == *"did you mean 'mlops status'?"* ]]
  run mlops chekout
  [[ "$output" == *"did you mean 'mlops checkout'?"* ]]
  # One level down too, with the parent's help named.
  run mlops exp lsit
  [ "$status" -eq 2 ]
  [ "${lines[0]}" = "mlops: error: 'lsit' is not an mlops exp command" ]
  [[ "$output" == *"did you mean 'mlops exp list'? (run 'mlops help exp' for the list of commands)"* ]]
  run mlops model regster churn m.bin
  [[ "$output" == *"did you mean 'mlops model register'?"* ]]
  # help walks the tree the same way.
  run mlops help exp run
  [ "$status" -eq 0 ]
  [[ "$output" == *"Usage: mlops exp run"* ]]
  run mlops help repro
  [ "$status" -eq 2 ]
  [[ "$output" == *"did you mean 'mlops run'?"* ]]
  run mlops help status extra
  [ "$status" -eq 2 ]
  [[ "$output" == *"mlops status has no subcommand 'extra'"* ]]
  # An option error points to the command's own help.
  run mlops checkout --bogus
  [ "$status" -eq 2 ]
  [[ "$output" == *"hint: run 'mlops help checkout' for usage"* ]]
  # Real commands and help still work.
  run mlops help status
  [ "$status" -eq 0 ]
  run mlops --version
  [ "$status" -eq 0 ]
}

@test "output that cannot be written is an error (exit 6), as in git" {
  mlops init -q
  echo a > a.txt
  mlops add -q a.txt
  run bash -c "'$MLOPS' ls --json > /dev/full"
  [ "$status" -eq 6 ]
  [[ "$output" == *"mlops: error: write failure on standard output: No space left on device"* ]]
  run bash -c "'$MLOPS' status > /dev/full"
  [ "$status" -eq 6 ]
  run bash -c "'$MLOPS' --version > /dev/null"
  [ "$status" -eq 0 ]
  run bash -c "'$MLOPS' --version > /dev/full"
  [ "$status" -eq 6 ]
  # Output larger than stdio's buffer fails while the command runs: the same error.
  for i in $(seq 300); do echo "$i" > "f$i.txt"; done
  mlops add -q f*.txt
  run bash -c "'$MLOPS' ls --json > /dev/full"
  echo "$output"
  [ "$status" -eq 6 ]
  [[ "$output" == *"mlops: error: write failure on standard output: No space left on device"* ]]
  [[ "$output" != *"internal error"* ]]
  # The table printer's own large writes fail the same way (names long
  # enough for its 64 KiB chunks).
  for i in $(seq 300); do echo "$i" > "a-file-with-a-name-long-enough-to-fill-the-table-quickly-$i.txt"; done
  mlops add -q a-file-*.txt
  run bash -c "'$MLOPS' ls > /dev/full"
  [ "$status" -eq 6 ]
  [[ "$output" == *"mlops: error: write failure on standard output: No space left on device"* ]]
}

@test "a deleted working folder is an I/O error naming it, not an internal error" {
  mlops init -q
  mkdir gone
  run bash -c "cd gone && rmdir ../gone && '$MLOPS' status"
  echo "$output"
  [ "$status" -eq 6 ]
  [[ "$output" == *"mlops: error: "* ]]
  [[ "$output" != *"internal error"* ]]
  [[ "$output" == *"the current folder no longer exists"* ]]
}

@test "run names are printable: control characters and empty names are refused before anything runs" {
  mlops init -q
  run mlops exp run -n $'two\nlines' -- touch ran
  [ "$status" -eq 2 ]
  [[ "$output" == *"run name 'two\x0alines': not UTF-8, or with control characters"* ]]
  [ ! -e ran ]
  mlops exp run -q -n ok -- true
  run mlops exp rename ok $'bad\tname'
  [ "$status" -eq 2 ]
  [ "$(mlops exp list --json | jq -r '.[].name')" = ok ]
}

@test "model register refusing uncommitted changes names the files" {
  mlops init -q
  echo code > train.py
  echo w > model.bin
  mlops add -q model.bin
  git add -A && git commit -qm init
  echo changed >> train.py
  run mlops model register churn model.bin --version 1.0.0
  echo "$output"
  [ "$status" -eq 5 ]
  [[ "$output" == *"tracked files have uncommitted changes"* ]]
  [[ "$output" == *"train.py"* ]]
  [[ "$output" != *"model.bin.mlops"* ]]
}

@test "filters take the short ids and names every table shows; an empty match says so" {
  mlops init -q
  mlops exp run -q -n first -- true
  mlops exp run -q -n second -- true
  id=$(mlops exp show first --json | jq -r .id)
  run mlops exp list --filter "id = \"${id:0:8}\"" --json
  [ "$status" -eq 0 ]
  [ "$(jq -r '.[].name' <<<"$output")" = first ]
  run mlops exp list --filter "id != first" --json
  [ "$(jq -r '.[].name' <<<"$output")" = second ]
  run mlops exp list --filter 'name = nobody'
  [ "$status" -eq 0 ]
  [ "$output" = "No runs match the filter." ]
}

@test "a bad alias or stage name is refused in plain English" {
  mlops init -q
  echo w > model.bin
  mlops add -q model.bin
  git add -A && git commit -qm init
  mlops model register -q churn model.bin --version 1.0.0 --no-git-tag
  run mlops model alias churn Bad_Alias 1.0.0 --no-git-tag
  echo "$output"
  [ "$status" -eq 2 ]
  [[ "$output" == *"'Bad_Alias' is not an alias name"* ]]
  run mlops model alias churn best- 1.0.0 --no-git-tag
  [ "$status" -eq 2 ]
}

@test "exp list fits the terminal, says how many columns it hid, and prints them all when piped" {
  mlops init -q
  for i in 1 2; do
    mlops exp run -q -n "run-$i" -p learning_rate=0.0$i -p batch_size=3$i -p optimizer=adam -p dropout=0.$i -- \
      sh -c "echo '{\"accuracy\": 0.9$i, \"validation_loss\": 0.$i}' >> \"\$MLOPS_METRICS_FILE\""
  done
  # Piped: every column, whatever the width.
  run env COLUMNS=40 "$MLOPS" exp list
  [[ "${lines[0]}" == *STARTED*params.learning_rate*metrics.validation_loss* ]]
  [[ "$output" != *"hidden"* ]]
  # On a 60-column terminal: no line wider than 60, ID and NAME kept, the rest said.
  script -qec "env COLUMNS=60 '$MLOPS' exp list" "$BATS_TEST_TMPDIR/tty" >/dev/null
  tr -d '\r' <"$BATS_TEST_TMPDIR/tty" | sed 's/\x1b\[[0-9;]*m//g' | grep -v '^Script \|^$' >screen.txt
  cat screen.txt
  head -1 screen.txt | grep -q '^ID  *NAME'
  grep -q 'run-1' screen.txt
  head -1 screen.txt | grep -q 'metrics.accuracy'  # metrics stay longest, params go first
  grep -qE '^\([0-9]+ of [0-9]+ columns hidden to fit the terminal: choose them with --columns' screen.txt
  ! grep -q STARTED screen.txt || false
  while IFS= read -r line; do
    [[ "$line" == "("* || "$line" == "* best"* ]] && continue
    [ "${#line}" -le 60 ] || { echo "too wide: $line"; return 1; }
  done <screen.txt
}

@test "cache.link hardlink: a warning when set; status and fsck say when an edit in place changed the store" {
  mlops init -q
  run mlops config cache.link hardlink,copy
  [ "$status" -eq 0 ]
  [[ "$output" == *"mlops: warning: with hardlink a checked-out file is the store's own copy"* ]]
  run mlops config cache.link reflink,copy
  [ -z "$output" ]
  run mlops -q config cache.link symlink,copy
  [ "$status" -eq 0 ] && [ -z "$output" ]
  run mlops config cache.link bogus
  [ "$status" -eq 2 ]
  mlops config cache.link hardlink,copy 2>/dev/null
  echo v1 > data.txt
  mlops add -q data.txt
  rm data.txt
  mlops checkout -q
  [ "$(stat -c %h data.txt)" -eq 2 ]
  chmod u+w data.txt
  echo edited >> data.txt  # in place: the store's object is the same file
  run mlops status
  echo "$output"
  [[ "$output" == *"data.txt: modified"* ]]
  [[ "$output" == *"data.txt: edited in place, which changed the store's copy too"* ]]
  [ "$(mlops status --json | jq '.paths[0].store_copy_changed')" = true ]
  run mlops fsck
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"hint: 1 of them is hard-linked into the workspace (cache.link hardlink)"* ]]
}

@test "a damaged registry record in the state database is a repository error (exit 3), not an internal one" {
  mlops init -q
  echo w > m.bin && mlops add -q m.bin && git add -A && git commit -qm m
  mlops model register -q churn m.bin --version 1.0.0 --no-git-tag
  sqlite3 .mlops/state.db "UPDATE model_versions SET tags = '{not json' WHERE model = 'churn'"
  run mlops model versions churn
  echo "$output"
  [ "$status" -eq 3 ]
  [[ "$output" == *"model churn version 1.0.0: its record in the state database is damaged"* ]]
  [[ "$output" != *"internal error"* ]]
}

@test "standard error that cannot be written does not abort mlops" {
  cd "$BATS_TEST_TMPDIR"
  run bash -c "'$MLOPS' status 2>/dev/full"
  [ "$status" -eq 3 ]  # not a repository: the error, unseen, keeps its code
  cd "$TEST_REPO"
  mlops init -q
  run bash -c "'$MLOPS' exp run -n quiet -- sh -c 'echo out; echo err >&2' 2>/dev/full"
  [ "$status" -eq 0 ]
  [ "$(mlops exp show quiet --json | jq -r .status)" = finished ]
  # A sweep whose messages go to a closed pipe still runs every run.
  run bash -c "trap '' PIPE; '$MLOPS' exp run -n sw -j 2 -p k=1,2,3,4 -- true 2>&1 | head -c 1"
  [ "$(mlops exp show sw --json | jq -r .status)" = finished ]
  [ "$(mlops exp list --json --filter 'parent = sw' | jq length)" -eq 4 ]
}

@test "a run's name or params may not lead --artifact or --metrics out of the repository" {
  mlops init -q
  mkdir -p "$BATS_TEST_TMPDIR/outside" && echo secret > "$BATS_TEST_TMPDIR/outside/s.txt"
  run mlops exp run -n ../outside --artifact '{name}' -- touch ran
  echo "$output"
  [ "$status" -eq 4 ]
  [[ "$output" == *"--artifact {name}: with the run's name and params it is ../outside, not a path inside the repository"* ]]
  [ ! -e ran ]
  [ "$(mlops exp list --json | jq length)" -eq 0 ]
  run mlops exp run -p f=../../etc/passwd --metrics 'm/{f}' -- true
  [ "$status" -eq 4 ]
  # A name with '/' is fine: it stays inside.
  run mlops exp run -n team/a --artifact 'runs/{name}.txt' -- sh -c 'mkdir -p runs/team && echo a > runs/team/a.txt'
  [ "$status" -eq 0 ]
  [ "$(mlops exp show team/a --json | jq -r '.artifacts | keys[]' | grep -c runs/team/a.txt)" -eq 1 ]
}

@test "a run named like another run's short id is not taken for it" {
  mlops init -q
  mlops exp run -q -n first -- true
  short=$(mlops exp show first --json | jq -r .id | cut -c1-8)
  mlops exp run -q -n "$short" -- true
  run mlops exp show "$short"
  [ "$status" -eq 4 ]
  [[ "$output" == *"'$short' is the name of run "*" and the start of another run's id; give more of the id"* ]]
  run mlops exp show first
  [ "$status" -eq 0 ]
}

@test "sweeps: a name too long for its runs is refused before anything runs; a flood of warnings is cut short" {
  mlops init -q
  run mlops exp run -n "$(printf 'a%.0s' {1..199})" -j 2 -p k=1,2 -- touch ran
  [ "$status" -eq 2 ]
  [[ "$output" == *"a run name must be at most 200 bytes"* ]]
  [ ! -e ran ]
  [ "$(mlops exp list --json | jq length)" -eq 0 ]
  run mlops exp run -n flood -j 2 -p k=1,2 -- sh -c 'seq 3000 | sed s/.*/bad/ >> "$MLOPS_METRICS_FILE"'
  [ "$status" -eq 0 ]
  [ "$(mlops exp show flood --json | jq -r .status)" = finished ]
  [ "$(grep -c 'mlops: warning: run flood-1:' <<<"$output")" -eq 21 ]
  [[ "$output" == *"run flood-1: ... and 2980 more warnings"* ]]
}

@test "cache.link symlink: after fsck moved an edited object aside, the file shows as deleted, not as an error" {
  mlops init -q
  mlops config -q cache.link symlink,copy
  mkdir d && echo one > d/a && echo two > d/b
  mlops add -q d
  rm -r d && mlops checkout -q
  [ -L d/a ]
  chmod u+w "$(readlink -f d/a)"
  echo modified >> d/a
  run mlops fsck
  [ "$status" -eq 1 ]
  run mlops status
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"d: modified"* ]]
  [[ "$output" == *"deleted:  d/a"* ]]
  [[ "$output" == *"not in the store"* ]]
}

@test "a damaged run cache entry is a miss: the stage runs" {
  mlops init -q
  cat > mlops.yaml <<'YAML'
stages:
  s1:
    cmd: echo hi > o1.txt
    outs: [o1.txt]
YAML
  mlops run -q
  id=$(xxh_id o1.txt)
  sqlite3 .mlops/state.db "UPDATE run_cache SET outs = '[{\"id\":\"$id\",\"kind\":\"dir\",\"path\":\"o1.txt\",\"size\":3}]'"
  rm o1.txt mlops.lock
  run mlops run
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(cat o1.txt)" = hi ]
  sqlite3 .mlops/state.db "UPDATE run_cache SET outs = '[{\"id\":\"$id\",\"kind\":\"file\",\"path\":\"../x.txt\",\"size\":3}]'"
  rm o1.txt mlops.lock
  run mlops run
  [ "$status" -eq 0 ]
  [ ! -e ../x.txt ]
  [ "$(cat o1.txt)" = hi ]
}

#!/usr/bin/env bats
# Errors and exit codes a script can rely on: unknown commands, output that
# cannot be written, a folder that vanished, names in refusals.
load helpers

@test "an unknown command is named, with the command meant, exit 2" {
  run mlops foo
  [ "$status" -eq 2 ]
  [ "${lines[0]}" = "mlops: error: 'foo' is not a mlops command" ]
  [[ "$output" == *"run 'mlops help' for the list of commands"* ]]
  [[ "$output" != *"A subcommand is required"* ]]
  # DVC's names point to mlops's.
  run mlops repro
  [ "$status" -eq 2 ]
  [[ "$output" == *"'repro' is not a mlops command"* ]]
  [[ "$output" == *"did you mean 'mlops run'?"* ]]
  run mlops -q plots show
  [ "$status" -eq 2 ]
  [[ "$output" == *"did you mean 'mlops exp plot'?"* ]]
  # Typos get the close spellings; global options before the word are skipped.
  run mlops -C . stauts
  [ "$status" -eq 2 ]
  [[ "$output" == *"'stauts' is not a mlops command"* ]]
  [[ "$output" == *"did you mean 'mlops status'?"* ]]
  run mlops chekout
  [[ "$output" == *"did you mean 'mlops checkout'?"* ]]
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

#!/usr/bin/env bats
# Data in git history: diff, ls --rev, checkout --rev, branches, detached HEAD,
# a repository with no commits, merge conflicts in pointer files.
load helpers

commit() { git add -A && git commit -qm "$1"; }

# Two versions: v1 (data/a, data/b, model.bin) and v2 (b changed, c added, model changed).
two_versions() {
  mlops init -q
  mkdir data && echo a > data/a && echo b > data/b && echo model-1 > model.bin
  mlops add -q data model.bin
  commit v1
  echo b2 > data/b && echo c > data/c && echo model-22 > model.bin
  mlops add -q data model.bin
  commit v2
}

@test "diff between two commits lists files inside folders, with sizes" {
  two_versions
  run mlops diff HEAD~1 HEAD
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf '%s\n' 'Added:' '    data/c  (2 B)' 'Modified:' '    data/b  (2 B -> 3 B)' \
    '    model.bin  (8 B -> 9 B)' '1 added, 2 modified, 0 deleted between HEAD~1 and HEAD')" ]
  run mlops diff --json HEAD HEAD~1
  [ "$(jq -r '.deleted[0].path' <<<"$output")" = data/c ]
  [ "$(jq -r '.modified[0].before.id' <<<"$output")" = "$(xxh_id data/b)" ]
  [ "$(jq -r '.modified | length' <<<"$output")" -eq 2 ]
  run mlops diff HEAD~1 HEAD --path model.bin --json
  [ "$(jq -c '[.added, .modified, .deleted] | map(length)' <<<"$output")" = "[0,1,0]" ]
}

@test "diff against the workspace sees data that is not added yet" {
  two_versions
  run mlops diff
  [ "$output" = "No data changes between HEAD and the workspace." ]
  rm data/a && echo new > data/new && echo edit >> model.bin
  run mlops diff --json
  [ "$(jq -r '.to' <<<"$output")" = workspace ]
  [ "$(jq -r '.added[0].path' <<<"$output")" = data/new ]
  [ "$(jq -r '.deleted[0].path' <<<"$output")" = data/a ]
  [ "$(jq -r '.modified[0].path' <<<"$output")" = model.bin ]
}

@test "ls --rev and checkout --rev materialise an old version; checkout brings it back" {
  two_versions
  run mlops ls --rev HEAD~1 --json
  [ "$(jq -r '.[] | select(.path == "data") | .files' <<<"$output")" -eq 2 ]
  run mlops checkout --rev HEAD~1
  [ "$status" -eq 0 ]
  [ "$(cat model.bin)" = model-1 ] && [ ! -e data/c ] && [ "$(cat data/b)" = b ]
  # The pointers still name v2.
  run mlops status --exit-code
  [ "$status" -eq 1 ]
  mlops checkout -q
  [ "$(cat model.bin)" = model-22 ] && [ "$(cat data/c)" = c ]
  run mlops checkout --rev no-such-rev
  [ "$status" -eq 2 ]
  [[ "$output" == *"unknown revision 'no-such-rev'"* ]]
  run mlops ls --rev HEAD~1 nothing
  [ "$status" -eq 4 ]
  [[ "$output" == *"nothing is not tracked at HEAD~1"* ]]
}

@test "branches and detached HEAD: git moves the pointers, mlops the data" {
  two_versions
  main=$(git branch --show-current)
  git switch -q -c experiment HEAD~1
  mlops checkout -q
  [ "$(cat model.bin)" = model-1 ]
  echo exp > model.bin && mlops add -q model.bin && commit experiment
  git switch -q -
  mlops checkout -q
  [ "$(cat model.bin)" = model-22 ]
  git checkout -q --detach experiment
  mlops checkout -q
  [ "$(cat model.bin)" = exp ]
  run mlops diff "$main" experiment --json
  [ "$(jq -r '.modified[] | select(.path == "model.bin") | .after.size' <<<"$output")" -eq 4 ]
  run mlops ls --rev experiment
  [ "$status" -eq 0 ]
}

@test "a repository with no commits" {
  mlops init -q
  echo x > f && mlops add -q f
  run mlops diff --json
  [ "$status" -eq 0 ]
  [ "$(jq -r '.added[0].path' <<<"$output")" = f ]
  run mlops ls --rev HEAD --json
  [ "$output" = "[]" ]
  run mlops gc --workspace
  [ "$status" -eq 0 ]
  [ -f "$(object_path "$(pointer_id f.mlops)")" ]
}

@test "an old version whose objects are gone: diff compares folders as a whole, checkout says what is missing" {
  two_versions
  manifest=$(git show HEAD~1:data.mlops | sed -n 's/^id: //p')
  rm "$(object_path "$manifest")"
  run mlops diff HEAD~1 HEAD
  [ "$status" -eq 0 ]
  [[ "$output" == *"data  ("* ]]
  [[ "$output" == *"note: data was compared as a whole"* ]]
  before=$(snapshot)
  run mlops checkout --rev HEAD~1
  [ "$status" -eq 7 ]
  [[ "$output" == *"data (folder manifest $manifest)"* ]]
  assert_same_snapshot "$before" "$(snapshot)"
}

@test "merge conflicts in pointer files are shown by status and refused elsewhere" {
  two_versions
  git switch -q -c other HEAD~1
  echo other > model.bin && mlops add -q model.bin && commit other
  git switch -q main 2>/dev/null || git switch -q master
  run git merge -q other
  [ "$status" -ne 0 ]
  grep -q '^<<<<<<<' model.bin.mlops
  run mlops status --exit-code
  [ "$status" -eq 1 ]
  [[ "$output" == *"model.bin: merge conflict in model.bin.mlops"* ]]
  run mlops status --json
  [ "$(jq -r '.paths[] | select(.path == "model.bin") | .state' <<<"$output")" = conflict ]
  run mlops checkout model.bin
  [ "$status" -eq 4 ]
  [[ "$output" == *"model.bin.mlops:3: unresolved merge conflict"* ]]
  # Resolving: add the data you want.
  echo resolved > model.bin && mlops add -q model.bin
  run mlops status --exit-code model.bin
  [ "$status" -eq 0 ]
}

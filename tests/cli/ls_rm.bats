#!/usr/bin/env bats
load helpers

@test "ls lists tracked paths with kind, size, files and id" {
  mlops init -q
  make_files data 3
  printf '12345' > five
  mlops add -q data five
  run mlops ls
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "PATH  KIND  SIZE  FILES  ID" ]
  [[ "${lines[1]}" =~ ^data\ +dir\ +45\ B\ +3\ +xxh128:[0-9a-f]{32}$ ]]
  [ "${lines[2]}" = "five  file  5 B   1      $(xxh_id five)" ]
  run mlops ls --json five
  [ "$(jq -c . <<<"$output")" = "[{\"files\":1,\"id\":\"$(xxh_id five)\",\"kind\":\"file\",\"path\":\"five\",\"size\":5}]" ]
  run mlops ls nope
  [ "$status" -eq 4 ]
}

@test "rm stops tracking and removes the data, which stays in the store" {
  mlops init -q
  mkdir d && echo a > d/a && echo b > d/b
  mlops add -q d/a d/b
  obj=$(object_path "$(pointer_id d/a.mlops)")
  run mlops rm d/a
  [ "$status" -eq 0 ]
  [[ "$output" == *"git add -A d/a.mlops d/.gitignore"* ]]
  [ ! -e d/a ] && [ ! -e d/a.mlops ] && [ -f "$obj" ]
  [ "$(cat d/.gitignore)" = "/b" ]
  run mlops rm --keep-data d/b
  [ "$status" -eq 0 ]
  [ -f d/b ] && [ ! -e d/b.mlops ] && [ ! -e d/.gitignore ]
}

@test "rm refuses to delete unsaved changes; --keep-data and --force" {
  mlops init -q
  echo a > f
  mlops add -q f
  echo unsaved > f
  before=$(snapshot)
  run mlops rm f
  [ "$status" -eq 5 ]
  [[ "$output" == *"f has content that is not in the store"* ]]
  assert_same_snapshot "$before" "$(snapshot)"
  run mlops rm --force f
  [ "$status" -eq 0 ]
  [ ! -e f ]
  run mlops rm f
  [ "$status" -eq 4 ]
  [[ "$output" == *"f is not tracked by mlops"* ]]
}

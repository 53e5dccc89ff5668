#!/usr/bin/env bats
load helpers

@test "checkout restores deleted files and folders byte for byte" {
  mlops init -q
  make_files data/sub 20
  seq 1 100000 > big.csv
  mlops add -q data big.csv
  sums=$(cd data && find . -type f -exec xxhsum -H2 {} + | sort)
  rm -rf data big.csv
  run mlops checkout
  [ "$status" -eq 0 ]
  [[ "$output" == *"data: 20 files restored (copy)"* ]]
  [[ "$output" == *"big.csv: 1 file restored (copy)"* ]]
  [ "$(cd data && find . -type f -exec xxhsum -H2 {} + | sort)" = "$sums" ]
  [ "$(xxh_id big.csv)" = "$(pointer_id big.csv.mlops)" ]
  run mlops status --exit-code
  [ "$status" -eq 0 ]
  # Workspace copies are writable; the store stays read-only.
  echo edit >> big.csv
  [ "$(stat -c %a "$(object_path "$(pointer_id big.csv.mlops)")")" = 444 ]
}

@test "checkout refuses to lose unsaved changes, naming the files; --force discards them" {
  mlops init -q
  make_files data 3
  mlops add -q data
  echo mine > data/f0.txt
  echo extra > data/extra.txt
  before=$(snapshot)
  run mlops checkout
  [ "$status" -eq 5 ]
  [[ "$output" == *"mlops: error: checkout would overwrite or delete 2 file(s) whose content is not in the store:"* ]]
  [[ "$output" == *"data/f0.txt"* ]]
  [[ "$output" == *"data/extra.txt"* ]]
  assert_same_snapshot "$before" "$(snapshot)"
  run mlops checkout --force data
  [ "$status" -eq 0 ]
  [[ "$output" == *"data: 1 file restored, 1 removed"* ]]
  [ ! -e data/extra.txt ]
  [ "$(cat data/f0.txt)" = "file 0 of data" ]
}

@test "switching versions through git: checkout overwrites content the store has" {
  mlops init -q
  echo v1 > model.bin
  mlops add -q model.bin
  git add -A && git commit -qm v1
  echo v2 > model.bin
  mlops add -q model.bin
  git add -A && git commit -qm v2
  git checkout -q HEAD~1 -- model.bin.mlops
  run mlops status --exit-code
  [ "$status" -eq 1 ]
  run mlops checkout
  [ "$status" -eq 0 ]
  [ "$(cat model.bin)" = v1 ]
  git checkout -q HEAD -- model.bin.mlops
  mlops checkout
  [ "$(cat model.bin)" = v2 ]
}

@test "folder versions: files come and go, empty folders are pruned" {
  mlops init -q
  mkdir -p data/keep data/gone
  echo k > data/keep/k && echo g > data/gone/g
  mlops add -q data
  cp data.mlops v1.pointer
  rm -rf data/gone && echo n > data/new
  mlops add -q data
  cp v1.pointer data.mlops
  run mlops checkout
  [ "$status" -eq 0 ]
  [ "$(cat data/gone/g)" = g ] && [ ! -e data/new ]
}

@test "a file replaced by a folder and back" {
  mlops init -q
  echo file > thing
  mlops add -q thing
  cp thing.mlops file.pointer
  rm thing && mkdir thing && echo inner > thing/x
  mlops add -q thing
  cp file.pointer thing.mlops
  run mlops checkout
  [ "$status" -eq 0 ]
  [ -f thing ] && [ "$(cat thing)" = file ]
}

@test "link modes: hardlink and symlink share the store's read-only files" {
  mlops init -q
  mlops config cache.link hardlink,copy
  echo data > f
  mlops add -q f
  rm f && mlops checkout -q
  obj=$(object_path "$(pointer_id f.mlops)")
  [ "$(stat -c %i f)" = "$(stat -c %i "$obj")" ]
  [ "$(stat -c %a f)" = 444 ]
  run mlops status --exit-code
  [ "$status" -eq 0 ]
  mlops config cache.link symlink
  rm f && mlops checkout -q
  [ -L f ] && [ "$(readlink f)" = "$TEST_REPO/$obj" ]
  run mlops status --exit-code
  [ "$status" -eq 0 ]
  # Re-adding a symlinked file reads nothing new.
  run mlops add --json f
  [ "$(jq '.[0].changed' <<<"$output")" = false ]
}

@test "checkout with objects missing changes nothing and says what is missing" {
  mlops init -q
  make_files data 3
  mlops add -q data
  rm -rf data
  rm "$(object_path "$(xxh_id /dev/stdin <<<"file 1 of data")")"
  before=$(snapshot)
  run mlops checkout
  [ "$status" -eq 7 ]
  [[ "$output" == *"1 object(s) needed for checkout are not in the store"* ]]
  [[ "$output" == *"data/f1.txt"* ]]
  assert_same_snapshot "$before" "$(snapshot)"
}

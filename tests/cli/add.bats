#!/usr/bin/env bats
load helpers


@test "add a file: pointer with the reference id, read-only object, gitignore" {
  mlops init -q
  mkdir data && seq 1 20000 > data/train.csv
  run mlops add data/train.csv
  [ "$status" -eq 0 ]
  [[ "$output" == *"added data/train.csv (1 file, "* ]]
  [[ "$output" == *"git add data/train.csv.mlops data/.gitignore"* ]]
  id=$(xxh_id data/train.csv)
  [ "$(cat data/train.csv.mlops)" = "$(printf '# tracked by mlops; the data lives in the store\npath: train.csv\nid: %s\nsize: %s' "$id" "$(stat -c %s data/train.csv)")" ]
  obj=$(object_path "$id")
  cmp "$obj" data/train.csv
  [ "$(stat -c %a "$obj")" = 444 ]
  [ "$(cat data/.gitignore)" = "/train.csv" ]
  # git now ignores the data and sees the pointer.
  run git status --porcelain --untracked-files=all data
  [ "$output" = "$(printf '?? data/.gitignore\n?? data/train.csv.mlops')" ]
  [ -z "$(ls -A .mlops/tmp)" ]
}

@test "add a folder: manifest object lists every file" {
  mlops init -q
  make_files data/a 3
  make_files data/b 2
  chmod +x data/b/f1.txt
  run mlops add data
  [ "$status" -eq 0 ]
  grep -qx 'kind: dir' data.mlops
  grep -qx 'files: 5' data.mlops
  [ "$(cat .gitignore)" = "/data" ]
  manifest=$(object_path "$(pointer_id data.mlops)")
  [ "$(wc -l < "$manifest")" -eq 5 ]
  grep -qx "$(xxh_id data/a/f0.txt) $(stat -c %s data/a/f0.txt) 644 a/f0.txt" "$manifest"
  grep -qx "$(xxh_id data/b/f1.txt) $(stat -c %s data/b/f1.txt) 755 b/f1.txt" "$manifest"
  # The manifest's own id is its content hash.
  [ "$(pointer_id data.mlops)" = "$(xxh_id "$manifest")" ]
}

@test "re-adding an unchanged folder reads nothing; a change stores only new objects" {
  mlops init -q
  make_files data 50
  # Files written in the same instant as the add are "racy" (a later write in
  # the same timestamp tick would go unseen) and are not cached; let them age.
  sleep 0.2
  mlops add data
  run mlops add --json data
  [ "$status" -eq 0 ]
  [ "$(jq '.[0].files_read' <<<"$output")" -eq 0 ]
  [ "$(jq '.[0].changed' <<<"$output")" = false ]
  run mlops add data
  [[ "$output" == *"data: unchanged (50 files"* ]]
  echo changed > data/f7.txt
  echo new > data/new.txt
  run mlops add --json data
  [ "$(jq '.[0].files_read' <<<"$output")" -eq 2 ]
  [ "$(jq '.[0].objects_written' <<<"$output")" -eq 2 ]
  [ "$(jq '.[0].files' <<<"$output")" -eq 51 ]
  # Identical content is stored once.
  mkdir copy && cp data/f1.txt copy/same.txt
  run mlops add --json copy
  [ "$(jq '.[0].objects_written' <<<"$output")" -eq 0 ]
}

@test "add PATH.mlops means PATH; add from a subfolder; several paths at once" {
  mlops init -q
  mkdir -p sub && echo one > sub/one && echo two > two
  cd sub
  mlops add one ../two
  [ -f one.mlops ] && [ -f ../two.mlops ]
  echo changed > one
  run mlops add one.mlops
  [ "$status" -eq 0 ]
  [ "$(pointer_id one.mlops)" = "$(xxh_id one)" ]
}

@test "add refuses paths inside a tracked folder and folders holding pointers" {
  mlops init -q
  make_files data 2
  mlops add data
  run mlops add data/f1.txt
  [ "$status" -eq 4 ]
  [[ "$output" == *"data/f1.txt is inside the tracked folder data"* ]]
  # The commands that take tracked paths say the same, and name the folder.
  for cmd in checkout status; do
    run mlops $cmd data/f1.txt
    [ "$status" -eq 4 ]
    [[ "$output" == *"data/f1.txt is inside the tracked folder data"* ]]
    [[ "$output" == *"name the folder itself: data"* ]]
  done
  mkdir -p outer/inner && echo x > outer/inner/file
  mlops add outer/inner/file
  run mlops add outer
  [ "$status" -eq 4 ]
  [[ "$output" == *"outer holds the pointer file outer/inner/file.mlops"* ]]
  run mlops add nothing-here
  [ "$status" -eq 4 ]
  [[ "$output" == *"nothing-here does not exist"* ]]
  run mlops add ../outside
  [ "$status" -eq 4 ]
  [[ "$output" == *"outside the repository"* ]]
  # The root itself is not "outside" it.
  run mlops add .
  [ "$status" -eq 4 ]
  [[ "$output" == *". is the repository's root"*"name a file or folder inside it"* ]]
  run mlops plots show .
  [ "$status" -eq 4 ]
  [[ "$output" == *". is the repository's root"* ]]
  run mlops add .mlops/config
  [ "$status" -eq 4 ]
  run mlops add .git/HEAD
  [ "$status" -eq 4 ]
}

@test "symlinks inside the repository are followed, as files" {
  mlops init -q
  mkdir data && echo real > real.txt && ln -s ../real.txt data/link
  run mlops add data
  [ "$status" -eq 0 ]
  manifest=$(object_path "$(pointer_id data.mlops)")
  grep -q "$(xxh_id real.txt) 5 644 link" "$manifest"
}

@test "names with spaces, unicode and glob characters round-trip" {
  mlops init -q
  mkdir -p 'da ta'
  echo a > 'da ta/sp ace.txt'
  echo b > 'da ta/é日本.txt'
  echo c > 'st*r[1].bin'
  mlops add 'da ta' 'st*r[1].bin'
  git add -A
  run git status --porcelain --ignored
  [[ "$output" == *'!! "st*r[1].bin"'* || "$output" == *'!! st*r[1].bin'* ]]
  rm -rf 'da ta' 'st*r[1].bin'
  mlops checkout
  [ "$(cat 'da ta/é日本.txt')" = b ]
  [ "$(cat 'st*r[1].bin')" = c ]
}

@test "a store elsewhere (cache.dir) is shared" {
  mlops init -q
  shared=$(mktemp -d)
  mlops config cache.dir "$shared"
  echo content > f
  mlops add f
  [ -f "$shared/objects/$(pointer_id f.mlops | cut -c8-9)/$(pointer_id f.mlops | cut -c10-)" ]
  [ -z "$(find .mlops/objects -type f)" ]
  rm f && mlops checkout f
  [ "$(cat f)" = content ]
  rm -rf "$shared"
}

@test "a path git already tracks is refused with the command that fixes it" {
  mlops init -q
  mkdir data && echo a > data/a.csv && git add data/a.csv && git commit -qm data
  before=$(snapshot)
  run mlops add data
  [ "$status" -eq 4 ]
  [[ "$output" == *"data is tracked by git (data/a.csv)"* ]]
  [[ "$output" == *"git rm -r --cached 'data'"* ]]
  assert_same_snapshot "$before" "$(snapshot)"
  git rm -q -r --cached data
  run mlops add data
  [ "$status" -eq 0 ]
  # A sibling with a longer name is not mistaken for the path.
  echo b > datum && git add datum
  echo c > dat && mlops add -q dat
}

@test "no progress bar or colour when not on a terminal" {
  mlops init -q
  make_files data 200
  mlops add data 2>err >out
  [ ! -s err ]
  ! grep -q $'\e' out || false
}

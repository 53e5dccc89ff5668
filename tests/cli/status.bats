#!/usr/bin/env bats
load helpers

@test "status: clean, modified with file lists, deleted, and --exit-code" {
  mlops init -q
  make_files data 5
  echo model > model.bin
  mlops add -q data model.bin
  run mlops status --exit-code
  [ "$status" -eq 0 ]
  [ "$output" = "Data is up to date (2 paths tracked)." ]
  echo changed > data/f1.txt
  rm data/f2.txt
  echo new > data/zz.txt
  rm model.bin
  run mlops status --exit-code
  [ "$status" -eq 1 ]
  [ "$output" = "$(cat <<'OUT'
data: modified
        added:    data/zz.txt
        modified: data/f1.txt
        deleted:  data/f2.txt
model.bin: deleted from the workspace (run 'mlops checkout model.bin' to restore it)
OUT
)" ]
  # Without --exit-code a dirty status is still success.
  run mlops status
  [ "$status" -eq 0 ]
}

@test "status --json has a stable shape" {
  mlops init -q
  make_files data 2
  mlops add -q data
  echo x >> data/f0.txt
  run mlops status --json
  [ "$status" -eq 0 ]
  [ "$(jq -c . <<<"$output")" = "$(jq -cn --arg id "$(pointer_id data.mlops)" '{clean:false,paths:[{added:[],deleted:[],files:2,id:$id,in_store:true,kind:"dir",modified:["f0.txt"],objects_missing:0,path:"data",size:30,state:"modified",store_copy_changed:false}],stages:[]}')" ]
}

@test "status limited to paths; a file pointer that was modified" {
  mlops init -q
  mkdir -p a b && echo 1 > a/x && echo 2 > b/y
  mlops add -q a/x b/y
  echo 3 > b/y
  run mlops status a
  [ "$output" = "Data is up to date (1 path tracked)." ]
  run mlops status --exit-code b/y
  [ "$status" -eq 1 ]
  [ "$output" = "b/y: modified" ]
  run mlops status not-tracked
  [ "$status" -eq 4 ]
  [[ "$output" == *"not-tracked is not tracked by mlops"* ]]
}

@test "status reports data missing from the store" {
  mlops init -q
  echo content > f
  make_files d 3
  mlops add -q f d
  rm "$(object_path "$(pointer_id f.mlops)")"
  rm -f "$(object_path "$(xxh_id d/f1.txt)")"
  run mlops status --exit-code
  [ "$status" -eq 1 ]
  [[ "$output" == *"d: not in the store (1 object missing)"* ]]
  [[ "$output" == *"f: not in the store (1 object missing)"* ]]
}

@test "a touched but unchanged file is not modified" {
  mlops init -q
  echo same > f
  mlops add -q f
  touch -d '2001-01-01' f
  run mlops status --exit-code
  [ "$status" -eq 0 ]
  # Same size, same mtime, different content: the ctime still tells.
  printf 'diff\n' > f
  touch -d '2001-01-01' f
  run mlops status --exit-code
  [ "$status" -eq 1 ]
}

@test "no tracked data" {
  mlops init -q
  run mlops status
  [ "$output" = "No tracked data (track some with 'mlops add PATH')." ]
}

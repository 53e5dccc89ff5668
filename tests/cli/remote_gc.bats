#!/usr/bin/env bats
# gc -r: cleaning a folder remote of what nothing kept names, while others push.
load helpers
load folder_remote

# Objects on the remote, one id per line.
remote_objects() { (cd "$REMOTE/objects" && find . -type f | sed 's|^\./\(..\)/|xxh128:\1|' | sort); }

# Makes everything on the remote two days old.
age_remote() { find "$REMOTE" -exec touch -h -d '2 days ago' {} +; }

@test "gc -r keeps the workspace, registered models and the remote's runs; removes the rest once old" {
  echo v1 > data.txt && mlops add -q data.txt && git add -A && git commit -qm v1
  old=$(pointer_id data.txt.mlops)
  mlops push -q
  echo v2 > data.txt && mlops add -q data.txt && git add -A && git commit -qm v2
  new=$(pointer_id data.txt.mlops)
  echo weights > model.bin && mlops model register -q clf model.bin
  model=$(mlops model show clf --json | jq -r .id)
  echo art > art.txt && mlops exp run -q -n trainer --artifact art.txt -- true
  art=$(mlops exp show trainer --json | jq -r '.artifacts["art.txt"]')
  mlops push -q && mlops exp push -q
  # Young: nothing goes, whatever names it.
  run mlops gc -r origin -w --json
  [ "$status" -eq 0 ]
  [ "$(jq '.removed | length' <<<"$output")" -eq 0 ]
  [ "$(jq '.young_kept' <<<"$output")" -eq 1 ]
  age_remote
  before=$(remote_objects)
  run mlops gc -r origin -w --dry-run --json
  echo "$output"
  [ "$(jq -r '.removed[].id' <<<"$output")" = "$old" ]
  [ "$(remote_objects)" = "$before" ]
  run mlops gc -r origin -w
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == "Removed 1 object"* ]]
  ! grep -q "$old" <<<"$(remote_objects)"
  for id in "$new" "$model" "$art"; do grep -q "$id" <<<"$(remote_objects)"; done
  # -a keeps what a branch needs: v1 is on no branch tip, so it stays gone;
  # a fresh clone still gets everything the workspace, models and runs need.
  git clone -q . "$BATS_TEST_TMPDIR/fresh" && cd "$BATS_TEST_TMPDIR/fresh"
  mlops pull -q
  [ "$(cat data.txt)" = v2 ]
  mlops exp pull -q
  mlops model sync -q && mlops model get -q clf -o m.bin && [ "$(cat m.bin)" = weights ]
  run mlops fsck
  [ "$status" -eq 0 ]
}

@test "gc -r -A keeps every commit's data; --grace and gc.grace are checked" {
  echo v1 > data.txt && mlops add -q data.txt && git add -A && git commit -qm v1
  old=$(pointer_id data.txt.mlops)
  mlops push -q
  echo v2 > data.txt && mlops add -q data.txt && git add -A && git commit -qm v2
  mlops push -q
  run mlops gc -r origin -A --grace 0 --json
  [ "$status" -eq 0 ]
  [ "$(jq '.removed | length' <<<"$output")" -eq 0 ]
  grep -q "$old" <<<"$(remote_objects)"
  run mlops gc -r origin -w --grace 3x
  [ "$status" -eq 2 ]
  [[ "$output" == *"--grace: '3x' is not a duration"* ]]
  run mlops config gc.grace soon
  [ "$status" -eq 2 ]
  mlops config gc.grace 0
  run mlops gc -r origin -w --json
  [ "$(jq '.removed | length' <<<"$output")" -eq 1 ]
  run mlops gc -r origin
  [ "$status" -eq 2 ]
  [[ "$output" == *"say what to keep"* ]]
}

@test "gc -r refuses, removing nothing, while a run page fails its checks" {
  mlops exp run -q -n r -- true
  mlops exp push -q
  echo garbage > junk && mlops add -q junk && mlops push -q && rm junk.mlops
  echo '{"format":"mlops-runs 1","runs":[' > "$REMOTE/runs/1700000000000-00000000000000000000000000000000.json"
  before=$(remote_objects)
  run mlops gc -r origin -w --grace 0
  echo "$output"
  [ "$status" -eq 8 ]
  [[ "$output" == *"nothing was removed"*"runs/1700000000000-00000000000000000000000000000000.json"* ]]
  [ "$(remote_objects)" = "$before" ]
}

@test "gc -r removes what killed pushes left in the remote's tmp/, once older than the grace period" {
  mkdir -p "$REMOTE/tmp" && echo half > "$REMOTE/tmp/obj.Xyz123" && echo fresh > "$REMOTE/tmp/obj.New456"
  touch -d '3 days ago' "$REMOTE/tmp/obj.Xyz123"
  echo x > d && mlops add -q d && mlops push -q
  run mlops gc -r origin -w --json
  [ "$(jq '.partial_uploads_removed' <<<"$output")" -eq 1 ]
  [ ! -e "$REMOTE/tmp/obj.Xyz123" ] && [ -e "$REMOTE/tmp/obj.New456" ]
}

@test "after gc -r, another clone's push sends again what its remote index wrongly remembers" {
  echo v1 > data.txt && mlops add -q data.txt && git add -A && git commit -qm v1
  old=$(pointer_id data.txt.mlops)
  mlops push -q
  git clone -q . "$BATS_TEST_TMPDIR/other"
  echo v2 > data.txt && mlops add -q data.txt && git add -A && git commit -qm v2 && mlops push -q
  # The other clone fetched v1 and knows the remote has it.
  (cd "$BATS_TEST_TMPDIR/other" && mlops pull -q && mlops push -q)
  mlops gc -r origin -w --grace 0 -q
  ! grep -q "$old" <<<"$(remote_objects)"
  cd "$BATS_TEST_TMPDIR/other"
  run mlops push --json
  [ "$(jq '.transferred' <<<"$output")" -eq 1 ]
  grep -q "$old" <<<"$(remote_objects)"
}

@test "gc -r in a loop while another clone pushes runs: nothing it pushed is lost" {
  git add -A && git commit -qm base
  # Old garbage, for gc to remove meanwhile.
  echo junk > junk && mlops add -q junk && mlops push -q && junk=$(pointer_id junk.mlops) && rm junk.mlops
  age_remote
  clone_dir="$BATS_TEST_TMPDIR/pusher"
  git clone -q . "$clone_dir"
  (
    cd "$clone_dir"
    for i in $(seq 1 15); do
      echo "artifact $i" > "a$i.txt"
      mlops exp run -q -n "p$i" --artifact "a$i.txt" -- sh -c "echo '{\"m\": $i}' >> \$MLOPS_METRICS_FILE"
      mlops exp push -q "p$i"
    done
  ) &
  pusher=$!
  # A grace period of seconds: each push writes its page within it (the
  # guarantee mlops-gc(1) gives); everything older that nothing names goes.
  while kill -0 "$pusher" 2>/dev/null; do mlops gc -r origin -w --grace 5s -q; done
  wait "$pusher"
  mlops gc -r origin -w --grace 5s -q
  ! grep -q "$junk" <<<"$(remote_objects)"
  git clone -q . "$BATS_TEST_TMPDIR/fresh" && cd "$BATS_TEST_TMPDIR/fresh"
  run mlops exp pull --json
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(jq '.pulled | length' <<<"$output")" -eq 15 ]
  run mlops fsck
  [ "$status" -eq 0 ]
  a=$(mlops exp show p15 --json | jq -r '.artifacts["a15.txt"]')
  [ "$(cat "$(object_path "$a")")" = "artifact 15" ]
}

@test "gc -r does not follow symlinks on the remote out of it" {
  mkdir -p "$BATS_TEST_TMPDIR/victimdocs" && echo secret > "$BATS_TEST_TMPDIR/victimdocs/thesis.tex"
  touch -d '2 days ago' "$BATS_TEST_TMPDIR/victimdocs/thesis.tex"
  echo x > d && mlops add -q d && mlops push -q
  rm -rf "$REMOTE/tmp" && ln -s "$BATS_TEST_TMPDIR/victimdocs" "$REMOTE/tmp"
  run mlops gc -r origin -w
  echo "$output"
  [ "$status" -eq 8 ]
  [[ "$output" == *"tmp is not a folder (a symlink?)"* ]]
  [ -e "$BATS_TEST_TMPDIR/victimdocs/thesis.tex" ]
  # objects/ as a symlink to a store: refused, nothing removed there.
  rm "$REMOTE/tmp"
  mv "$REMOTE/objects" "$BATS_TEST_TMPDIR/elsewhere" && ln -s "$BATS_TEST_TMPDIR/elsewhere" "$REMOTE/objects"
  before=$(find "$BATS_TEST_TMPDIR/elsewhere" -type f | wc -l)
  run mlops gc -r origin -w --grace 0
  [ "$status" -eq 8 ]
  [ "$(find "$BATS_TEST_TMPDIR/elsewhere" -type f | wc -l)" -eq "$before" ]
}

@test "a gc marker planted with a future date does not keep other clones trusting their remote index" {
  mkdir -p "$REMOTE/gc" && echo x > "$REMOTE/gc/9999999999999-ffffffffffffffff"
  echo v1 > data.txt && mlops add -q data.txt && git add -A && git commit -qm v1
  old=$(pointer_id data.txt.mlops)
  mlops push -q
  git clone -q . "$BATS_TEST_TMPDIR/other"
  (cd "$BATS_TEST_TMPDIR/other" && mlops pull -q && mlops push -q)
  echo v2 > data.txt && mlops add -q data.txt && git add -A && git commit -qm v2 && mlops push -q
  mlops gc -r origin -w --grace 0 -q
  ! grep -q "$old" <<<"$(remote_objects)"
  cd "$BATS_TEST_TMPDIR/other"
  run mlops push --json
  [ "$(jq '.transferred' <<<"$output")" -eq 1 ]
}

#!/usr/bin/env bats
# Folder remotes: configuration, push, fetch, pull, status --remote, a fresh
# clone, corrupt and missing remote objects, interrupted transfers.
load helpers

commit() { git add -A && git commit -qm "$1"; }

# Every object's content must hash to its name, under DIR/objects.
check_objects() {
  local dir=$1 f id
  while IFS= read -r f; do
    id="${f#"$dir"/objects/}"
    id="${id/\//}"
    [ "$(xxhsum -H2 < "$f" | cut -d' ' -f1)" = "$id" ] || { echo "corrupt object $f" >&2; return 1; }
  done < <(find "$dir/objects" -type f)
}

setup_remote_repo() {
  REMOTE="$BATS_TEST_TMPDIR/remote store"   # a space on purpose
  mlops init -q
  make_files data 20
  echo model > model.bin
  mlops add -q data model.bin
  mlops remote add -q origin "$REMOTE" --default
  commit v1
}

@test "remote add, list, default, modify, remove" {
  mlops init -q
  run mlops remote add origin /tmp/somewhere --default
  [ "$status" -eq 0 ]
  mlops remote add backup ../backup
  run mlops remote list
  [ "$output" = "$(printf 'origin\t/tmp/somewhere\t(default)\nbackup\t../backup')" ]
  run mlops remote list --json
  [ "$(jq -r '.[] | select(.default) | .name' <<<"$output")" = origin ]
  mlops remote default backup
  [ "$(mlops remote default)" = backup ]
  [ "$(git config -f .mlops/config core.remote)" = backup ]
  mlops remote modify backup jobs 3
  [ "$(git config -f .mlops/config remote.backup.jobs)" = 3 ]
  run mlops remote modify backup colour red
  [ "$status" -eq 2 ]
  run mlops remote modify backup jobs zero
  [ "$status" -eq 2 ]
  run mlops remote add origin /elsewhere
  [ "$status" -eq 2 ]
  [[ "$output" == *"remote 'origin' exists already"* ]]
  run mlops remote add 'bad name' /x
  [ "$status" -eq 2 ]
  run mlops remote add web https://example.com/data
  [ "$status" -eq 2 ]
  [[ "$output" == *"unsupported remote URL"* ]]
  mlops remote remove backup
  run mlops remote list
  [ "$output" = "$(printf 'origin\t/tmp/somewhere\t(default)')" ]
  [ -z "$(git config -f .mlops/config core.remote || true)" ]
  run mlops remote remove nope
  [ "$status" -eq 2 ]
}

@test "push sends only what the remote lacks, in the store's own layout" {
  setup_remote_repo
  run mlops push --json
  [ "$status" -eq 0 ]
  [ "$(jq '.transferred' <<<"$output")" -eq 22 ]   # 20 files, the model, the manifest
  # Same layout as the local store: the two object trees are identical.
  diff -r .mlops/objects "$REMOTE/objects"
  check_objects "$REMOTE"
  run mlops push --json
  [ "$(jq '.transferred' <<<"$output")" -eq 0 ]
  [ "$(jq '.already' <<<"$output")" -eq 22 ]
  echo changed > data/f3.txt && mlops add -q data
  run mlops push
  [[ "$output" == *"pushed 2 objects ("*") to origin; 20 already there."* ]]
  [ -z "$(ls -A "$REMOTE/tmp")" ]
}

@test "a fresh clone pulls the data; status --remote tells what is where" {
  setup_remote_repo
  run mlops status --remote --exit-code
  [ "$status" -eq 1 ]
  [[ "$output" == *"not pushed:  model.bin"* ]]
  mlops push -q
  run mlops status --remote --exit-code
  [ "$status" -eq 0 ]
  git clone -q . "$BATS_TEST_TMPDIR/clone"
  cd "$BATS_TEST_TMPDIR/clone"
  run mlops status --exit-code
  [ "$status" -eq 1 ]
  [[ "$output" == *"not in the store"* ]]
  run mlops status -r origin --json
  [ "$(jq '.not_fetched | length' <<<"$output")" -eq 2 ]   # the model and data's manifest
  run mlops pull
  [ "$status" -eq 0 ]
  [[ "$output" == *"fetched 22 objects"* ]]
  [ "$(xxh_id model.bin)" = "$(pointer_id model.bin.mlops)" ]
  [ "$(cat data/f7.txt)" = "file 7 of data" ]
  run mlops status --exit-code
  [ "$status" -eq 0 ]
  run mlops status --remote --exit-code
  [ "$status" -eq 0 ]
}

@test "fetch re-hashes: a corrupt remote object is refused and not kept" {
  setup_remote_repo
  mlops push -q
  git clone -q . "$BATS_TEST_TMPDIR/clone"
  obj="$REMOTE/$(object_path "$(pointer_id model.bin.mlops)" | sed 's|^.mlops/||')"
  chmod u+w "$obj" && echo evil > "$obj"
  cd "$BATS_TEST_TMPDIR/clone"
  run mlops pull
  [ "$status" -eq 8 ]
  [[ "$output" == *"1 object(s) on the remote origin do not match their names and were not kept"* ]]
  [[ "$output" == *"model.bin ("* ]]
  [ ! -e "$(object_path "$(pointer_id model.bin.mlops)")" ]
  check_objects .mlops
  # Everything else arrived.
  run mlops status --json
  [ "$(jq -r '.paths[] | select(.path == "data") | .in_store' <<<"$output")" = true ]
}

@test "objects missing from the remote are listed, with exit code 8" {
  setup_remote_repo
  mlops push -q data
  git clone -q . "$BATS_TEST_TMPDIR/clone"
  cd "$BATS_TEST_TMPDIR/clone"
  run mlops fetch
  [ "$status" -eq 8 ]
  [[ "$output" == *"1 needed object(s) are not on the remote origin"* ]]
  [[ "$output" == *"model.bin ("* ]]
}

@test "pull restores everything the remote has, then names what it lacks (exit 8)" {
  setup_remote_repo
  mlops push -q data
  git clone -q . "$BATS_TEST_TMPDIR/clone"
  cd "$BATS_TEST_TMPDIR/clone"
  run mlops pull
  echo "$output"
  [ "$status" -eq 8 ]
  [[ "$output" == *"data: 20 files restored"* ]]
  [[ "$output" == *"1 needed object(s) are not on the remote origin"* ]]
  [[ "$output" == *"not restored (everything else was):"* ]]
  [[ "$output" == *"  model.bin"* ]]
  [ "$(cat data/f7.txt)" = "file 7 of data" ]
  [ ! -e model.bin ]
  # --json says the same; a damaged object does not hold back the rest, nor
  # hide what is missing.
  f3=$(xxh_id data/f3.txt)
  obj="$REMOTE/$(object_path "$f3" | sed 's|^.mlops/||')"
  chmod u+w "$obj" && head -c 5000 /dev/urandom > "$obj"
  git clone -q "$TEST_REPO" "$BATS_TEST_TMPDIR/clone2" && cd "$BATS_TEST_TMPDIR/clone2"
  run mlops pull --json
  echo "$output"
  [ "$status" -eq 8 ]
  json=$(sed -n '/^{/,/^}/p' <<<"$output")
  [ "$(jq -c .not_restored <<<"$json")" = '["data","model.bin"]' ]
  [ "$(jq '.absent | length' <<<"$json")" -eq 1 ]
  [[ "$(jq -r '.corrupt[0]' <<<"$json")" == "data/f3.txt ($f3): object $f3 from remote origin is larger than expected"* ]]
  [[ "$output" == *"do not match their names and were not kept"* ]]
  [[ "$output" == *"1 needed object(s) are not on the remote origin"* ]]
  [[ "$output" == *$'not restored:\n  data\n  model.bin'* ]]
  [ ! -e data ]
  # The damaged copy is replaced, the missing one pushed: the next pull brings all.
  cp "$TEST_REPO/data/f3.txt" "$obj"
  cd "$TEST_REPO" && mlops push -q && cd "$BATS_TEST_TMPDIR/clone2"
  run mlops pull
  [ "$status" -eq 0 ]
  [ "$(cat data/f3.txt)" = "file 3 of data" ]
  [ "$(xxh_id model.bin)" = "$(pointer_id model.bin.mlops)" ]
  run mlops status --exit-code
  [ "$status" -eq 0 ]
}

@test "push --rev and --all-branches send the data of other revisions" {
  setup_remote_repo
  echo v2 > model.bin && mlops add -q model.bin && commit v2
  run mlops push --rev HEAD~1 --json model.bin
  [ "$(jq '.transferred' <<<"$output")" -eq 1 ]
  [ -f "$REMOTE/$(git show HEAD~1:model.bin.mlops | sed -n 's/^id: //p' | sed 's/xxh128://' | sed 's|^\(..\)|objects/\1/|')" ]
  run mlops push --all-branches --json
  [ "$(jq '.transferred' <<<"$output")" -eq 22 ]
}

@test "push and pull without a usable remote say what to do" {
  mlops init -q
  echo x > f && mlops add -q f
  run mlops push
  [ "$status" -eq 2 ]
  [[ "$output" == *"no remote is configured"* ]]
  mlops remote add a /tmp/a && mlops remote add b /tmp/b
  run mlops push
  [ "$status" -eq 2 ]
  [[ "$output" == *"several remotes are configured and none is the default"* ]]
  run mlops push -r nope
  [ "$status" -eq 2 ]
  [[ "$output" == *"no remote named 'nope'"* ]]
}

@test "kill -9 during push and pull leaves no partial object; a retry completes" {
  REMOTE="$BATS_TEST_TMPDIR/remote"
  mlops init -q
  openssl enc -aes-128-ctr -nosalt -K 00112233445566778899aabbccddeeff -iv 0 -in /dev/zero 2>/dev/null |
    head -c 200000000 > big.bin
  make_files data 500
  mlops add -q big.bin data
  mlops remote add -q origin "$REMOTE" --default
  commit v1
  for delay in 0.05 0.15 0.3; do
    "$MLOPS" push >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    [ -d "$REMOTE/objects" ] && check_objects "$REMOTE"
  done
  run mlops push
  [ "$status" -eq 0 ]
  check_objects "$REMOTE"
  git clone -q . "$BATS_TEST_TMPDIR/clone"
  cd "$BATS_TEST_TMPDIR/clone"
  for delay in 0.05 0.15 0.3; do
    "$MLOPS" fetch >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    [ -d .mlops/objects ] && check_objects .mlops
  done
  run mlops pull
  [ "$status" -eq 0 ]
  run mlops status --exit-code
  [ "$status" -eq 0 ]
  [ "$(xxh_id big.bin)" = "$(pointer_id big.bin.mlops)" ]
}

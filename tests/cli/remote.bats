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

# A repository whose remote takes packs: 200 small files, an empty one and one of 2 MB.
setup_packs_repo() {
  setup_remote_repo
  make_files many 200
  : > many/empty.txt
  head -c 2000000 /dev/urandom > big.bin
  mlops add -q many big.bin
  mlops config remote.origin.packs true
  commit packs
}

@test "packs: small objects travel as a few pack files with indexes; large ones loose; a fresh clone pulls them back" {
  setup_packs_repo
  run mlops push --json
  [ "$status" -eq 0 ]
  # 20 + 201 files, model.bin, big.bin, two folder manifests.
  [ "$(jq '.transferred' <<<"$output")" -eq 225 ]
  # The small files are in one pack; big.bin is loose, and so are the two
  # folder manifests (sent after the files, too few to be worth a pack).
  [ "$(find "$REMOTE/objects" -type f | wc -l)" -eq 3 ]
  [ "$(find "$REMOTE/packs" -name '*.pack' | wc -l)" -eq 1 ]
  [ "$(find "$REMOTE/packs" -name '*.idx' | wc -l)" -eq 1 ]
  # Each pack is named by its hash, starts with the header, and its index
  # says where each object's bytes are.
  for p in "$REMOTE"/packs/*.pack; do
    [ "$(xxhsum -H2 < "$p" | cut -d' ' -f1)" = "$(basename "$p" .pack)" ]
    [ "$(head -c 13 "$p")" = "mlops-pack 1" ]
  done
  idx=$(ls -S "$REMOTE"/packs/*.idx | head -1)
  [ "$(head -1 "$idx")" = "mlops-pack-index 1" ]
  [ "$(wc -l < "$idx")" -eq 223 ]  # the header, 221 files and model.bin
  # A file of under 64 bytes is stored as it is ("raw"); larger text in zstd.
  line=$(grep -F " raw" "$idx" | head -1)
  read -r id offset size coding <<<"$line"
  [ "$coding" = raw ]
  pack="${idx%.idx}.pack"
  [ "$(tail -c +$((offset + 1)) "$pack" | head -c "$size" | xxhsum -H2 | cut -d' ' -f1)" = "${id#xxh128:}" ]
  # Nothing more to send.
  run mlops push --json
  [ "$(jq '.transferred' <<<"$output")" -eq 0 ]
  run mlops status --remote --exit-code
  [ "$status" -eq 0 ]
  git clone -q . "$BATS_TEST_TMPDIR/clone" && cd "$BATS_TEST_TMPDIR/clone"
  run mlops pull
  [ "$status" -eq 0 ]
  run mlops status --exit-code
  [ "$status" -eq 0 ]
  [ "$(cat many/f7.txt)" = "file 7 of many" ]
  [ -f many/empty.txt ] && [ ! -s many/empty.txt ]
  cmp big.bin "$TEST_REPO/big.bin"
  run mlops fsck -r origin
  [ "$status" -eq 0 ]
  [[ "$output" == *"0 corrupt, 0 missing"* ]]
}

@test "packs beside loose objects on one remote; a remote without packs keeps working; gc -r moves the loose ones into a pack" {
  setup_remote_repo
  mlops push -q   # loose, as before packs
  loose=$(find "$REMOTE/objects" -type f | wc -l)
  make_files more 50
  mlops add -q more
  mlops config remote.origin.packs true
  commit more
  run mlops push --json
  [ "$(jq '.transferred' <<<"$output")" -eq 51 ]
  # The 50 files in a pack; the folder's manifest alone, loose.
  [ "$(find "$REMOTE/objects" -type f | wc -l)" -eq "$((loose + 1))" ]
  git clone -q . "$BATS_TEST_TMPDIR/clone" && cd "$BATS_TEST_TMPDIR/clone"
  run mlops pull
  [ "$status" -eq 0 ]
  [ "$(cat more/f3.txt)" = "file 3 of more" ]
  [ "$(cat data/f3.txt)" = "file 3 of data" ]
  before=$(ls "$REMOTE/packs" | sort)
  run mlops gc -r origin -w --grace 0 --json
  [ "$status" -eq 0 ]
  # Every loose object is small and live: into a new pack; the pack there stays.
  [ "$(jq '.packs.loose_packed' <<<"$output")" -eq "$((loose + 1))" ]
  [ "$(find "$REMOTE/objects" -type f | wc -l)" -eq 0 ]
  for p in $before; do [ -e "$REMOTE/packs/$p" ]; done
  [ "$(ls "$REMOTE/packs" | wc -l)" -eq 4 ]
  rm -rf .mlops/objects && mkdir .mlops/objects && rm -rf more
  run mlops pull
  [ "$status" -eq 0 ]
  [ "$(cat more/f3.txt)" = "file 3 of more" ]
}

@test "packs: an index lost with its push leaves nothing a reader uses, and the next push sends again" {
  setup_packs_repo
  mlops push -q
  # As if the push died after the pack and before its index.
  files_idx=$(ls -S "$REMOTE"/packs/*.idx | head -1)
  rm -f "$files_idx"
  git clone -q . "$BATS_TEST_TMPDIR/clone" && cd "$BATS_TEST_TMPDIR/clone"
  run mlops pull
  [ "$status" -eq 8 ]
  [[ "$output" == *"needed object(s) are not on the remote origin"* ]]
  cd "$TEST_REPO"
  # This clone's remote index remembers them as sent: --no-remote-index asks the remote.
  run mlops push --json --no-remote-index
  [ "$status" -eq 0 ]
  [ "$(jq '.transferred' <<<"$output")" -gt 200 ]
  cd "$BATS_TEST_TMPDIR/clone"
  run mlops pull
  [ "$status" -eq 0 ]
  [ "$(cat many/f9.txt)" = "file 9 of many" ]
}

@test "packs from a hostile remote: a forged index or pack is refused by name and nothing wrong is kept" {
  setup_packs_repo
  mlops push -q
  files_idx=$(ls -S "$REMOTE"/packs/*.idx | head -1)
  pack="${files_idx%.idx}.pack"
  git clone -q . "$BATS_TEST_TMPDIR/clone"
  cd "$BATS_TEST_TMPDIR/clone"
  # 1. An index pointing every object at the wrong bytes (the first entry's).
  chmod u+w "$REMOTE/packs" "$files_idx"
  cp "$files_idx" "$BATS_TEST_TMPDIR/good.idx"
  read -r _ off0 size0 coding0 < <(sed -n 2p "$files_idx")
  awk -v o="$off0" -v s="$size0" -v c="$coding0" 'NR == 1 { print; next } { print $1, o, s, c }' \
    "$BATS_TEST_TMPDIR/good.idx" > "$files_idx"
  run mlops pull
  [ "$status" -eq 8 ]
  [[ "$output" == *"do not match their names and were not kept"* ]]
  check_objects .mlops   # whatever was kept is what its name says
  # 2. A garbage index: said, its objects absent, nothing else changes.
  printf 'mlops-pack-index 1\nnotanid 13 2 raw\n' > "$files_idx"
  run mlops pull
  [ "$status" -eq 8 ]
  [[ "$output" == *"these pack indexes on it were left out"*"packs/$(basename "$files_idx"):2: 'notanid' is not an object id"* ]]
  # 3. A huge size, an offset past the end, a pack that is a symlink.
  printf 'mlops-pack-index 1\n%s 13 99999999 raw\n' "$(sed -n 2p "$BATS_TEST_TMPDIR/good.idx" | cut -d' ' -f1)" > "$files_idx"
  run mlops pull
  [ "$status" -eq 8 ]
  [[ "$output" == *"packs hold objects of at most 1048576"* ]]
  awk 'NR == 1 { print; next } { print $1, 999999999, $3, $4 }' "$BATS_TEST_TMPDIR/good.idx" > "$files_idx"
  run mlops pull
  [ "$status" -eq 8 ]
  [[ "$output" == *"do not match their names"* ]]
  cp "$BATS_TEST_TMPDIR/good.idx" "$files_idx"
  mv "$pack" "$BATS_TEST_TMPDIR/real.pack"
  ln -s /etc/passwd "$pack"
  run mlops pull
  [ "$status" -eq 8 ]
  ! grep -rq "root:" .mlops/objects many 2>/dev/null
  # 4. A pack cut in half: read in one run, what arrived whole is kept, the
  # rest is corrupt.
  rm "$pack"
  head -c "$(( $(stat -c %s "$BATS_TEST_TMPDIR/real.pack") / 2 ))" "$BATS_TEST_TMPDIR/real.pack" > "$pack"
  rm -rf .mlops/objects && mkdir .mlops/objects
  run mlops pull
  [ "$status" -eq 8 ]
  [[ "$output" == *"do not match their names and were not kept"* ]]
  kept=$(find .mlops/objects -type f | wc -l)
  [ "$kept" -gt 50 ] && [ "$kept" -lt 200 ]
  check_objects .mlops
  # 5. The real pack back: the pull completes, and fsck -r is clean.
  rm "$pack" && mv "$BATS_TEST_TMPDIR/real.pack" "$pack"
  run mlops pull
  [ "$status" -eq 0 ]
  [ "$(cat many/f1.txt)" = "file 1 of many" ]
  run mlops fsck -r origin
  [ "$status" -eq 0 ]
}

@test "remote.NAME.packs is true or false; settings of a remote that does not exist are refused" {
  setup_remote_repo
  run mlops config remote.origin.packs maybe
  [ "$status" -eq 2 ]
  [[ "$output" == *"remote.origin.packs must be true or false, not 'maybe'"* ]]
  [ -z "$(git config -f .mlops/config remote.origin.packs)" ]
  # A setting of a remote that does not exist makes no remote.
  run mlops config remote.nosuch.packs true
  [ "$status" -eq 2 ]
  [[ "$output" == *"no remote named 'nosuch'"*"mlops remote add nosuch URL"* ]]
  run mlops config remote.nosuch.jobs 4
  [ "$status" -eq 2 ]
  [ -z "$(git config -f .mlops/config --get-regexp '^remote\.nosuch\.' || true)" ]
}

@test "packs: pushes killed at any moment lose nothing; two clones pushing packs at once both land" {
  setup_packs_repo
  git clone -q . "$BATS_TEST_TMPDIR/other"
  for t in 0.05 0.1 0.2; do
    timeout -s KILL "$t" "$MLOPS" push -q >/dev/null 2>&1 || true
    # Whatever is on the remote now is whole: every index names a pack
    # whose objects hash to their ids (fsck -r of what is there).
    for idx in "$REMOTE"/packs/*.idx; do
      [ -e "$idx" ] || continue
      [ -f "${idx%.idx}.pack" ]
    done
  done
  run mlops push --no-remote-index
  [ "$status" -eq 0 ]
  run mlops fsck -r origin
  [ "$status" -eq 0 ]
  # Two clones with different new data push packs at the same time.
  make_files mine 100
  mlops add -q mine && commit mine
  cd "$BATS_TEST_TMPDIR/other"
  mlops pull -q
  make_files theirs 100
  mlops add -q theirs && commit theirs
  cd "$TEST_REPO"
  mlops push -q & a=$!
  (cd "$BATS_TEST_TMPDIR/other" && mlops push -q) & b=$!
  wait "$a"
  wait "$b"
  # Each clone finds on the remote everything it pushed, read back whole.
  for clone in "$TEST_REPO" "$BATS_TEST_TMPDIR/other"; do
    cd "$clone"
    run mlops push --no-remote-index --json
    [ "$(jq '.transferred' <<<"$output")" -eq 0 ]
    run mlops fsck -r origin
    [ "$status" -eq 0 ]
    rm -rf .mlops/objects && mkdir .mlops/objects
    run mlops pull --force
    [ "$status" -eq 0 ]
    run mlops status --exit-code
    [ "$status" -eq 0 ]
  done
  [ "$(cat "$TEST_REPO/mine/f5.txt")" = "file 5 of mine" ]
  [ "$(cat "$BATS_TEST_TMPDIR/other/theirs/f5.txt")" = "file 5 of theirs" ]
}

@test "packs: a damaged packed object or a lost pack is found by fsck -r, sent again loose by push, then pulled; a good loose copy is never moved aside" {
  setup_packs_repo
  mlops push -q
  idx=$(ls -S "$REMOTE"/packs/*.idx | head -1)
  pack="${idx%.idx}.pack"
  read -r id off len coding < <(sed -n 3p "$idx")
  chmod u+w "$REMOTE/packs" "$pack"
  cp "$pack" "$BATS_TEST_TMPDIR/real.pack"
  # One object's stretch damaged.
  printf 'X' | dd of="$pack" bs=1 seek=$((off + 1)) conv=notrunc 2>/dev/null
  git clone -q . "$BATS_TEST_TMPDIR/clone"
  cd "$BATS_TEST_TMPDIR/clone"
  run mlops pull
  [ "$status" -eq 8 ]
  [[ "$output" == *"do not match their names"*"in packs/$(basename "$pack") at $off"* ]]
  cd "$TEST_REPO"
  run mlops fsck -r origin --json
  [ "$status" -eq 1 ]
  [ "$(jq -r '.corrupt_in_packs | length' <<<"$output")" -eq 1 ]
  [ "$(jq -r '.corrupt | length' <<<"$output")" -eq 0 ]
  [[ "$(jq -r '.corrupt_in_packs[0]' <<<"$output")" == *"$id"*"in packs/$(basename "$pack") at $off"* ]]
  [ -z "$(ls "$REMOTE/quarantine" 2>/dev/null)" ]
  run mlops status --remote --exit-code
  [ "$status" -eq 1 ]
  run mlops push --json
  [ "$(jq '.transferred' <<<"$output")" -eq 1 ]
  [ -f "$REMOTE/objects/${id:7:2}/${id:9}" ]
  # The good loose copy is read despite the damaged packed one, and fsck -r
  # keeps it (it must not be moved aside for the pack's fault).
  run mlops fsck -r origin
  [ "$status" -eq 0 ]
  [ -f "$REMOTE/objects/${id:7:2}/${id:9}" ]
  cd "$BATS_TEST_TMPDIR/clone"
  run mlops pull
  [ "$status" -eq 0 ]
  run mlops status --exit-code
  [ "$status" -eq 0 ]
  # A whole pack lost while its index stays.
  cd "$TEST_REPO"
  rm -f "$pack"
  run mlops fsck -r origin
  [ "$status" -eq 1 ]
  [[ "$output" == *"missing on origin"*"in packs/$(basename "$pack")"* ]]
  run mlops push --json
  [ "$(jq '.transferred' <<<"$output")" -gt 200 ]
  run mlops fsck -r origin
  [ "$status" -eq 0 ]
  cd "$BATS_TEST_TMPDIR/clone"
  rm -rf .mlops/objects && mkdir .mlops/objects
  run mlops pull --force
  [ "$status" -eq 0 ]
  [ "$(cat many/f42.txt)" = "file 42 of many" ]
}

@test "packs: text is stored compressed and comes back identical; a zstd bomb or a fake frame from the remote is refused" {
  setup_remote_repo
  mkdir csv
  for i in $(seq 1 60); do seq -f "2026-12-01,sensor-$i,%g,0.25" 1 300 > "csv/part-$i.csv"; done
  head -c 1048576 /dev/zero | tr '\0' a > csv/zeros.txt
  mlops add -q csv
  mlops config remote.origin.packs true
  commit csv
  run mlops push --json
  [ "$status" -eq 0 ]
  raw=$(du -cb csv/*.csv csv/zeros.txt | tail -1 | cut -f1)
  idx=$(ls -S "$REMOTE"/packs/*.idx | head -1)
  pack="${idx%.idx}.pack"
  # The CSV text takes a fraction of its size; every CSV went in as zstd.
  [ "$(stat -c %s "$pack")" -lt $((raw / 10)) ]
  [ "$(grep -c ' zstd$' "$idx")" -ge 61 ]
  git clone -q . "$BATS_TEST_TMPDIR/clone"
  cd "$BATS_TEST_TMPDIR/clone"
  run mlops pull
  [ "$status" -eq 0 ]
  diff -r csv "$TEST_REPO/csv"
  # This clone keeps the index it read; a clone that has not read it yet:
  git clone -q "$TEST_REPO" "$BATS_TEST_TMPDIR/clone2"
  cd "$BATS_TEST_TMPDIR/clone2"
  # A bomb: a small file's entry pointing at the 1 MiB file's frame.
  small=$(xxhsum -H2 < "$TEST_REPO/csv/part-1.csv" | cut -d' ' -f1)
  zeros=$(xxhsum -H2 < "$TEST_REPO/csv/zeros.txt" | cut -d' ' -f1)
  read -r _ zoff zlen _ < <(grep "xxh128:$zeros " "$idx")
  chmod u+w "$REMOTE/packs" "$idx"
  cp "$idx" "$BATS_TEST_TMPDIR/good.idx"
  awk -v id="xxh128:$small" -v o="$zoff" -v l="$zlen" '$1 == id { print $1, o, l, "zstd"; next } { print }' \
    "$BATS_TEST_TMPDIR/good.idx" > "$idx"
  run mlops pull
  [ "$status" -eq 8 ]
  [[ "$output" == *"csv/part-1.csv"*"decompresses to 1048576 bytes, more than the $(stat -c %s "$TEST_REPO/csv/part-1.csv") expected"* ]]
  check_objects .mlops
  # A raw stretch said to be zstd.
  read -r _ roff rlen _ < <(grep ' raw$' "$BATS_TEST_TMPDIR/good.idx" | head -1)
  awk -v id="xxh128:$small" -v o="$roff" -v l="$rlen" '$1 == id { print $1, o, l, "zstd"; next } { print }' \
    "$BATS_TEST_TMPDIR/good.idx" > "$idx"
  run mlops pull
  [ "$status" -eq 8 ]
  [[ "$output" == *"csv/part-1.csv"*"not a zstd frame"* ]]
  check_objects .mlops
  cp "$BATS_TEST_TMPDIR/good.idx" "$idx"
  run mlops pull
  [ "$status" -eq 0 ]
  diff -r csv "$TEST_REPO/csv"
}

@test "packs: a file where the packs folder should be hides no loose object" {
  setup_remote_repo
  mlops push -q
  echo x > "$REMOTE/packs"
  git clone -q . "$BATS_TEST_TMPDIR/clone" && cd "$BATS_TEST_TMPDIR/clone"
  run mlops pull
  [ "$status" -eq 0 ]
  run mlops fsck -r origin
  [ "$status" -eq 0 ]
  run mlops status --remote --exit-code
  [ "$status" -eq 0 ]
}

@test "packs: an index cut short on the remote, then mended: the clone that kept it recovers on its next pull; fsck -r reads every index anew" {
  setup_packs_repo
  mlops push -q
  idx=$(ls -S "$REMOTE"/packs/*.idx | head -1)
  chmod u+w "$REMOTE/packs" "$idx"
  cp "$idx" "$BATS_TEST_TMPDIR/good.idx"
  head -n 6 "$BATS_TEST_TMPDIR/good.idx" > "$idx"   # 5 of its entries left
  for clone in one two; do
    git clone -q . "$BATS_TEST_TMPDIR/$clone"
    cd "$BATS_TEST_TMPDIR/$clone"
    run mlops pull
    [ "$status" -eq 8 ]
    [[ "$output" == *"needed object(s) are not on the remote origin"* ]]
    cd "$TEST_REPO"
  done
  cp "$BATS_TEST_TMPDIR/good.idx" "$idx"
  # The index this clone keeps is the short one: pull finds objects missing,
  # reads every index anew, and gets them.
  cd "$BATS_TEST_TMPDIR/one"
  run mlops pull
  [ "$status" -eq 0 ]
  [ "$(cat many/f150.txt)" = "file 150 of many" ]
  # fsck -r says what the remote holds now, not what this clone kept.
  cd "$BATS_TEST_TMPDIR/two"
  run mlops fsck -r origin
  [ "$status" -eq 0 ]
  [[ "$output" == *"0 corrupt, 0 missing"* ]]
  run mlops pull
  [ "$status" -eq 0 ]
}

@test "packs: a pack that is not a plain file (a FIFO) is read past: loose copies are used, and without them the objects are named" {
  setup_packs_repo
  mlops push -q
  idx=$(ls -S "$REMOTE"/packs/*.idx | head -1)
  pack="${idx%.idx}.pack"
  chmod u+w "$REMOTE/packs"
  rm -f "$pack" && mkfifo "$pack"
  git clone -q . "$BATS_TEST_TMPDIR/clone" && cd "$BATS_TEST_TMPDIR/clone"
  run timeout 60 "$MLOPS" pull
  [ "$status" -eq 8 ]
  [[ "$output" == *"do not match their names"*"not a regular file"* ]]
  check_objects .mlops
  # The same objects loose on the remote too (a remote synced from an older push).
  cp -r "$TEST_REPO/.mlops/objects/." "$REMOTE/objects/"
  run timeout 60 "$MLOPS" pull
  [ "$status" -eq 0 ]
  [ "$(cat many/f3.txt)" = "file 3 of many" ]
}

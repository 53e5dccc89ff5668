#!/usr/bin/env bats
# gc -r on packs: rewriting packs that became mostly garbage, removing packs
# nothing needs and what killed pushes or repacks left, merging small packs,
# moving loose objects into packs; readers and planted files meanwhile.
load helpers
load folder_remote

commit() { git add -A && git commit -qm "$1"; }

# Makes everything on the remote two days old.
age_remote() { find "$REMOTE" -exec touch -h -d '2 days ago' {} +; }

# The ids the remote's indexes name, one a line, sorted (repeats kept).
packed_ids() { cat "$REMOTE"/packs/*.idx 2>/dev/null | grep -v '^mlops-pack-index' | cut -d' ' -f1 | sort; }
pack_count() { find "$REMOTE/packs" -name '*.pack' | wc -l; }
loose_count() { find "$REMOTE/objects" -type f | wc -l; }

# Every index has its pack (what a reader could be sent to).
indexes_have_packs() {
  local idx
  for idx in "$REMOTE"/packs/*.idx; do
    [ -e "$idx" ] || continue
    [ -f "${idx%.idx}.pack" ] || { echo "no pack for $idx" >&2; return 1; }
  done
}

# A fresh clone pulls everything HEAD needs, whole.
fresh_clone_pulls() {
  rm -rf "$BATS_TEST_TMPDIR/fresh"
  git clone -q "$TEST_REPO" "$BATS_TEST_TMPDIR/fresh"
  (cd "$BATS_TEST_TMPDIR/fresh" && mlops pull -q && mlops status --exit-code >/dev/null)
}

# 100 small files pushed in one pack, then 60 of them changed and pushed in
# a second: the first pack is 40% live for -w. OLD holds the 60 ids that
# went, FIRST the first pack's name.
setup_sparse_pack() {
  mlops config remote.origin.packs true
  make_files a 100
  mlops add -q a && commit v1
  mlops push -q
  [ "$(pack_count)" -eq 1 ]
  FIRST=$(basename "$REMOTE"/packs/*.pack .pack)
  OLD=()
  for i in $(seq 0 59); do
    OLD+=("$(xxh_id "a/f$i.txt")")
    echo "changed $i" > "a/f$i.txt"
  done
  mlops add -q a && commit v2
  mlops push -q
  [ "$(pack_count)" -eq 2 ]
}

# Nine pushes of 20 small files each, in packs: nine small packs.
nine_small_pushes() {
  mlops config remote.origin.packs true
  for k in $(seq 1 9); do
    make_files "p$k" 20
    mlops add -q "p$k" && commit "p$k"
    mlops push -q
  done
}

# Damages the first byte of FILE's object in the first pack; prints its id.
damage_in_first_pack() {
  local id offset
  id=$(xxh_id "$1")
  read -r _ offset _ _ < <(grep "^$id " "$REMOTE/packs/$FIRST.idx")
  chmod u+w "$REMOTE/packs/$FIRST.pack"
  printf 'X' | dd of="$REMOTE/packs/$FIRST.pack" bs=1 seek="$offset" conv=notrunc status=none
  echo "$id"
}

@test "gc -r rewrites a pack under half live: the garbage leaves, live objects move to a new pack, every reader gets everything" {
  setup_sparse_pack
  git clone -q . "$BATS_TEST_TMPDIR/reader"
  (cd "$BATS_TEST_TMPDIR/reader" && mlops pull -q)  # keeps the indexes it read
  # Young: nothing is touched, and the garbage held back is counted (the
  # 60 old files in the first pack and the old manifest, loose).
  run mlops gc -r origin -w --json
  [ "$status" -eq 0 ]
  [ "$(jq '.packs.rewritten' <<<"$output")" -eq 0 ]
  [ "$(jq '.young_kept' <<<"$output")" -eq 61 ]
  age_remote
  # Over the threshold: the garbage stays, and is counted.
  run mlops gc -r origin -w --repack-below 30 --dry-run --json
  [ "$status" -eq 0 ]
  [ "$(jq '.packs.rewritten' <<<"$output")" -eq 0 ]
  [ "$(jq '.packs.garbage_left' <<<"$output")" -eq 60 ]
  [ -f "$REMOTE/packs/$FIRST.pack" ]
  before=$(ls "$REMOTE/packs")
  run mlops gc -r origin -w --dry-run --json
  [ "$status" -eq 0 ]
  # The 40 live files, and the folder's live manifest (loose: packs are on).
  [ "$(jq '.packs.rewritten' <<<"$output")" -eq 1 ]
  [ "$(jq '.packs.objects_moved' <<<"$output")" -eq 41 ]
  [ "$(jq '.packs.loose_packed' <<<"$output")" -eq 1 ]
  for id in "${OLD[@]}"; do jq -e --arg id "$id" '.removed | map(.id) | index($id)' <<<"$output" >/dev/null; done
  [ "$(ls "$REMOTE/packs")" = "$before" ]
  run mlops gc -r origin -w
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Moved 41 live objects (1 of them loose) into 1 new pack; rewrote 1 pack whose live share fell under 50% (--repack-below)."* ]]
  [ ! -e "$REMOTE/packs/$FIRST.pack" ] && [ ! -e "$REMOTE/packs/$FIRST.idx" ]
  [ "$(pack_count)" -eq 2 ]
  ids=$(packed_ids)
  [ "$(wc -l <<<"$ids")" -eq 101 ] && [ -z "$(uniq -d <<<"$ids")" ]
  [ "$(loose_count)" -eq 0 ]
  for id in "${OLD[@]}"; do ! grep -q "$id" <<<"$ids"; done
  run mlops fsck -r origin
  [ "$status" -eq 0 ]
  fresh_clone_pulls
  # The clone that kept the old indexes pulls into an empty store.
  cd "$BATS_TEST_TMPDIR/reader"
  rm -rf .mlops/objects && mkdir .mlops/objects && rm -rf a
  run mlops pull
  [ "$status" -eq 0 ]
  [ "$(cat a/f7.txt)" = "changed 7" ] && [ "$(cat a/f77.txt)" = "file 77 of a" ]
  cd "$TEST_REPO"
  # Nothing more to do; the option is checked.
  run mlops gc -r origin -w --json
  [ "$(jq '.packs.rewritten + .packs.removed + (.removed | length)' <<<"$output")" -eq 0 ]
  # Packed objects count as kept: the 100 files and the manifest.
  [ "$(jq '.objects_kept' <<<"$output")" -eq 101 ]
  run mlops gc -w --repack-below 10
  [ "$status" -eq 2 ]
  [[ "$output" == *"--repack-below is for gc -r REMOTE"* ]]
  run mlops gc -r origin -w --repack-below 101
  [ "$status" -eq 2 ]
  run mlops gc -r origin -w --repack-below 50.5
  [ "$status" -eq 2 ]
  [[ "$output" == *"--repack-below takes a whole number from 0 to 100, not '50.5'"* ]]
  run mlops gc -r origin -w -f
  [ "$status" -eq 2 ]
  [[ "$output" == *"--force is for gc of a shared store"* ]]
}

@test "gc -r removes a pack with nothing live and, once old, what killed pushes left; a damaged index keeps its pack" {
  mlops config remote.origin.packs true
  make_files a 30
  mlops add -q a && commit v1
  mlops push -q
  first=$(basename "$REMOTE"/packs/*.pack .pack)
  for i in $(seq 0 29); do echo "new $i" > "a/f$i.txt"; done
  mlops add -q a && commit v2
  mlops push -q
  # What killed pushes leave: a pack without its index, an index without
  # its pack; and an index that is not one, beside its pack.
  orphan=$(printf '%032x' 1) lone=$(printf '%032x' 2) bad=$(printf '%032x' 3)
  cp "$REMOTE/packs/$first.pack" "$REMOTE/packs/$orphan.pack"
  cp "$REMOTE/packs/$first.idx" "$REMOTE/packs/$lone.idx"
  echo "not an index" > "$REMOTE/packs/$bad.idx"
  cp "$REMOTE/packs/$first.pack" "$REMOTE/packs/$bad.pack"
  # Young, they may be a push at work: all stay.
  run mlops gc -r origin -w --json
  [ "$(jq '.packs.removed + .packs.indexes_removed' <<<"$output")" -eq 0 ]
  [ -e "$REMOTE/packs/$orphan.pack" ] && [ -e "$REMOTE/packs/$lone.idx" ]
  age_remote
  run mlops gc -r origin -w
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Removed 2 packs with nothing live or no index and 1 index whose pack is gone."* ]]
  [[ "$output" == *"mlops: warning: remote origin: packs/$bad.idx"* ]]
  [ ! -e "$REMOTE/packs/$first.pack" ] && [ ! -e "$REMOTE/packs/$first.idx" ]
  [ ! -e "$REMOTE/packs/$orphan.pack" ] && [ ! -e "$REMOTE/packs/$lone.idx" ]
  [ -e "$REMOTE/packs/$bad.idx" ] && [ -e "$REMOTE/packs/$bad.pack" ]
  indexes_have_packs
  fresh_clone_pulls
}

@test "gc -r with packs on moves small loose objects into packs (an old loose remote, upgraded in place); large and damaged ones stay loose" {
  make_files a 40
  head -c 2000000 /dev/urandom > big.bin
  mlops add -q a big.bin && commit v1
  mlops push -q  # loose, as before packs
  [ "$(loose_count)" -eq 42 ]
  git clone -q . "$BATS_TEST_TMPDIR/other"
  (cd "$BATS_TEST_TMPDIR/other" && mlops pull -q)
  victim=$(xxh_id a/f3.txt)
  victim_path="$REMOTE/objects/${victim:7:2}/${victim:9}"
  chmod u+w "$victim_path" && echo junk > "$victim_path"
  age_remote
  # Off: loose objects stay loose.
  run mlops gc -r origin -w --json
  [ "$(jq '.packs.loose_packed' <<<"$output")" -eq 0 ]
  [ "$(loose_count)" -eq 42 ]
  mlops config remote.origin.packs true
  run mlops gc -r origin -w --json
  echo "$output"
  [ "$status" -eq 0 ]
  # 39 files and the folder's manifest; big.bin and the damaged copy stay.
  [ "$(jq '.packs.loose_packed' <<<"$output")" -eq 40 ]
  [ "$(jq -r '.packs.notes[]' <<<"$output")" = "remote origin: 1 loose object(s) fail their check and were left loose ('mlops fsck -r' finds them)" ]
  [ "$(loose_count)" -eq 2 ] && [ -f "$victim_path" ]
  [ "$(pack_count)" -eq 1 ]
  # fsck -r finds the damaged copy, push mends it; everyone pulls everything.
  run mlops fsck -r origin
  [ "$status" -ne 0 ]
  mlops push -q
  fresh_clone_pulls
  cd "$BATS_TEST_TMPDIR/other"
  run mlops status --remote --exit-code
  [ "$status" -eq 0 ]
  rm -rf .mlops/objects && mkdir .mlops/objects && rm -rf a big.bin
  run mlops pull
  [ "$status" -eq 0 ]
  [ "$(cat a/f3.txt)" = "file 3 of a" ]
  cmp big.bin "$TEST_REPO/big.bin"
}

@test "gc -r merges many small packs into one" {
  nine_small_pushes
  [ "$(pack_count)" -eq 9 ]
  age_remote
  run mlops gc -r origin -w --json
  [ "$status" -eq 0 ]
  [ "$(jq '.packs.merged' <<<"$output")" -eq 9 ]
  [ "$(jq -r '.packs.notes | length' <<<"$output")" -eq 0 ]
  [ "$(jq '.packs.rewritten' <<<"$output")" -eq 0 ]
  # Their 180 files, and the 9 folder manifests that were loose.
  [ "$(jq '.packs.written' <<<"$output")" -eq 1 ]
  [ "$(jq '.packs.objects_moved' <<<"$output")" -eq 189 ]
  [ "$(jq '.packs.loose_packed' <<<"$output")" -eq 9 ]
  [ "$(pack_count)" -eq 1 ]
  [ "$(packed_ids | wc -l)" -eq 189 ]
  fresh_clone_pulls
}

@test "gc -r killed at any moment loses nothing: every index keeps its pack, fsck -r stays clean, and a retry completes" {
  mlops config remote.origin.packs true
  # N files of 4 KiB of random bytes, a/f0.bin ... (written over).
  random_files() { mkdir -p a && python3 -c "import os
for i in range($1): open(f'a/f{i}.bin', 'wb').write(os.urandom(4096))"; }
  random_files 3000
  mlops add -q a && commit v1
  mlops push -q
  random_files 2000
  mlops add -q a && commit v2
  mlops push -q
  age_remote
  for t in 0.05 0.1 0.15 0.2; do
    timeout -s KILL "$t" "$MLOPS" gc -r origin -w -q >/dev/null 2>&1 || echo "killed after $t s" >&3
    indexes_have_packs
    run mlops fsck -r origin
    [ "$status" -eq 0 ]
  done
  run mlops gc -r origin -w
  [ "$status" -eq 0 ]
  indexes_have_packs
  run mlops fsck -r origin
  [ "$status" -eq 0 ]
  # The retry finished the work: no old pack is left to rewrite.
  run mlops gc -r origin -w --dry-run --json
  [ "$(jq '.packs.rewritten + .packs.removed' <<<"$output")" -eq 0 ]
  fresh_clone_pulls
}

@test "gc -r leaves a pack whose live objects fail their check, and says so; once the object is loose again, the pack is rewritten" {
  setup_sparse_pack
  # A live object's bytes in the first pack, damaged.
  live=$(damage_in_first_pack a/f77.txt)
  age_remote
  run mlops gc -r origin -w --json
  [ "$status" -eq 0 ]
  [ "$(jq '.packs.rewritten' <<<"$output")" -eq 0 ]
  [ "$(jq -r '.packs.notes[]' <<<"$output")" = "remote origin: packs/$FIRST.pack: 1 live object(s) in it fail their check; it was left as it is ('mlops fsck -r' finds them)" ]
  [ -f "$REMOTE/packs/$FIRST.pack" ]
  for id in "${OLD[@]}"; do ! jq -e --arg id "$id" '.removed | map(.id) | index($id)' <<<"$output" >/dev/null; done
  run mlops gc -r origin -w
  [[ "$output" == *"mlops: warning: remote origin: packs/$FIRST.pack: 1 live object(s) in it fail their check"* ]]
  # fsck -r finds it, push sends it again loose: the pack can go.
  run mlops fsck -r origin
  [ "$status" -ne 0 ]
  mlops push -q
  age_remote
  run mlops gc -r origin -w --json
  [ "$status" -eq 0 ]
  [ "$(jq '.packs.rewritten' <<<"$output")" -eq 1 ]
  [ "$(jq '.packs.objects_moved' <<<"$output")" -eq 39 ]
  [ ! -e "$REMOTE/packs/$FIRST.pack" ]
  run mlops fsck -r origin
  [ "$status" -eq 0 ]
  fresh_clone_pulls
}

@test "a planted pack claiming live objects does not get their real copies removed" {
  setup_sparse_pack
  # Sorted after every real pack, it claims the 40 live objects of the first
  # pack with junk. All it claims is live, so it stays; the first pack's own
  # copies are still checked and moved, and readers find them.
  planted=$(printf 'f%.0s' $(seq 1 32))
  grep -v "^mlops-pack-index" "$REMOTE/packs/$FIRST.idx" | while read -r id off len coding; do
    for o in "${OLD[@]}"; do [ "$o" = "$id" ] && continue 2; done
    echo "$id $off $len $coding"
  done > "$BATS_TEST_TMPDIR/lines"
  [ "$(wc -l < "$BATS_TEST_TMPDIR/lines")" -eq 40 ]
  { echo "mlops-pack-index 1"; cat "$BATS_TEST_TMPDIR/lines"; } > "$REMOTE/packs/$planted.idx"
  head -c "$(stat -c %s "$REMOTE/packs/$FIRST.pack")" /dev/urandom > "$REMOTE/packs/$planted.pack"
  age_remote
  run mlops gc -r origin -w --json
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(jq '.packs.rewritten' <<<"$output")" -eq 1 ]
  [ "$(jq '.packs.objects_moved - .packs.loose_packed' <<<"$output")" -eq 40 ]
  [ ! -e "$REMOTE/packs/$FIRST.pack" ] && [ -f "$REMOTE/packs/$planted.pack" ]
  fresh_clone_pulls
}

# Found by the hostile review: what a killed gc leaves must not make the next
# one remove packs it needs.
@test "what a killed gc leaves (its pack without its index, or its pack beside the packs it merged) does not make the next gc remove what it needs" {
  nine_small_pushes
  age_remote
  cp -a "$REMOTE" "$BATS_TEST_TMPDIR/pristine"
  # The killed gc's work: its merged pack (made by a gc on a copy of the remote).
  cp -a "$REMOTE" "$BATS_TEST_TMPDIR/copy"
  mlops remote add -q copy "$BATS_TEST_TMPDIR/copy"
  mlops config remote.copy.packs true
  mlops gc -r copy -w -q
  merged=$(basename "$(ls "$BATS_TEST_TMPDIR"/copy/packs/*.pack)" .pack)
  # Killed between the pack and its index: the next gc rebuilds the same
  # pack under the same name, and must not then remove it as one without
  # an index.
  cp "$BATS_TEST_TMPDIR/copy/packs/$merged.pack" "$REMOTE/packs/"
  age_remote
  run mlops gc -r origin -w
  echo "$output"
  [ "$status" -eq 0 ]
  [ -f "$REMOTE/packs/$merged.pack" ]
  [ -f "$REMOTE/packs/$merged.idx" ]
  [ "$(pack_count)" -eq 1 ]
  run mlops fsck -r origin
  [ "$status" -eq 0 ]
  fresh_clone_pulls
  # Killed after the pack and its index, before the old packs went.
  chmod -R u+w "$REMOTE" && rm -rf "$REMOTE" && cp -a "$BATS_TEST_TMPDIR/pristine" "$REMOTE"
  cp "$BATS_TEST_TMPDIR/copy/packs/$merged.pack" "$BATS_TEST_TMPDIR/copy/packs/$merged.idx" "$REMOTE/packs/"
  age_remote
  run mlops gc -r origin -w
  [ "$status" -eq 0 ]
  [ "$(pack_count)" -eq 1 ]
  run mlops fsck -r origin
  [ "$status" -eq 0 ]
  fresh_clone_pulls
}

@test "a planted or damaged copy of a run's folder manifest does not get the run's files removed" {
  commit start
  make_files out 30
  mlops exp run -q -n art --artifact out -- true
  mlops exp push -q
  manifest=$(mlops exp show art --json | jq -r '.artifacts.out')
  [ "${manifest:0:7}" = xxh128: ]
  mlops config remote.origin.packs true
  age_remote
  mlops gc -r origin -w -q   # moves the loose objects, the manifest too, into a pack
  [ "$(loose_count)" -eq 0 ]
  # A pack sorted before every other claims the manifest, with junk.
  planted=$(printf '0%.0s' $(seq 1 32))
  size=$(grep -h "^$manifest " "$REMOTE"/packs/*.idx | head -1 | cut -d' ' -f3)
  [ -n "$size" ]
  { printf 'mlops-pack 1\n'; head -c "$size" /dev/zero | tr '\0' X; } > "$REMOTE/packs/$planted.pack"
  printf 'mlops-pack-index 1\n%s 13 %s raw\n' "$manifest" "$size" > "$REMOTE/packs/$planted.idx"
  age_remote
  git clone -q . "$BATS_TEST_TMPDIR/fresh" && cd "$BATS_TEST_TMPDIR/fresh"
  run mlops gc -r origin -w --grace 0 --json
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(jq '.removed | length' <<<"$output")" -eq 0 ]
  run mlops exp pull
  [ "$status" -eq 0 ]
  mlops exp pull -q
  [ "$(mlops exp show art --json | jq -r '.name')" = art ]
  run mlops fsck
  [ "$status" -eq 0 ]
}

@test "a pack or index that is a symlink is seen by gc as readers see it: nothing they read is removed" {
  setup_sparse_pack
  second=$(ls "$REMOTE"/packs/*.pack | grep -v "$FIRST" | xargs basename | sed 's/\.pack$//')
  mkdir -p "$BATS_TEST_TMPDIR/elsewhere"
  mv "$REMOTE/packs/$second.idx" "$BATS_TEST_TMPDIR/elsewhere/"
  ln -s "$BATS_TEST_TMPDIR/elsewhere/$second.idx" "$REMOTE/packs/$second.idx"
  mv "$REMOTE/packs/$FIRST.pack" "$BATS_TEST_TMPDIR/elsewhere/"
  ln -s "$BATS_TEST_TMPDIR/elsewhere/$FIRST.pack" "$REMOTE/packs/$FIRST.pack"
  fresh_clone_pulls
  age_remote
  run mlops gc -r origin -w
  echo "$output"
  [ "$status" -eq 0 ]
  fresh_clone_pulls
  run mlops fsck -r origin
  [ "$status" -eq 0 ]
  # Nothing outside the remote was removed.
  [ -f "$BATS_TEST_TMPDIR/elsewhere/$second.idx" ] && [ -f "$BATS_TEST_TMPDIR/elsewhere/$FIRST.pack" ]
}

@test "gc -r writes nothing through a symlinked tmp/ or gc/ folder, and removes nothing then" {
  setup_sparse_pack
  age_remote
  mkdir -p "$BATS_TEST_TMPDIR/outside"
  rm -rf "$REMOTE/tmp" && ln -s "$BATS_TEST_TMPDIR/outside" "$REMOTE/tmp"
  before=$(find "$REMOTE" | sort)
  run mlops gc -r origin -w
  echo "$output"
  [ "$status" -eq 8 ]
  [[ "$output" == *"tmp is not a folder (a symlink?)"* ]]
  [ "$(find "$REMOTE" | sort)" = "$before" ]
  [ -z "$(ls -A "$BATS_TEST_TMPDIR/outside")" ]
  rm "$REMOTE/tmp" && mkdir "$REMOTE/tmp"
  rm -rf "$REMOTE/gc" && ln -s "$BATS_TEST_TMPDIR/outside" "$REMOTE/gc"
  run mlops gc -r origin -w
  [ "$status" -eq 8 ]
  [[ "$output" == *"gc is not a folder (a symlink?)"* ]]
  [ -z "$(ls -A "$BATS_TEST_TMPDIR/outside")" ]
  fresh_clone_pulls
}

@test "a live object damaged both in its pack and loose keeps its pack, with a warning" {
  setup_sparse_pack
  live=$(damage_in_first_pack a/f77.txt)
  mkdir -p "$REMOTE/objects/${live:7:2}"
  echo junk > "$REMOTE/objects/${live:7:2}/${live:9}"
  age_remote
  run mlops gc -r origin -w
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"packs/$FIRST.pack: 1 live object(s) in it fail their check; it was left as it is"* ]]
  [ -f "$REMOTE/packs/$FIRST.pack" ]
}

@test "gc -r of a folder remote whose folder does not exist says so (a mistyped or unmounted path)" {
  mlops remote add -q ghost "$BATS_TEST_TMPDIR/nonexistent"
  run mlops gc -r ghost -w
  [ "$status" -eq 8 ]
  [[ "$output" == *"remote ghost: $BATS_TEST_TMPDIR/nonexistent does not exist"* ]]
  [ ! -e "$BATS_TEST_TMPDIR/nonexistent" ]
}

@test "a damaged loose copy beside a good packed one hides nothing: pull and gc read the packed copy, fsck -r moves the loose one aside" {
  setup_sparse_pack
  age_remote
  mlops gc -r origin -w -q  # the folder's manifest goes into a pack too
  [ "$(loose_count)" -eq 0 ]
  manifest=$(pointer_id a.mlops)
  grep -q "^$manifest " "$REMOTE"/packs/*.idx
  mkdir -p "$REMOTE/objects/${manifest:7:2}"
  echo junk > "$REMOTE/objects/${manifest:7:2}/${manifest:9}"
  fresh_clone_pulls
  git clone -q . "$BATS_TEST_TMPDIR/gcclone"
  (cd "$BATS_TEST_TMPDIR/gcclone" && mlops gc -r origin -w --dry-run -q)
  run mlops fsck -r origin
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *"(its loose copy; the packed one is good)"* ]]
  [ "$(loose_count)" -eq 0 ]
  run mlops fsck -r origin
  [ "$status" -eq 0 ]
}

@test "a folder under a pack's name does not stop gc, and a temporary file a killed write left in packs/ goes once old" {
  setup_sparse_pack
  folder="$REMOTE/packs/$(printf '1%.0s' $(seq 1 32)).pack"
  mkdir "$folder"
  echo partial > "$REMOTE/packs/.file.4242.x1y2z3"
  age_remote
  run mlops gc -r origin -w --json
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(jq '.packs.rewritten' <<<"$output")" -eq 1 ]
  [[ "$(jq -r '.packs.notes[]' <<<"$output")" == *"was left"* ]]
  [ -d "$folder" ]
  [ ! -e "$REMOTE/packs/.file.4242.x1y2z3" ]
  fresh_clone_pulls
}

#!/usr/bin/env bats
# gc keeps everything a kept revision needs (checked by checking out every kept
# revision afterwards); fsck finds corrupt and missing objects.
load helpers

commit() { git add -A && git commit -qm "$1"; }

# Five versions of a folder and a model over two branches and a tag.
history() {
  mlops init -q
  mkdir data
  for v in 1 2 3; do
    echo "shard $v" > "data/s$v.csv" && echo "model $v" > model.bin
    mlops add -q data model.bin
    commit "v$v"
  done
  git tag v3-release
  main=$(git branch --show-current)
  git switch -q -c side HEAD~2
  echo side > model.bin && echo "side shard" > data/side.csv
  mlops add -q data model.bin
  commit side
  git switch -q "$main"
  mlops checkout -q
  git checkout -q --detach HEAD~1   # v2 only reachable from main's history
  git checkout -q "$main"
  mlops checkout -q
}

# Checks out every listed revision and verifies the data against the pointers.
verify_revisions() {
  local rev
  for rev in "$@"; do
    git checkout -q --detach "$rev"
    rm -rf data model.bin
    mlops checkout -q || { echo "checkout of $rev failed" >&2; return 1; }
    [ "$(xxh_id model.bin)" = "$(pointer_id model.bin.mlops)" ] || { echo "model.bin wrong at $rev" >&2; return 1; }
    mlops status --exit-code >/dev/null || { echo "status not clean at $rev" >&2; return 1; }
  done
  git checkout -q "$main"
  mlops checkout -q
}

@test "gc needs to be told what to keep" {
  history
  before=$(snapshot)
  run mlops gc
  [ "$status" -eq 2 ]
  [[ "$output" == *"say what to keep"* ]]
  assert_same_snapshot "$before" "$(snapshot)"
}

@test "gc --dry-run lists what would go, and removes nothing" {
  history
  before=$(snapshot)
  run mlops gc --workspace --dry-run
  [ "$status" -eq 0 ]
  [[ "$output" == *"would remove xxh128:"* ]]
  [[ "$output" == *"Would remove "*" objects ("*" B); kept "* ]]
  assert_same_snapshot "$before" "$(snapshot)"
  run mlops gc -w -n --json
  [ "$(jq '.removed | length' <<<"$output")" -gt 0 ]
  [ "$(jq '.dry_run' <<<"$output")" = true ]
}

@test "gc --all-commits keeps every revision; --all-branches every branch; --workspace only HEAD" {
  history
  run mlops gc --all-commits
  [ "$status" -eq 0 ]
  [[ "$output" == *"Removed 0 objects"* ]]
  verify_revisions "$main" "$main~1" "$main~2" side v3-release

  # Unreferenced data (added, never committed) goes.
  echo scratch > model.bin && mlops add -q model.bin && git checkout -q -- model.bin.mlops && mlops checkout -q --force
  scratch=$(xxh_id /dev/stdin <<<"scratch")
  [ -f "$(object_path "$scratch")" ]
  run mlops gc --all-branches --all-tags --json
  [ "$(jq -r '.removed[].id' <<<"$output")" = "$scratch" ] || [[ "$output" == *"$scratch"* ]]
  [ ! -f "$(object_path "$scratch")" ]
  verify_revisions "$main" side v3-release

  run mlops gc --workspace
  [ "$status" -eq 0 ]
  verify_revisions "$main"
  # The side branch's model is gone now.
  git checkout -q --detach side
  run mlops checkout
  [ "$status" -eq 7 ]
  git checkout -q "$main"
}

@test "gc refuses when a kept folder's manifest is missing, removing nothing" {
  history
  rm "$(object_path "$(git show "$main~1:data.mlops" | sed -n 's/^id: //p')")"
  before=$(snapshot)
  run mlops gc --all-commits
  [ "$status" -eq 7 ]
  [[ "$output" == *"manifests are not in the store"* ]]
  [[ "$output" == *"data"* ]]
  assert_same_snapshot "$before" "$(snapshot)"
}

@test "gc on a shared store (cache.dir) needs --force" {
  mlops init -q
  shared=$(mktemp -d)
  mlops config cache.dir "$shared"
  echo x > f && mlops add -q f
  run mlops gc -w
  [ "$status" -eq 2 ]
  [[ "$output" == *"shared"* ]]
  run mlops gc -w --force
  [ "$status" -eq 0 ]
  rm -rf "$shared"
}

@test "fsck: a clean store, a corrupt object (quarantined), a missing one" {
  mlops init -q
  make_files data 5
  echo model > model.bin
  mlops add -q data model.bin
  run mlops fsck
  [ "$status" -eq 0 ]
  [[ "$output" == *"Checked 7 objects: 0 corrupt, 0 missing."* ]]
  obj=$(object_path "$(xxh_id data/f2.txt)")
  chmod u+w "$obj" && echo tampered > "$obj"
  rm "$(object_path "$(pointer_id model.bin.mlops)")"
  run mlops fsck --json
  [ "$status" -eq 1 ]
  [ "$(jq -r '.corrupt[0]' <<<"$output")" = "$(xxh_id data/f2.txt)" ]
  [ "$(jq -r '.missing | length' <<<"$output")" -eq 2 ]
  [ ! -e "$obj" ]
  [ -f ".mlops/quarantine/$(xxh_id data/f2.txt | cut -d: -f2)" ]
  # The next add stores good copies again; then fsck is clean.
  touch data/f2.txt model.bin
  mlops add -q data model.bin
  run mlops fsck
  [ "$status" -eq 0 ]
}

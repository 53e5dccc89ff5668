#!/usr/bin/env bats
# A full disk during add and pull: a clear error, nothing half-done left
# behind, and once there is room again a retry completes. Each scenario runs
# on a small tmpfs mounted in a private mount namespace (unshare; no mount is
# left behind, and no root is needed where user namespaces are allowed).
load helpers

# Runs the function FUNC, with the helpers, in a fresh mount namespace where
# DISK is a tmpfs of SIZE; `set -e` inside: the first failing check fails it.
on_small_disk() {
  local size=$1 func=$2
  DISK="$BATS_TEST_TMPDIR/disk"
  mkdir -p "$DISK"
  unshare --map-root-user --mount true 2>/dev/null || skip "no user or mount namespaces here (unshare)"
  run unshare --map-root-user --mount bash -c "
    set -euo pipefail
    mount -t tmpfs -o size=$size tmpfs '$DISK'
    export MLOPS='$MLOPS' DISK='$DISK' REMOTE='$BATS_TEST_TMPDIR/remote' SRC='$TEST_REPO' NO_COLOR=1
    $(declare -f mlops xxh_id pointer_id snapshot make_files fill_disk "$func")
    $func"
  echo "$output"
  [ "$status" -eq 0 ]
}

# Leaves about KB kilobytes free on the disk holding the current folder.
fill_disk() {
  local avail
  avail=$(df --output=avail -k . | tail -1)
  head -c "$(((avail - $1) * 1024))" /dev/zero > ballast 2>/dev/null || true
}

random_file() { openssl enc -aes-128-ctr -nosalt -K "$2" -iv 0 -in /dev/zero 2>/dev/null | head -c "$3" > "$1"; }

add_on_full_disk() {
  cd "$DISK"
  git init -q . && git config user.email t@example.com && git config user.name t
  mlops init -q
  mlops config cache.link copy  # the store must take room of its own
  git add -A && git commit -qm init
  mkdir data
  for i in $(seq 40); do head -c 100000 /dev/urandom > "data/f$i"; done
  head -c 6000000 /dev/urandom > big.bin
  fill_disk 3000
  before=$(snapshot)
  set +e
  out=$(mlops add big.bin data 2>&1)
  code=$?
  set -e
  echo "add on a full disk: exit $code: $out"
  [ "$code" -eq 6 ]
  [[ "$out" == *"mlops: error: "*"No space left on device"* ]]
  # Nothing changed: no pointer, no .gitignore entry, no object, no temp file.
  [ "$before" = "$(snapshot)" ]
  [ -z "$(find .mlops/tmp -type f)" ]
  mlops fsck
  rm ballast
  mlops add -q big.bin data
  mlops fsck
  mlops status --exit-code
  [ "$(pointer_id big.bin.mlops)" = "$(xxh_id big.bin)" ]
}

@test "a full disk during add: a clear error, nothing changed, the retry works" {
  on_small_disk 24m add_on_full_disk
}

pull_on_full_disk() {
  git clone -q "$SRC" "$DISK/clone"
  cd "$DISK/clone"
  fill_disk 4000
  set +e
  out=$(mlops pull 2>&1)
  code=$?
  set -e
  echo "pull on a full disk: exit $code: $out"
  [ "$code" -eq 6 ]
  [[ "$out" == *"mlops: error: "*"No space left on device"* ]]
  # Nothing fetched is corrupt, no temp file is left, and no tracked file is
  # half-written: each is absent or whole.
  [ "$(mlops fsck --json | jq '.corrupt | length')" -eq 0 ]
  [ -z "$(find .mlops/tmp -type f)" ]
  [ ! -e big.bin ] || [ "$(xxh_id big.bin)" = "$(pointer_id big.bin.mlops)" ]
  for f in data/*; do [ ! -e "$f" ] || cmp -s "$f" "$SRC/$f"; done
  rm ballast
  mlops pull -q
  mlops fsck
  mlops status --exit-code
  [ "$(xxh_id big.bin)" = "$(pointer_id big.bin.mlops)" ]
  diff -r data "$SRC/data"
}

@test "a full disk during pull: a clear error, nothing half-written, the retry works" {
  mlops init -q
  mkdir data
  for i in $(seq 40); do head -c 100000 /dev/urandom > "data/f$i"; done
  random_file big.bin 00112233445566778899aabbccddeeff 8000000
  mlops add -q big.bin data
  mlops remote add -q origin "$BATS_TEST_TMPDIR/remote" --default
  git add -A && git commit -qm data
  mlops push -q
  on_small_disk 24m pull_on_full_disk
}

#!/usr/bin/env bats
# A full disk during add and pull: a clear error, nothing half-done left
# behind, and once there is room again a retry completes. Each scenario runs
# on a small tmpfs mounted in a private mount namespace (unshare; no mount is
# left behind, and no root is needed where user namespaces are allowed).
load helpers
load small_disk


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

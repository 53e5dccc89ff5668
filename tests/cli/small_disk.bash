# A small disk for the full-disk scenarios (full_disk.bats, and the S3 pull
# in s3.bats): a tmpfs mounted in a private mount namespace (unshare; no mount
# is left behind, and no root is needed where user namespaces are allowed).

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

# FILE of SIZE bytes of deterministic, incompressible content from KEY.
#   random_file FILE KEY SIZE
random_file() { openssl enc -aes-128-ctr -nosalt -K "$2" -iv 0 -in /dev/zero 2>/dev/null | head -c "$3" > "$1"; }

# Pulls into a fresh clone of $SRC on a disk with about 4 MB free: exit 6 and
# "No space left on device", nothing fetched corrupt, no temporary file, no
# tracked file half-written; once there is room the retry completes.
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

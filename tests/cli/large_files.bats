#!/usr/bin/env bats
# Large files stream through a fixed buffer: memory stays flat whatever the size.
load helpers

# Peak resident memory of a command, in KiB.
peak_kib() { /usr/bin/time -f '%M' -o "$BATS_TEST_TMPDIR/rss" "$@" >/dev/null && cat "$BATS_TEST_TMPDIR/rss"; }

@test "a 2 GiB file adds, reports status and checks out correctly in flat memory" {
  mlops init -q
  # Deterministic, incompressible content.
  openssl enc -aes-128-ctr -nosalt -K 000102030405060708090a0b0c0d0e0f -iv 0 -in /dev/zero 2>/dev/null |
    head -c 2147483648 > big.bin
  expected=$(xxh_id big.bin)
  rss=$(peak_kib "$MLOPS" add big.bin)
  echo "add peak RSS: $rss KiB"
  [ "$rss" -lt 102400 ]
  [ "$(pointer_id big.bin.mlops)" = "$expected" ]
  grep -qx 'size: 2147483648' big.bin.mlops
  cmp big.bin "$(object_path "$expected")"
  run mlops status --exit-code
  [ "$status" -eq 0 ]
  # Change one byte in the middle: status notices and says modified.
  printf 'X' | dd of=big.bin bs=1 seek=1073741824 conv=notrunc 2>/dev/null
  run mlops status --exit-code
  [ "$status" -eq 1 ]
  [ "$output" = "big.bin: modified" ]
  # On a terminal, work over a second draws a progress bar on stderr.
  script -qec "$MLOPS add big.bin" "$BATS_TEST_TMPDIR/tty" >/dev/null
  grep -q 'adding \[' "$BATS_TEST_TMPDIR/tty"
  grep -q 'files' "$BATS_TEST_TMPDIR/tty"
  rm big.bin
  rss=$(peak_kib "$MLOPS" checkout)
  echo "checkout peak RSS: $rss KiB"
  [ "$rss" -lt 102400 ]
  [ "$(xxh_id big.bin)" != "$expected" ]
  [ "$(xxh_id big.bin)" = "$(pointer_id big.bin.mlops)" ]
  [ -z "$(ls -A .mlops/tmp)" ]
}

@test "a 5 GiB sparse file stays sparse in the store and in the workspace" {
  mlops init -q
  truncate -s 5G sparse.img
  printf 'middle' | dd of=sparse.img bs=1 seek=3000000000 conv=notrunc 2>/dev/null
  printf 'end' | dd of=sparse.img bs=1 seek=5368709117 conv=notrunc 2>/dev/null
  expected=$(xxh_id sparse.img)
  rss=$(peak_kib "$MLOPS" add sparse.img)
  [ "$rss" -lt 102400 ]
  [ "$(pointer_id sparse.img.mlops)" = "$expected" ]
  obj=$(object_path "$expected")
  [ "$(stat -c %s "$obj")" -eq 5368709120 ]
  [ "$(du -k "$obj" | cut -f1)" -lt 65536 ]
  run mlops status --exit-code
  [ "$status" -eq 0 ]
  rm sparse.img
  mlops checkout -q
  [ "$(xxh_id sparse.img)" = "$expected" ]
  [ "$(du -k sparse.img | cut -f1)" -lt 65536 ]
}

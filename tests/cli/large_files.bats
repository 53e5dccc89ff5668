#!/usr/bin/env bats
# Large files stream through a fixed buffer: memory stays flat whatever the size.
load helpers

# Memory is "flat" when a command on a huge file peaks within 64 MiB of the
# same command on a tiny one: the baseline holds what the build itself costs
# (a sanitizer's shadow memory and quarantine), the margin is the buffers.
#   flat_kib BASE_KIB RSS_KIB
flat_kib() {
  echo "peak RSS: $2 KiB (baseline $1 KiB)"
  [ "$(cat "$BATS_TEST_TMPDIR/rss.status")" -eq 0 ] && [ "$2" -lt $(($1 + 65536)) ]
}

# Peak RSS of `mlops add` and `mlops checkout` on a one-line file.
baseline_kib() {
  echo tiny > tiny.txt
  local add checkout
  add=$(peak_kib "$MLOPS" add tiny.txt)
  rm tiny.txt
  checkout=$(peak_kib "$MLOPS" checkout tiny.txt)
  echo $((add > checkout ? add : checkout))
}

@test "a 2 GiB file adds, reports status and checks out correctly in flat memory" {
  mlops init -q
  # Deterministic, incompressible content.
  openssl enc -aes-128-ctr -nosalt -K 000102030405060708090a0b0c0d0e0f -iv 0 -in /dev/zero 2>/dev/null |
    head -c 2147483648 > big.bin
  expected=$(xxh_id big.bin)
  base=$(baseline_kib)
  rss=$(peak_kib "$MLOPS" add big.bin)
  flat_kib "$base" "$rss"
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
  flat_kib "$base" "$rss"
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
  base=$(baseline_kib)
  rss=$(peak_kib "$MLOPS" add sparse.img)
  flat_kib "$base" "$rss"
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

#!/usr/bin/env bats
# Killing mlops add at any moment leaves no half-written object under its final
# name, and the next add completes.
load helpers

# Every object's content must hash to its name.
check_store() {
  local f id
  while IFS= read -r f; do
    id="${f#.mlops/objects/}"
    id="${id/\//}"
    [ "$(xxhsum -H2 < "$f" | cut -d' ' -f1)" = "$id" ] || { echo "corrupt object $f" >&2; return 1; }
  done < <(find .mlops/objects -type f)
}

@test "kill -9 during add, at random moments" {
  mlops init -q
  openssl enc -aes-128-ctr -nosalt -K 0f0e0d0c0b0a09080706050403020100 -iv 0 -in /dev/zero 2>/dev/null |
    head -c 300000000 > big.bin
  make_files data 2000
  for delay in 0.01 0.03 0.05 0.08 0.12 0.2 0.3; do
    "$MLOPS" add big.bin data >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    check_store
    if [ -f big.bin.mlops ]; then [ "$(pointer_id big.bin.mlops)" = "$(xxh_id big.bin)" ]; fi
    rm -f big.bin.mlops data.mlops
  done
  run mlops add big.bin data
  [ "$status" -eq 0 ]
  check_store
  run mlops status --exit-code
  [ "$status" -eq 0 ]
  [ "$(pointer_id big.bin.mlops)" = "$(xxh_id big.bin)" ]
}

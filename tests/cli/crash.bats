#!/usr/bin/env bats
# Fault injection: kill -9 at random moments of add, checkout, push, pull, gc,
# exp run and run; afterwards `mlops fsck` is clean, a retry succeeds and the
# data is what it should be. The moments come from a seeded generator: set
# MLOPS_FAULT_SEED to replay a failure (the seed is printed when a test fails).
load helpers

SEED=${MLOPS_FAULT_SEED:-4242}

# Every object's content must hash to its name (an independent check: xxhsum).
check_store() {
  local root=${1:-.mlops} f id
  while IFS= read -r f; do
    id="${f#"$root"/objects/}"
    id="${id/\//}"
    [ "$(xxhsum -H2 < "$f" | cut -d' ' -f1)" = "$id" ] || { echo "corrupt object $f" >&2; return 1; }
  done < <(find "$root/objects" -type f)
}

# Runs the command in the background, in a process group of its own, and
# kills the group (mlops and any command it started) with SIGKILL after a
# random delay between MIN and MAX milliseconds, as a crash or an OOM kill of
# the job would. Prints the delay, for the log.
kill_at_random() {
  local min=$1 max=$2 ms pid
  shift 2
  ms=$((min + RANDOM % (max - min + 1)))
  setsid "$MLOPS" "$@" >/dev/null 2>&1 </dev/null &
  pid=$!
  KILLED_SESSION=$pid
  sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
  kill -9 -- "-$pid" 2>/dev/null || kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "seed $SEED: killed '$*' after ${ms} ms"
}

# fsck exits 0 on a clean store; anything else fails the test with its report.
fsck_clean() {
  run mlops fsck
  echo "$output"
  [ "$status" -eq 0 ]
}

big_file() {
  openssl enc -aes-128-ctr -nosalt -K "$2" -iv 0 -in /dev/zero 2>/dev/null | head -c "$3" > "$1"
}

@test "kill -9 during add" {
  RANDOM=$SEED
  mlops init -q
  big_file big.bin 0f0e0d0c0b0a09080706050403020100 300000000
  make_files data 2000
  for _ in 1 2 3 4 5 6 7; do
    kill_at_random 10 300 add big.bin data
    check_store
    if [ -f big.bin.mlops ]; then [ "$(pointer_id big.bin.mlops)" = "$(xxh_id big.bin)" ]; fi
    fsck_clean
    rm -f big.bin.mlops data.mlops
  done
  run mlops add big.bin data
  [ "$status" -eq 0 ]
  check_store
  fsck_clean
  run mlops status --exit-code
  [ "$status" -eq 0 ]
  [ "$(pointer_id big.bin.mlops)" = "$(xxh_id big.bin)" ]
}

@test "kill -9 during checkout" {
  RANDOM=$((SEED + 1))
  mlops init -q
  big_file big.bin 00112233445566778899aabbccddeeff 200000000
  make_files data 3000
  mlops add -q big.bin data
  want_big=$(xxh_id big.bin)
  want_data=$(snapshot)
  for _ in 1 2 3 4 5; do
    rm -rf big.bin data
    kill_at_random 5 250 checkout
    fsck_clean
    # Whatever checkout had written is right or absent: no half-written file
    # under a tracked name.
    if [ -f big.bin ]; then [ "$(xxh_id big.bin)" = "$want_big" ]; fi
    run mlops checkout
    [ "$status" -eq 0 ]
    run mlops status --exit-code
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(xxh_id big.bin)" = "$want_big" ]
    assert_same_snapshot "$want_data" "$(snapshot)"
  done
}

@test "kill -9 during push and pull" {
  RANDOM=$((SEED + 2))
  REMOTE="$BATS_TEST_TMPDIR/remote"
  mlops init -q
  big_file big.bin 00112233445566778899aabbccddeeff 200000000
  make_files data 500
  mlops add -q big.bin data
  mlops remote add -q origin "$REMOTE" --default
  git add -A && git commit -qm v1
  for _ in 1 2 3 4; do
    kill_at_random 20 400 push
    [ ! -d "$REMOTE/objects" ] || check_store "$REMOTE"
  done
  run mlops push
  [ "$status" -eq 0 ]
  check_store "$REMOTE"
  git clone -q . "$BATS_TEST_TMPDIR/clone"
  cd "$BATS_TEST_TMPDIR/clone"
  for _ in 1 2 3 4; do
    kill_at_random 20 400 pull
    [ ! -d .mlops/objects ] || check_store
    # Objects not fetched yet are missing, none is corrupt.
    [ "$(mlops fsck --json | jq '.corrupt | length')" -eq 0 ]
    if [ -f big.bin ]; then [ "$(xxh_id big.bin)" = "$(pointer_id big.bin.mlops)" ]; fi
  done
  run mlops pull
  [ "$status" -eq 0 ]
  fsck_clean
  run mlops status --exit-code
  [ "$status" -eq 0 ]
  [ "$(xxh_id big.bin)" = "$(pointer_id big.bin.mlops)" ]
}

@test "kill -9 during gc" {
  RANDOM=$((SEED + 3))
  mlops init -q
  for v in 1 2 3 4; do
    make_files data 1500
    printf 'version %s\n' "$v" >> data/f0.txt
    for f in data/f1*.txt; do echo "v$v" >> "$f"; done
    mlops add -q data
    git add -A && git commit -qm "v$v"
  done
  want=$(cd data && snapshot)
  for _ in 1 2 3 4; do
    kill_at_random 5 120 gc -w
    fsck_clean
    run mlops status --exit-code
    [ "$status" -eq 0 ]
  done
  run mlops gc -w
  [ "$status" -eq 0 ]
  fsck_clean
  # What HEAD needs is all there: a fresh checkout gives the same files.
  rm -rf data
  run mlops checkout
  [ "$status" -eq 0 ]
  assert_same_snapshot "$want" "$(cd data && snapshot)"
}

@test "kill -9 during exp run: the run is not left 'running', the next run works" {
  RANDOM=$((SEED + 4))
  mlops init -q
  cat > train.sh <<'SH'
for i in $(seq 200); do echo "{\"step\": $i, \"loss\": $i}" >> "$MLOPS_METRICS_FILE"; sleep 0.005; done
SH
  for n in 1 2 3; do
    kill_at_random 300 900 exp run -q -n "killed-$n" -- sh train.sh
  done
  fsck_clean
  run mlops exp run -q -n whole -- sh train.sh
  [ "$status" -eq 0 ]
  [ "$(mlops exp show whole --json | jq -r '.metrics.loss.last')" = 200 ]
  # The killed runs are kept with the points they had, marked as lost rather
  # than running forever (a kill before the run was recorded leaves none).
  lost=0
  for n in 1 2 3; do
    run mlops exp show "killed-$n" --json
    [ "$status" -eq 0 ] || continue
    [ "$(jq -r .status <<< "$output")" = lost ]
    lost=$((lost + 1))
  done
  [ "$lost" -ge 1 ]
  fsck_clean
  # A finished run leaves no scratch files; exp rm takes the killed runs' away.
  for n in 1 2 3; do mlops -q exp rm "killed-$n" 2>/dev/null || true; done
  [ -z "$(ls -A .mlops/runs)" ]
}

@test "kill -9 during a pipeline run: the retry finishes it" {
  RANDOM=$((SEED + 5))
  mlops init -q
  cat > mlops.yaml <<'YAML'
stages:
  make:
    foreach: [a, b, c, d, e, f]
    do:
      cmd: sleep 0.1 && mkdir -p out && head -c 3000000 /dev/urandom > out/${item}.bin
      outs:
        - out/${item}.bin
YAML
  git add -A && git commit -qm pipeline
  for _ in 1 2 3; do
    kill_at_random 50 500 run
    # No stage command lives on to write into the next run's outputs.
    wait_for 5 '! pgrep -s "$KILLED_SESSION" >/dev/null'
    ! pgrep -s "$KILLED_SESSION" -a || false
    fsck_clean
  done
  run mlops run
  [ "$status" -eq 0 ]
  fsck_clean
  run mlops run
  [ "$status" -eq 0 ]
  [[ "$output" == *"up to date"* ]]
  for x in a b c d e f; do [ -f "out/$x.bin" ]; done
}

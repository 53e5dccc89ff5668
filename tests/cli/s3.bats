#!/usr/bin/env bats
# S3 remotes against s3rver, every request through a strict signature gate
# (tests/s3/gate.py: botocore recomputes each signature and refuses what S3
# would refuse). Each test asserts that the gate rejected nothing it should not.
load helpers
load small_disk

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_port() {
  local i
  for i in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on port $1" >&2
  return 1
}

# Starts a gate on a new port; prints the port. Extra args go to gate.py.
start_gate() {
  local port name=$1
  shift
  port=$(free_port)
  /usr/bin/python3 "$MLOPS_SOURCE_DIR/tests/s3/gate.py" --port "$port" --upstream "127.0.0.1:$S3RVER_PORT" \
    --rejections "$S3_DIR/$name.rejections" --requests "$S3_DIR/$name.requests" --lifetime 1200 "$@" \
    >"$S3_DIR/$name.log" 2>&1 &
  echo $! >>"$S3_DIR/pids"
  wait_port "$port" >&2
  echo "$port"
}

setup_file() {
  : "${MLOPS_SOURCE_DIR:?}"
  export S3_DIR
  S3_DIR=$(mktemp -d "${BATS_TMPDIR:-/tmp}/mlops-s3.XXXXXX")
  local s3rver="$MLOPS_SOURCE_DIR/tests/s3/node_modules/.bin/s3rver"
  [ -x "$s3rver" ] || skip "s3rver is not installed (tests/install-deps.sh installs it)"
  export S3RVER_PORT
  S3RVER_PORT=$(free_port)
  mkdir -p "$S3_DIR/data"
  # s3rver's continuation tokens use DES, which Node's OpenSSL 3 keeps in its legacy provider.
  NODE_OPTIONS=--openssl-legacy-provider "$s3rver" -d "$S3_DIR/data" -a 127.0.0.1 -p "$S3RVER_PORT" --silent \
    --configure-bucket mlops-test --configure-bucket mirror >"$S3_DIR/s3rver.log" 2>&1 &
  echo $! >"$S3_DIR/pids"
  wait_port "$S3RVER_PORT"
  export GATE_PORT
  GATE_PORT=$(start_gate strict)
}

teardown_file() {
  [ -f "$S3_DIR/pids" ] && xargs kill <"$S3_DIR/pids" 2>/dev/null || true
  rm -rf "$S3_DIR"
}

setup() {
  fresh_repo
  export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
  export AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_CONFIG_FILE=/nonexistent
  : >"$S3_DIR/strict.rejections"
}

# Fails when the strict gate refused anything since setup.
no_rejections() {
  if [ -s "$S3_DIR/strict.rejections" ]; then
    cat "$S3_DIR/strict.rejections" >&2
    return 1
  fi
}

# A repository with data and an S3 remote called s3 (through the gate on PORT).
s3_repo() {
  local prefix=$1 port=${2:-$GATE_PORT}
  mlops init -q
  make_files data 30
  echo model > model.bin
  mlops add -q data model.bin
  mlops remote add -q s3 "s3://mlops-test/$prefix" --default
  mlops remote modify s3 endpoint "http://127.0.0.1:$port"
  git add -A && git commit -qm v1
}

aws_s3() { /usr/bin/aws --endpoint-url "http://127.0.0.1:$GATE_PORT" "$@"; }

@test "the gate itself refuses tampered bodies, unsigned headers and wrong secrets" {
  run /usr/bin/python3 "$MLOPS_SOURCE_DIR/tests/s3/gate_selftest.py" "$GATE_PORT" mlops-test
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(wc -l <"$S3_DIR/strict.rejections")" -eq 3 ]
}

@test "push and pull through the signature gate; a fresh clone gets identical data" {
  s3_repo "round-trip"
  run mlops push --json
  [ "$status" -eq 0 ]
  [ "$(jq '.transferred' <<<"$output")" -eq 32 ]
  run mlops push --json
  [ "$(jq '.transferred' <<<"$output")" -eq 0 ]
  git clone -q . "$BATS_TEST_TMPDIR/clone" && cd "$BATS_TEST_TMPDIR/clone"
  run mlops pull
  [ "$status" -eq 0 ]
  run mlops status --exit-code
  [ "$status" -eq 0 ]
  [ "$(cat data/f9.txt)" = "file 9 of data" ]
  run mlops status --remote --exit-code
  [ "$status" -eq 0 ]
  no_rejections
}

@test "a full disk during an S3 pull: exit 6, nothing half-written, the retry works" {
  # The download sink fails inside libcurl's write callback: the error must
  # come back through curl (not unwind through it) and leave nothing behind.
  s3_repo "full-disk"
  random_file big.bin 00112233445566778899aabbccddeeff 8000000
  mlops add -q big.bin
  git add -A && git commit -qm big
  mlops push -q
  on_small_disk 24m pull_on_full_disk
  no_rejections
}

@test "keys that stress canonicalisation: spaces, + = ~ %, non-ASCII" {
  s3_repo 'odd prefix/sp ace+plus=eq~tilde%pct/é日本'
  mkdir -p 'data/a b+c=d~e%f' && echo odd > 'data/a b+c=d~e%f/ü x.txt' && mlops add -q data
  run mlops push
  [ "$status" -eq 0 ]
  rm -rf .mlops/objects/*
  run mlops pull --force
  [ "$status" -eq 0 ]
  [ "$(cat 'data/a b+c=d~e%f/ü x.txt')" = odd ]
  run aws_s3 s3 ls --recursive 's3://mlops-test/odd prefix/'
  [[ "$output" == *"odd prefix/sp ace+plus=eq~tilde%pct/é日本/objects/"* ]]
  no_rejections
}

@test "objects pushed by mlops are what aws s3 lists and downloads, byte for byte" {
  s3_repo "interop"
  mlops push -q
  id=$(pointer_id model.bin.mlops | cut -d: -f2)
  run aws_s3 s3 ls --recursive s3://mlops-test/interop/objects/
  [ "$(wc -l <<<"$output")" -eq 32 ]
  aws_s3 s3 cp "s3://mlops-test/interop/objects/${id:0:2}/${id:2}" "$BATS_TEST_TMPDIR/model.copy" >/dev/null
  cmp "$BATS_TEST_TMPDIR/model.copy" model.bin
  no_rejections
}

@test "a folder remote synced to a bucket is a valid S3 remote, and the reverse" {
  s3_repo "unused"
  mlops remote add -q folder "$BATS_TEST_TMPDIR/folder-remote"
  mlops push -q -r folder
  aws_s3 s3 sync --only-show-errors "$BATS_TEST_TMPDIR/folder-remote/" s3://mirror/synced/
  mlops remote add -q mirror s3://mirror/synced
  mlops remote modify mirror endpoint "http://127.0.0.1:$GATE_PORT"
  git add -A && git commit -qm remotes
  git clone -q . "$BATS_TEST_TMPDIR/clone" && cd "$BATS_TEST_TMPDIR/clone"
  run mlops pull -r mirror
  [ "$status" -eq 0 ]
  run mlops status --exit-code
  [ "$status" -eq 0 ]
  # Bucket -> folder: sync the bucket down and pull from it as a folder remote.
  aws_s3 s3 sync --only-show-errors s3://mirror/synced/ "$BATS_TEST_TMPDIR/synced-down/"
  rm -rf .mlops/objects/* data model.bin
  mlops remote add -q down "$BATS_TEST_TMPDIR/synced-down"
  run mlops pull -r down
  [ "$status" -eq 0 ]
  run mlops status --exit-code
  [ "$status" -eq 0 ]
  no_rejections
}

@test "multipart upload of a large object, pulled back identical" {
  s3_repo "multipart"
  mlops remote modify s3 part-size 5242880
  head -c 13000000 /dev/urandom > big.bin && mlops add -q big.bin
  run mlops push
  [ "$status" -eq 0 ]
  grep -q '?uploads' "$S3_DIR/strict.requests"
  grep -q 'partNumber=3' "$S3_DIR/strict.requests"
  expected=$(xxh_id big.bin)
  rm -rf .mlops/objects/* big.bin
  run mlops pull
  [ "$status" -eq 0 ]
  [ "$(xxh_id big.bin)" = "$expected" ]
  run mlops remote modify s3 part-size 1000
  [ "$status" -eq 0 ]   # stored as given ...
  run mlops push
  [ "$status" -eq 2 ]   # ... and refused where it is used
  [[ "$output" == *"part-size must be a number of bytes of at least 5 MiB"* ]]
  no_rejections
}

# Pushes with a bad setting: exit 8, a message saying which, nothing recorded as pushed.
push_refused() {
  local expect=$1
  shift
  run env "$@" "$MLOPS" push
  echo "$output"
  [ "$status" -eq 8 ]
  [[ "$output" == *"mlops: error: "*"$expect"* ]]
  [ "$(sqlite3 .mlops/state.db 'SELECT count(*) FROM remote_index')" -eq 0 ]
}

@test "bad credentials, region and clock each get a clear error and push nothing" {
  s3_repo "bad-credentials"
  push_refused "credentials rejected: the secret key does not match" AWS_SECRET_ACCESS_KEY=wrong-secret
  push_refused "credentials rejected: unknown access key 'AKIAUNKNOWN'" AWS_ACCESS_KEY_ID=AKIAUNKNOWN
  push_refused "wrong region 'eu-west-1'" AWS_REGION=eu-west-1
  command -v faketime >/dev/null || skip "faketime is not installed"
  # faketime's LD_PRELOAD and AddressSanitizer's runtime cannot both come first.
  ldd "$MLOPS" | grep -q libasan && skip "faketime does not run under AddressSanitizer"
  run faketime -f '-2d' "$MLOPS" push
  [ "$status" -eq 8 ]
  [[ "$output" == *"time skew"* ]]
  [ "$(sqlite3 .mlops/state.db 'SELECT count(*) FROM remote_index')" -eq 0 ]
  # The gate refused those, and only those.
  [ "$(grep -c SignatureDoesNotMatch "$S3_DIR/strict.rejections")" -gt 0 ]
  : >"$S3_DIR/strict.rejections"
  run mlops push
  [ "$status" -eq 0 ]
  no_rejections
}

@test "credentials from a profile in the shared credentials file" {
  s3_repo "profile"
  printf '[default]\naws_access_key_id = WRONG\naws_secret_access_key = WRONG\n\n[team]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n' \
    > "$BATS_TEST_TMPDIR/credentials"
  mlops remote modify s3 profile team
  run env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AWS_SHARED_CREDENTIALS_FILE="$BATS_TEST_TMPDIR/credentials" "$MLOPS" push
  [ "$status" -eq 0 ]
  run env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AWS_SHARED_CREDENTIALS_FILE=/nonexistent "$MLOPS" push
  [ "$status" -eq 8 ]
  [[ "$output" == *"no S3 credentials found"* ]]
  no_rejections
}

@test "a bucket that does not exist, and a server that is not there" {
  s3_repo "x"
  mlops remote modify s3 url s3://no-such-bucket/x
  run mlops push
  [ "$status" -eq 8 ]
  [[ "$output" == *"bucket 'no-such-bucket' does not exist"* ]]
  mlops remote modify s3 url s3://mlops-test/x
  mlops remote modify s3 endpoint "http://127.0.0.1:$(free_port)"
  run mlops push
  [ "$status" -eq 8 ]
  [[ "$output" == *"failed:"* ]]
  no_rejections
}

@test "listings of more than 1,000 objects page through continuation tokens" {
  s3_repo "many"
  make_files many 1200
  mlops add -q many
  mlops push -q
  # A second clone's push has no index: it lists the remote, page by page.
  git add -A && git commit -qm many
  git clone -q . "$BATS_TEST_TMPDIR/clone" && cd "$BATS_TEST_TMPDIR/clone"
  mlops pull -q
  : >"$S3_DIR/strict.requests"
  run mlops push --json
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(jq '.transferred' <<<"$output")" -eq 0 ]
  [ "$(jq '.already' <<<"$output")" -eq 1233 ]
  grep -q 'list-type=2' "$S3_DIR/strict.requests"
  grep -q 'continuation-token=' "$S3_DIR/strict.requests"
  ! grep -q '^HEAD' "$S3_DIR/strict.requests" || false
  no_rejections
}

@test "faults: dropped connections, 500, 503 SlowDown and stalls are retried; nothing corrupt is kept" {
  for fault in drop:3 error500:2 slowdown:2 stall:7; do
    cd "$BATS_TEST_TMPDIR"
    rm -rf "repo-$fault" && mkdir "repo-$fault" && cd "repo-$fault"
    git init -q . && git config user.email t@e && git config user.name t
    port=$(start_gate "fault-${fault%%:*}" --fault "$fault" --stall 4)
    s3_repo "fault-${fault%%:*}" "$port"
    mlops remote modify s3 part-size 5242880
    mlops remote modify s3 timeout 2
    head -c 11000000 /dev/urandom > big.bin && mlops add -q big.bin
    run mlops push
    echo "$fault: $output"
    [ "$status" -eq 0 ]
    grep -q FAULT "$S3_DIR/fault-${fault%%:*}.requests"
    rm -rf .mlops/objects/* data big.bin model.bin
    run mlops pull
    echo "$fault pull: $output"
    [ "$status" -eq 0 ]
    run mlops fsck
    [ "$status" -eq 0 ]
    run mlops status --exit-code
    [ "$status" -eq 0 ]
    [ ! -s "$S3_DIR/fault-${fault%%:*}.rejections" ]
  done
  # Multipart uploads that were retried leave no parts behind on the server (an
  # upload whose "initiate" answer was lost keeps only s3rver's key/metadata
  # files: S3 lifecycle rules expire those; s3rver cannot list them for us).
  [ -z "$(find "$S3_DIR/data" -path '*_S3rver_uploads*' -type f ! -name key ! -name metadata 2>/dev/null)" ]
  no_rejections
}

@test "runs shared through S3: three clones push at once, each pulls the union; nothing new is one listing" {
  s3_repo "runs"
  for who in alice bob carol; do
    mkdir -p "$BATS_TEST_TMPDIR/$who" && cd "$BATS_TEST_TMPDIR/$who" && git init -q . && mlops init -q
    mlops remote add -q s3 "s3://mlops-test/runs" --default
    mlops remote modify s3 endpoint "http://127.0.0.1:$GATE_PORT"
    for i in 1 2; do
      echo "$who $i" > a.txt
      USER=$who mlops exp run -q -n "run-$i" --artifact a.txt -- sh -c "echo '{\"m\": $i}' >> \$MLOPS_METRICS_FILE"
    done
  done
  for who in alice bob carol; do (cd "$BATS_TEST_TMPDIR/$who" && mlops exp push -q) & done
  wait
  for who in alice bob carol; do
    cd "$BATS_TEST_TMPDIR/$who"
    run mlops exp pull --json
    [ "$status" -eq 0 ]
    [ "$(jq '.pulled | length' <<<"$output")" -eq 4 ]
    [ "$(mlops exp list --json | jq length)" -eq 6 ]
  done
  [ "$(cat "$(object_path "$(mlops exp show run-2@bob --json | jq -r '.artifacts["a.txt"]')")")" = "bob 2" ]
  : >"$S3_DIR/strict.requests"
  mlops exp pull -q
  # Nothing new: one listing of runs/ (after the newest page known), nothing else.
  cat "$S3_DIR/strict.requests"
  [ "$(wc -l <"$S3_DIR/strict.requests")" -eq 1 ]
  grep -q 'start-after=' "$S3_DIR/strict.requests"
  no_rejections
}

@test "gc -r on S3: old objects nothing names go, the runs' stay; the server's missing upload listing is said" {
  s3_repo "gc"
  mlops push -q
  old=$(pointer_id model.bin.mlops)
  echo v2 > model.bin && mlops add -q model.bin && git add -A && git commit -qm v2
  mlops exp run -q -n r --artifact model.bin -- true
  mlops push -q && mlops exp push -q
  run mlops gc -r s3 -w --grace 0
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Removed 1 object"* ]]
  # s3rver answers NotImplemented to ListMultipartUploads.
  [[ "$output" == *"cannot list unfinished multipart uploads"* ]]
  run aws_s3 s3 ls --recursive s3://mlops-test/gc/objects/
  ! grep -q "${old#xxh128:}" <<<"$(tr -d '/' <<<"$output")"
  git clone -q . "$BATS_TEST_TMPDIR/fresh" && cd "$BATS_TEST_TMPDIR/fresh"
  mlops pull -q && mlops exp pull -q
  run mlops fsck
  [ "$status" -eq 0 ]
  no_rejections
}

@test "import dvc --fetch reads a DVC remote on S3 (DVC's layout, its endpointurl), signed, read-only" {
  python3 "$MLOPS_SOURCE_DIR/tests/cli/fixtures/dvc_project.py" "$BATS_TEST_TMPDIR/dvc"
  aws_s3 s3 sync --only-show-errors "$BATS_TEST_TMPDIR/dvc/remote/" s3://mlops-test/dvc-remote/
  cd "$BATS_TEST_TMPDIR/dvc/repo"
  printf '[core]\n    remote = storage\n['"'"'remote "storage"'"'"']\n    url = s3://mlops-test/dvc-remote\n    endpointurl = http://127.0.0.1:%s\n' \
    "$GATE_PORT" >.dvc/config
  git init -q . && git add -A && git commit -qm dvc
  mlops init -q
  before=$(wc -l <"$S3_DIR/strict.requests")
  run mlops import dvc --fetch
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"model.pkl (1 file, DVC remote s3://mlops-test/dvc-remote"* ]]
  mlops checkout -q model.pkl
  [ "$(md5sum <model.pkl | cut -c1-32)" = "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["model.pkl"])' "$BATS_TEST_TMPDIR/dvc/expected.json")" ]
  # Only reads went to the bucket.
  [ -z "$(tail -n +"$((before + 1))" "$S3_DIR/strict.requests" | grep -v '^GET \|^HEAD ')" ]
  no_rejections
}

@test "packs on S3: 300 small objects in a handful of requests; pulled back by byte ranges, identical" {
  s3_repo "packs"
  make_files many 300
  random_file big.bin 00112233445566778899aabbccddeeff 2000000
  mlops add -q many big.bin
  git add -A && git commit -qm many
  mlops config remote.s3.packs true
  : >"$S3_DIR/strict.requests"
  run mlops push --json
  [ "$status" -eq 0 ]
  # 30 + 300 files, model.bin, big.bin, two folder manifests.
  [ "$(jq '.transferred' <<<"$output")" -eq 334 ]
  # One pack and its index, big.bin, and the two folder manifests (too few
  # to be worth a pack of their own).
  [ "$(grep -c '^PUT ' "$S3_DIR/strict.requests")" -eq 5 ]
  [ "$(grep -c '^PUT .*/packs/[0-9a-f]*\.pack' "$S3_DIR/strict.requests")" -eq 1 ]
  [ "$(grep -c '^PUT .*/packs/[0-9a-f]*\.idx' "$S3_DIR/strict.requests")" -eq 1 ]
  [ "$(wc -l <"$S3_DIR/strict.requests")" -le 12 ]
  aws_s3 s3 ls s3://mlops-test/packs/packs/ > "$BATS_TEST_TMPDIR/ls"
  [ "$(grep -c '\.pack$' "$BATS_TEST_TMPDIR/ls")" -eq 1 ]
  git clone -q . "$BATS_TEST_TMPDIR/clone" && cd "$BATS_TEST_TMPDIR/clone"
  : >"$S3_DIR/strict.requests"
  run mlops pull
  [ "$status" -eq 0 ]
  run mlops status --exit-code
  [ "$status" -eq 0 ]
  [ "$(cat many/f299.txt)" = "file 299 of many" ]
  cmp big.bin "$TEST_REPO/big.bin"
  # Packed objects come as byte ranges of their pack; big.bin and the two
  # manifests are loose.
  [ "$(grep -c '^GET .*/objects/' "$S3_DIR/strict.requests")" -eq 3 ]
  [ "$(grep -c 'list-type=2' "$S3_DIR/strict.requests")" -eq 1 ]
  # The 331 packed files come in a few ranged reads (split across the jobs).
  [ "$(grep -c '^GET .*/packs/[0-9a-f]*\.pack' "$S3_DIR/strict.requests")" -le 4 ]
  # The whole pull: a handful of requests for 334 objects.
  [ "$(wc -l <"$S3_DIR/strict.requests")" -le 12 ]
  [ "$(grep -c '^GET .*/packs/[0-9a-f]*\.idx' "$S3_DIR/strict.requests")" -eq 1 ]
  # Fetched again: the index read before is kept (indexes never change under
  # their name), so only the listing and the ranges are asked for.
  rm -rf .mlops/objects && mkdir .mlops/objects
  : >"$S3_DIR/strict.requests"
  run mlops fetch
  [ "$status" -eq 0 ]
  [ "$(grep -c '^GET .*/packs/[0-9a-f]*\.idx' "$S3_DIR/strict.requests")" -eq 0 ]
  [ "$(grep -c 'list-type=2' "$S3_DIR/strict.requests")" -eq 1 ]
  run mlops fsck -r s3
  [ "$status" -eq 0 ]
  no_rejections
}

@test "gc -r on S3 rewrites a pack that became mostly garbage: the new pack is written before the old index, then the old pack, goes" {
  s3_repo "repack"
  mlops config remote.s3.packs true
  make_files a 100
  mlops add -q a && git add -A && git commit -qm v1
  mlops push -q
  for i in $(seq 0 59); do echo "changed $i" > "a/f$i.txt"; done
  mlops add -q a && git add -A && git commit -qm v2
  mlops push -q
  aws_s3 s3 ls s3://mlops-test/repack/packs/ > "$BATS_TEST_TMPDIR/before"
  [ "$(grep -c '\.pack$' "$BATS_TEST_TMPDIR/before")" -eq 2 ]
  # The first pack holds the repository's other files too: over half live,
  # so the threshold is raised.
  : >"$S3_DIR/strict.requests"
  run mlops gc -r s3 -w --grace 0 --repack-below 100 --json
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(jq '.packs.rewritten' <<<"$output")" -eq 1 ]
  [ "$(jq '.packs.garbage_left' <<<"$output")" -eq 0 ]
  # The order that keeps every live object readable: new pack, its index,
  # then the old index, then the old pack.
  grep -n '^PUT .*/packs/\|^DELETE .*/packs/' "$S3_DIR/strict.requests" | sed 's/ .*packs\/[0-9a-f]*\./ /' > "$BATS_TEST_TMPDIR/order"
  cat "$BATS_TEST_TMPDIR/order"
  [ "$(cut -d: -f2 "$BATS_TEST_TMPDIR/order" | tr '\n' ' ')" = "PUT pack PUT idx DELETE idx DELETE pack " ]
  aws_s3 s3 ls s3://mlops-test/repack/packs/ > "$BATS_TEST_TMPDIR/after"
  # The second pack, and the new one (with the small loose objects: packs are on).
  [ "$(grep -c '\.pack$' "$BATS_TEST_TMPDIR/after")" -eq 2 ]
  [ "$(jq '.packs.loose_packed' <<<"$output")" -eq 2 ]
  git clone -q . "$BATS_TEST_TMPDIR/clone" && cd "$BATS_TEST_TMPDIR/clone"
  run mlops pull
  [ "$status" -eq 0 ]
  [ "$(cat a/f7.txt)" = "changed 7" ] && [ "$(cat a/f77.txt)" = "file 77 of a" ]
  run mlops fsck -r s3
  [ "$status" -eq 0 ]
  no_rejections
}

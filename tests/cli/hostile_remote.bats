#!/usr/bin/env bats
# A store or a remote that lies (issue 17): a damaged local object is never
# sent as a good one, the remote index never hides a remote that lost or
# damaged objects, every read from a remote is bounded by what is expected,
# and the state database going away, or being read-only, is handled.
load helpers

# Servers a test started (their pids in *.pid) end with it.
teardown() {
  local f
  for f in "$BATS_TEST_TMPDIR"/*.pid; do
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
  done
  cd /
  chmod -R u+w "$TEST_REPO" 2>/dev/null || true
  rm -rf "$TEST_REPO"
}

commit() { git add -A && git commit -qm "$1"; }

setup_remote_repo() {
  REMOTE="$BATS_TEST_TMPDIR/remote"
  mlops init -q
  make_files data 5
  echo model > model.bin
  mlops add -q data model.bin
  mlops remote add -q origin "$REMOTE" --default
  commit v1
}

# The path on the folder remote of the object with id ID.
remote_object() { printf '%s/%s' "$REMOTE" "$(object_path "$1" | sed 's|^.mlops/||')"; }

# The ids the remote index holds.
index_ids() { sqlite3 .mlops/state.db 'SELECT id FROM remote_index ORDER BY id'; }

# Overwrites the first byte of a (read-only) object file with X.
damage() {
  chmod u+w "$1"
  printf X | dd of="$1" bs=1 count=1 conv=notrunc status=none
  chmod a-w "$1"
}

@test "push refuses a damaged store object (exit 7), keeps it out of the index, sends it once repaired" {
  setup_remote_repo
  id=$(pointer_id model.bin.mlops)
  damage "$(object_path "$id")"
  run mlops push
  echo "$output"
  [ "$status" -eq 7 ]
  [[ "$output" == *"pushed 6 object(s), but 1 object(s) in the store do not match their names and were not sent:"* ]]
  [[ "$output" == *"model.bin ($id)"* ]]
  [[ "$output" == *"mlops fsck"* ]]
  [ ! -e "$(remote_object "$id")" ]
  [ -z "$(find "$REMOTE/tmp" -type f)" ]
  ! index_ids | grep -qx "$id"
  # Everything else arrived, intact.
  [ "$(index_ids | wc -l)" -eq 6 ]
  # The store is repaired (fsck moves the damaged copy aside, add stores it again).
  run mlops fsck
  [ "$status" -eq 1 ]
  mlops add -q model.bin
  run mlops push
  [ "$status" -eq 0 ]
  [[ "$output" == *"pushed 1 object "* ]]
  [ "$(xxh_id "$(remote_object "$id")")" = "$id" ]
}

@test "fsck -r finds objects deleted or damaged on the remote, moves the damaged aside, and push sends both again" {
  setup_remote_repo
  mlops push -q
  model=$(pointer_id model.bin.mlops)
  f3=$(xxh_id data/f3.txt)
  rm -f "$(remote_object "$model")"
  damage "$(remote_object "$f3")"
  # The index still says both are there: push and status trust it.
  run mlops push
  [[ "$output" == *"pushed 0 objects"* ]]
  run mlops fsck -r origin
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"corrupt on origin: data/f3.txt ($f3) (moved aside there)"* ]]
  [[ "$output" == *"missing on origin: model.bin ($model)"* ]]
  [[ "$output" == *"Checked 7 objects on origin: 1 corrupt, 1 missing."* ]]
  [ ! -e "$(remote_object "$f3")" ]
  [ -f "$REMOTE/quarantine/${f3#xxh128:}" ]
  ! index_ids | grep -qx "$model"
  ! index_ids | grep -qx "$f3"
  run mlops status --remote --json
  [ "$(jq -r '.not_pushed | length' <<<"$output")" = 2 ]
  run mlops push
  [ "$status" -eq 0 ]
  [[ "$output" == *"pushed 2 objects"* ]]
  run mlops fsck --remote --json
  [ "$status" -eq 0 ]
  [ "$(jq -r '.ok, .checked, (.corrupt | length), (.missing | length)' <<<"$output" | tr '\n' ' ')" = "true 7 0 0 " ]
}

@test "push --no-remote-index and status --no-remote-index ask the remote instead of the index" {
  setup_remote_repo
  mlops push -q
  model=$(pointer_id model.bin.mlops)
  rm -f "$(remote_object "$model")"
  run mlops status --remote --exit-code
  [ "$status" -eq 0 ]  # the index does not know
  run mlops status --no-remote-index --exit-code
  [ "$status" -eq 1 ]
  [[ "$output" == *"not pushed:  model.bin ($model)"* ]]
  # status corrected the index: a plain push sends it now; so does --no-remote-index.
  rm -f "$(remote_object "$(xxh_id data/f0.txt)")"
  run mlops push --no-remote-index
  [ "$status" -eq 0 ]
  [[ "$output" == *"pushed 2 objects"* ]]
  [ "$(xxh_id "$(remote_object "$model")")" = "$model" ]
}

@test "a FIFO or a device at an object's path on a folder remote: an error naming it, no hang (exit 8)" {
  setup_remote_repo
  mlops push -q
  git clone -q . "$BATS_TEST_TMPDIR/clone"
  model=$(pointer_id model.bin.mlops)
  obj=$(remote_object "$model")
  rm -f "$obj" && mkfifo "$obj"
  cd "$BATS_TEST_TMPDIR/clone"
  run timeout 20 "$MLOPS" fetch
  echo "$output"
  [ "$status" -eq 8 ]
  [[ "$output" == *"remote origin: $obj is not a regular file (object $model)"* ]]
  [ ! -e "$(object_path "$model")" ]
  rm -f "$obj" && mknod "$obj" c 1 5  # /dev/zero's numbers
  # fsck -r calls it damaged (exit 1) and moves it aside, as any damaged copy.
  run timeout 20 "$MLOPS" fsck -r origin
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"corrupt on origin: model.bin ($model)"* ]]
  [ ! -e "$obj" ]
  # A folder at an object's path does not hold back the other paths of a pull.
  mkdir "$obj"
  run mlops pull
  echo "$output"
  [ "$status" -eq 8 ]
  [[ "$output" == *"$obj is not a regular file"* ]]
  [[ "$output" == *"data: 5 files restored"* ]]
  [ ! -e model.bin ]
}

@test "an object served larger than its pointer says is refused as soon as that is known, nothing kept (exit 8)" {
  setup_remote_repo
  mlops push -q
  git clone -q . "$BATS_TEST_TMPDIR/clone"
  model=$(pointer_id model.bin.mlops)
  obj=$(remote_object "$model")
  chmod u+w "$obj" && head -c 10M /dev/urandom > "$obj"
  cd "$BATS_TEST_TMPDIR/clone"
  mlops fetch -q data
  before=$(snapshot)
  run mlops fetch model.bin
  echo "$output"
  [ "$status" -eq 8 ]
  [[ "$output" == *"object $model from remote origin is larger than expected (6 bytes)"* ]]
  [[ "$output" != *"disk"* ]]
  assert_same_snapshot "$before" "$(snapshot)"
  # fsck -r calls it damaged, and moves it aside.
  run mlops fsck -r origin
  [ "$status" -eq 1 ]
  [[ "$output" == *"corrupt on origin: model.bin ($model)"* ]]
}

# An HTTP server on a free port whose every answer is a 500 with an endless
# body; prints the port.
endless_error_server() {
  local port
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  /usr/bin/python3 - "$port" >"$BATS_TEST_TMPDIR/server.log" 2>&1 <<'EOF' &
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Endless(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    def answer(self, body):
        self.send_response(500)
        self.send_header("Content-Type", "application/xml")
        self.end_headers()
        if not body:
            return
        chunk = b"<Error>" + b"x" * 65536
        try:
            while True:
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
    def do_GET(self): self.answer(True)
    def do_PUT(self): self.answer(True)
    def do_POST(self): self.answer(True)
    def do_HEAD(self): self.answer(False)
    def log_message(self, *args): pass

ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Endless).serve_forever()
EOF
  echo $! >"$BATS_TEST_TMPDIR/server.pid"
  local i
  for i in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  echo "$port"
}

@test "an S3 endpoint streaming an endless error body: bounded time and memory, a clear error (exit 8)" {
  export AWS_ACCESS_KEY_ID=AK AWS_SECRET_ACCESS_KEY=SK AWS_REGION=us-east-1
  export AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_CONFIG_FILE=/nonexistent
  mlops init -q
  echo model > model.bin
  mlops add -q model.bin
  commit v1
  git clone -q . "$BATS_TEST_TMPDIR/clone"
  port=$(endless_error_server)
  cd "$BATS_TEST_TMPDIR/clone"
  mlops remote add -q s3 "s3://bucket/prefix" --default
  mlops remote modify s3 endpoint "http://127.0.0.1:$port"
  # Memory is measured rather than capped with ulimit -v, which a sanitizer's
  # shadow memory cannot live under; the baseline is a fetch with nothing to do.
  base=$(peak_kib "$MLOPS" fetch --remote nowhere)
  rss=$(peak_kib timeout 60 "$MLOPS" fetch)
  output=$(cat "$BATS_TEST_TMPDIR/rss.err")
  echo "$output"
  echo "peak RSS: $rss KiB (baseline $base KiB)"
  [ "$(cat "$BATS_TEST_TMPDIR/rss.status")" -eq 8 ]
  [ "$rss" -lt $((base + 65536)) ]
  [[ "$output" == *"remote s3 (s3://bucket/prefix/ at http://127.0.0.1:$port): downloading $(pointer_id model.bin.mlops) failed: HTTP 500"* ]]
  [ -z "$(find .mlops/objects -type f)" ]
}

@test "state.db deleted during exp run: the lost record is reported (exit 3), the run's files are kept" {
  mlops init -q
  commit init
  run mlops exp run -n gone -- sh -c 'echo "{\"loss\": 1}" >> "$MLOPS_METRICS_FILE"; rm -f .mlops/state.db .mlops/state.db-wal .mlops/state.db-shm; echo trained'
  echo "$output"
  [ "$status" -eq 3 ]
  [[ "$output" == *"mlops: error: the state database "*".mlops/state.db was deleted while mlops was writing to it: run gone ("*") was not recorded; the command exited with status 0"* ]]
  [[ "$output" == *"its metrics and output are kept in "*".mlops/runs/"* ]]
  [ "$(cat .mlops/runs/*/output.log)" = trained ]
  # A failing command's own status is still reported.
  run mlops exp run -n gone2 -- sh -c 'rm -f .mlops/state.db*; exit 5'
  [ "$status" -eq 3 ]
  [[ "$output" == *"the command exited with status 5"* ]]
}

# Runs FUNC (with the helpers) in a user and mount namespace where the
# repository's state database (MODE=file) or its whole .mlops folder
# (MODE=dir) is a read-only bind mount: read-only even for root.
with_read_only_db() {
  local mode=$1 func=$2 target=.mlops
  [ "$mode" = file ] && target=.mlops/state.db
  unshare --map-root-user --mount true 2>/dev/null || skip "no user or mount namespaces here (unshare)"
  run unshare --map-root-user --mount bash -c "
    set -euo pipefail
    mount --bind '$target' '$target'
    mount -o remount,bind,ro '$target'
    export MLOPS='$MLOPS' NO_COLOR=1
    $(declare -f mlops "$func")
    $func"
  echo "$output"
  [ "$status" -eq 0 ]
}

read_only_commands() {
  ! touch .mlops/state.db 2>/dev/null  # really read-only
  mlops status >/dev/null
  [ "$(mlops status --json | jq -r '.paths[] | select(.path == "data") | .state')" = modified ]
  mlops ls >/dev/null
  mlops diff HEAD~1 >/dev/null
  mlops exp list | grep first >/dev/null
  mlops exp show first >/dev/null
  mlops model list | grep clf >/dev/null
  mlops model show clf >/dev/null
  mlops dag >/dev/null
  mlops metrics show >/dev/null
}

make_read_only_repo() {
  mlops init -q
  make_files data 3
  mlops add -q data
  echo 'echo "{\"files\": $(ls data | wc -l)}" > count.json' > count.sh
  cat > mlops.yaml <<'EOF'
stages:
  count:
    cmd: sh count.sh
    deps: [data, count.sh]
    metrics: [count.json]
EOF
  commit v1
  mlops run -q
  make_files data 4
  mlops add -q data
  commit v2
  echo changed > data/f0.txt  # status hashes it, and would want to cache that
  mlops exp run -q -n first -- true
  echo weights > model.pt
  mlops model register clf model.pt -q
}

@test "a read-only state.db (file): status, ls, diff, exp, model, dag and metrics show still work" {
  make_read_only_repo
  with_read_only_db file read_only_commands
}

@test "a read-only .mlops folder: the reading commands still work" {
  make_read_only_repo
  with_read_only_db dir read_only_commands
}

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Starts s3rver (tests/install-deps.sh installs it) with a bucket "hostile"
# under $BATS_TEST_TMPDIR/s3; prints its port.
start_s3rver() {
  local s3rver="$MLOPS_SOURCE_DIR/tests/s3/node_modules/.bin/s3rver" port i
  [ -x "$s3rver" ] || skip "s3rver is not installed (tests/install-deps.sh installs it)"
  port=$(free_port)
  mkdir -p "$BATS_TEST_TMPDIR/s3"
  NODE_OPTIONS=--openssl-legacy-provider "$s3rver" -d "$BATS_TEST_TMPDIR/s3" -a 127.0.0.1 -p "$port" --silent \
    --configure-bucket hostile >"$BATS_TEST_TMPDIR/s3rver.log" 2>&1 &
  echo $! >"$BATS_TEST_TMPDIR/s3rver.pid"
  for i in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  echo "$port"
}

@test "S3: push refuses a damaged store object; fsck -r finds a deleted object and push sends it again" {
  port=$(start_s3rver)
  export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
  export AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_CONFIG_FILE=/nonexistent
  mlops init -q
  make_files data 3
  echo model > model.bin
  mlops add -q data model.bin
  mlops remote add -q s3 s3://hostile/p --default
  mlops remote modify s3 endpoint "http://127.0.0.1:$port"
  commit v1
  model=$(pointer_id model.bin.mlops)
  damage "$(object_path "$model")"
  run mlops push
  echo "$output"
  [ "$status" -eq 7 ]
  [[ "$output" == *"1 object(s) in the store do not match their names and were not sent:"*"model.bin ($model)"* ]]
  [ -z "$(find "$BATS_TEST_TMPDIR/s3/hostile" -path "*${model:7:2}/${model:9}*")" ]
  ! index_ids | grep -qx "$model"
  mlops fsck -q || true
  mlops add -q model.bin
  mlops push -q
  # Lost on the bucket: fsck -r notices, the next push sends it again.
  f1=$(xxh_id data/f1.txt)
  find "$BATS_TEST_TMPDIR/s3/hostile" -path "*${f1:7:2}/${f1:9}*" -delete
  run mlops push
  [[ "$output" == *"pushed 0 objects"* ]]  # the index still says it is there
  run mlops fsck -r s3
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"missing on s3: data/f1.txt ($f1)"* ]]
  [[ "$output" == *"Checked 5 objects on s3: 0 corrupt, 1 missing."* ]]
  run mlops push
  [ "$status" -eq 0 ]
  [[ "$output" == *"pushed 1 object "* ]]
  run mlops fsck -r s3
  [ "$status" -eq 0 ]
}

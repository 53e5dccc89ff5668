# Shared set-up for the CLI scenarios: every test runs in a fresh git repository.
bats_require_minimum_version 1.5.0

: "${MLOPS:?set MLOPS to the mlops binary (ctest does this)}"

setup() { fresh_repo; }

# A new git repository in a temporary folder, made the current one.
fresh_repo() {
  TEST_REPO="$(mktemp -d "${BATS_TMPDIR:-/tmp}/mlops-cli.XXXXXX")"
  cd "$TEST_REPO" || exit 1
  git init -q .
  git config user.email test@example.com
  git config user.name "mlops tests"
  export NO_COLOR=1
}

teardown() {
  cd /
  chmod -R u+w "$TEST_REPO" 2>/dev/null || true
  rm -rf "$TEST_REPO"
}

mlops() { "$MLOPS" "$@"; }

# The sqlite3 CLI gives up at once on a database another process is writing
# (a logger mlops left in the background): wait as mlops itself does.
sqlite3() { command sqlite3 -cmd ".timeout 10000" "$@"; }

# A skip is a pass that tested nothing: with CI=true it fails, unless the
# README's "Tests that skip" section gives its reason as a limit of the machine.
eval "bats_skip_for_real() $(declare -f skip | tail -n +2)"
skip() {
  if [ "${CI:-}" = true ] &&
    ! sed -n '/^### Tests that skip/,/^##/p' "$MLOPS_SOURCE_DIR/README.md" | grep -qF -- "\`${1:-}\`"; then
    echo "CI=true: this scenario would skip (${1:-no reason}), and README.md's \"Tests that skip\" does not say why it may" >&2
    return 1
  fi
  bats_skip_for_real "$@"
}

# Peak resident memory of a command (and what it runs), in KiB; the command's
# exit status is kept in $BATS_TEST_TMPDIR/rss.status. Under AddressSanitizer
# freed memory is not held in quarantine here: what is measured is mlops's use.
#   peak_kib COMMAND...
peak_kib() {
  local st=0
  ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=0" /usr/bin/time -f '%M' -o "$BATS_TEST_TMPDIR/rss" "$@" >/dev/null 2>"$BATS_TEST_TMPDIR/rss.err" || st=$?
  echo "$st" >"$BATS_TEST_TMPDIR/rss.status"
  tail -n 1 "$BATS_TEST_TMPDIR/rss"
}

# Evaluates the shell condition CONDITION (a string, so that it is evaluated
# afresh each time) every 0.1 s until it holds; fails after SECS seconds.
#   wait_for SECS CONDITION
wait_for() {
  local deadline=$((SECONDS + $1))
  until eval "$2"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# Every file below the current folder with its content hash (other entries
# with their type), except git's own files and SQLite's: "changes nothing on
# disk" compares two of these. One python3 process hashes everything: a
# process per file made a snapshot of a 6,000-file tree take minutes.
snapshot() {
  find . \( -path ./.git -o -name 'state.db*' \) -prune -o -print0 | sort -z | python3 -c '
import hashlib, os, stat, sys
for p in sys.stdin.buffer.read().split(b"\0"):
    if not p:
        continue
    st = os.lstat(p)
    if stat.S_ISREG(st.st_mode):
        h = hashlib.sha256()
        with open(p, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        value = h.hexdigest()
    else:
        value = stat.filemode(st.st_mode)[0]
    sys.stdout.buffer.write(p + b" " + value.encode() + b"\n")
'
}

# Runs "mlops $@" and checks it fails with CODE, mentions TEXT, and changed
# nothing on disk (the state database aside).
refuses() {
  local code=$1 text=$2
  shift 2
  local before
  before=$(snapshot)
  run mlops "$@"
  echo "$output"
  [ "$status" -eq "$code" ]
  [[ "$output" == *"mlops: error: "* ]]
  [[ "$output" == *"$text"* ]]
  assert_same_snapshot "$before" "$(snapshot)"
}

# Fails with a diff when two snapshots differ.
assert_same_snapshot() {
  if [ "$1" != "$2" ]; then
    diff <(echo "$1") <(echo "$2") >&2
    return 1
  fi
}

# The XXH3-128 id that the reference xxhsum gives for a file.
xxh_id() { printf 'xxh128:%s' "$(xxhsum -H2 < "$1" | cut -d' ' -f1)"; }

# Writes N files of distinct content into DIR.
make_files() {
  local dir=$1 n=$2 i
  mkdir -p "$dir"
  for ((i = 0; i < n; i++)); do printf 'file %d of %s\n' "$i" "$dir" > "$dir/f$i.txt"; done
}

# Path of a stored object, from its id.
object_path() {
  local hex=${1#*:}
  printf '.mlops/objects/%s/%s' "${hex:0:2}" "${hex:2}"
}

pointer_id() { sed -n 's/^id: //p' "$1"; }

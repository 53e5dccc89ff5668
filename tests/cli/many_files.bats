#!/usr/bin/env bats
# 100,000 small files in 1,000 folders: parallel add, and a no-op status that
# reads no file content.
load helpers

make_tree() {
  python3 - <<'PY'
import os
for d in range(1000):
    path = f"data/d{d:03}"
    os.makedirs(path)
    for f in range(100):
        with open(f"{path}/f{f:02}.txt", "w") as out:
            out.write(f"folder {d} file {f}\n" * 8)
PY
}

@test "100,000 files: add, no-op status without reading, 1% change, checkout" {
  mlops init -q
  make_tree
  run mlops add --json data
  [ "$status" -eq 0 ]
  [ "$(jq '.[0].files' <<<"$output")" -eq 100000 ]
  [ "$(jq '.[0].files_read' <<<"$output")" -eq 100000 ]
  # A no-op status opens no data file: one lstat each, checked against the stat cache.
  # (LeakSanitizer cannot run under ptrace.)
  ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=open,openat -o "$BATS_TEST_TMPDIR/trace" "$MLOPS" status --exit-code >/dev/null
  ! grep -v O_DIRECTORY "$BATS_TEST_TMPDIR/trace" | grep -q '/data/d[0-9]*/f' || false
  # Change 1% of the files: status reads just those and lists them.
  for d in $(seq -w 0 10 999); do echo changed > "data/d$d/f05.txt"; done
  run mlops status --json
  [ "$(jq '.paths[0].modified | length' <<<"$output")" -eq 100 ]
  run mlops add --json data
  [ "$(jq '.[0].files_read' <<<"$output")" -eq 100 ]
  rm -rf data
  run mlops checkout
  [ "$status" -eq 0 ]
  [[ "$output" == *"data: 100000 files restored"* ]]
  run mlops status --exit-code
  [ "$status" -eq 0 ]
}

#!/usr/bin/env bats
# Bad input gets a clear error naming the path, a documented exit code, and
# changes nothing on disk.
load helpers

tracked_repo() {
  mlops init -q
  make_files data 3
  echo model > model.bin
  mlops add -q data model.bin
}

@test "malformed YAML in a pointer file names the file and line" {
  tracked_repo
  printf 'path: model.bin\nid: [oops\n' > model.bin.mlops
  refuses 4 "model.bin.mlops:" status
  refuses 4 "model.bin.mlops:" checkout
  refuses 4 "model.bin.mlops:" ls
}

@test "hand-edited pointers: unknown hash prefix, bad id, unknown field, wrong name" {
  tracked_repo
  sed -i 's/^id: xxh128:/id: md5:/' model.bin.mlops
  refuses 4 "model.bin.mlops:3: object id 'md5:" status
  git checkout -q -- . 2>/dev/null || true
  mlops add -q model.bin
  sed -i 's/^id: .*/id: xxh128:1234/' model.bin.mlops
  refuses 4 "model.bin.mlops:3: object id 'xxh128:1234' is not 32 lowercase hex digits" checkout
  mlops add -q model.bin
  echo 'owner: me' >> model.bin.mlops
  refuses 4 "model.bin.mlops:5: unknown field 'owner'" status
  mlops add -q model.bin
  sed -i 's/^path: .*/path: other.bin/' model.bin.mlops
  refuses 4 "path 'other.bin' does not match the pointer file's name" checkout
}

@test "a pointer whose path climbs out or is absolute is refused" {
  tracked_repo
  sed -i 's|^path: .*|path: ../../etc/passwd|' model.bin.mlops
  refuses 4 "model.bin.mlops:2: unsafe path '../../etc/passwd'" checkout --force
  sed -i 's|^path: .*|path: /etc/passwd|' model.bin.mlops
  refuses 4 "unsafe path '/etc/passwd'" checkout --force
}

@test "a pointer to an object the store does not have" {
  tracked_repo
  sed -i "s/^id: .*/id: $(xxh_id /dev/null)/" model.bin.mlops
  rm model.bin
  refuses 7 "model.bin ($(xxh_id /dev/null))" checkout
  run mlops status --exit-code
  [ "$status" -eq 1 ]
  [[ "$output" == *"model.bin: not in the store"* ]]
}

@test "a manifest with an escaping path never writes outside the repository" {
  mlops init -q
  id=$(xxh_id /dev/stdin <<<"x")
  printf 'x\n' > obj && mkdir -p "$(dirname "$(object_path "$id")")" && cp obj "$(object_path "$id")"
  printf '%s 2 644 ../../escaped\n' "$id" > manifest
  mid=$(xxh_id manifest)
  mkdir -p "$(dirname "$(object_path "$mid")")" && cp manifest "$(object_path "$mid")"
  printf 'path: data\nid: %s\nsize: 2\nkind: dir\nfiles: 1\n' "$mid" > data.mlops
  refuses 4 "unsafe path '../../escaped' in manifest" checkout
  [ ! -e ../escaped ] && [ ! -e ../../escaped ]
}

@test "symlinks that lead outside the repository are refused" {
  mlops init -q
  outside=$(mktemp -d)
  echo secret > "$outside/secret"
  mkdir data && echo ok > data/ok && ln -s "$outside/secret" data/link
  refuses 4 "data/link is a symlink leading outside the repository" add data
  ln -s "$outside" linkdir
  refuses 4 "leads outside the repository through a symlink" add linkdir/secret
  refuses 4 "linkdir is a symlink leading outside the repository" add linkdir
  mkdir real && echo r > real/r && ln -s real inside
  refuses 4 "inside is a symlink to a folder" add inside
  # A tracked folder replaced by a symlink to elsewhere is not written through.
  rm data/link && mlops add -q data && rm -rf data && ln -s "$outside" data
  refuses 4 "data is a symlink leading outside the repository" checkout --force
  [ ! -e "$outside/ok" ]
  rm -rf "$outside"
}

@test "non-UTF-8 and control-character file names are refused, shown escaped" {
  mlops init -q
  mkdir data && echo a > data/ok && echo b > "data/bad$(printf '\xff')name"
  refuses 4 'cannot track data/bad\xffname' add data
  rm data/bad* && echo c > $'data/new\nline'
  refuses 4 'data/new\x0aline' add data
}

@test "a file that changes while it is added is refused; the next add completes" {
  mlops init -q
  head -c 50000000 /dev/zero > grow.bin
  ( for _ in $(seq 1 400); do echo more >> grow.bin; sleep 0.005; done ) &
  writer=$!
  run mlops add grow.bin
  kill "$writer" 2>/dev/null || true
  wait "$writer" 2>/dev/null || true
  [ "$status" -eq 6 ]
  [[ "$output" == *"grow.bin changed while being added"* ]]
  [ ! -e grow.bin.mlops ]
  [ -z "$(ls -A .mlops/tmp)" ]
  run mlops add grow.bin
  [ "$status" -eq 0 ]
  [ "$(pointer_id grow.bin.mlops)" = "$(xxh_id grow.bin)" ]
}

@test "an unreadable file is named in the error" {
  command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
  mlops init -q
  mkdir data && echo a > data/a && echo b > data/secret && chmod 000 data/secret
  if [ "$(id -u)" -eq 0 ]; then
    # root reads everything: run mlops as nobody on a repository nobody owns.
    chown -R nobody "$TEST_REPO"
    run setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$MLOPS" add data
  else
    run mlops add data
  fi
  [ "$status" -eq 6 ]
  [[ "$output" == *"mlops: error: cannot open data/secret: Permission denied"* ]]
  [ ! -e data.mlops ] && [ ! -e .gitignore ]
}

@test "usage errors exit with 2" {
  mlops init -q
  run mlops add
  [ "$status" -eq 2 ]
  run mlops status --no-such-flag
  [ "$status" -eq 2 ]
  [[ "$output" == *"mlops: error:"* ]]
}

#!/usr/bin/env bats
# Trust boundaries (DESIGN.md §5a): what a teammate commits or a remote serves
# is input from someone else. Each test mounts an attack as a hostile teammate
# would — commits made in one clone, pushed through a bare git remote and a
# folder remote, pulled in another — and checks the exact error, the exit
# code, and that nothing changed outside the repository (a sentinel folder
# beside it) or in .git.
load helpers

setup() {
  fresh_repo
  ATTACKER=$TEST_REPO
  ORIGIN="$BATS_TEST_TMPDIR/origin.git"
  STORE="$BATS_TEST_TMPDIR/store"
  SENTINEL="$BATS_TEST_TMPDIR/sentinel"
  mkdir -p "$SENTINEL/inside"
  echo precious > "$SENTINEL/inside/file"
  git init -q --bare "$ORIGIN"
  mlops init -q
  mlops remote add -q store "$STORE" --default
  git remote add origin "$ORIGIN"
  echo seed > seed.txt
  mlops add -q seed.txt
  commit "seed"
  mlops push -q
}

teardown() {
  cd /
  chmod -R u+w "$TEST_REPO" "$BATS_TEST_TMPDIR" 2>/dev/null || true
  rm -rf "$TEST_REPO"
}

commit() { git add -A && git commit -qm "$1"; }

# What the victim's clone and the sentinel look like: compared before and after.
outside_state() {
  (cd "$SENTINEL" && snapshot)
  find /tmp -maxdepth 1 -name 'mlops-pwned*' 2>/dev/null
}
git_state() { (cd "$VICTIM/.git" && find . -path ./index -prune -o -type f -print | sort | xargs -d '\n' sha256sum); }

# The attacker publishes HEAD: git through the bare remote, data through the folder remote.
publish() {
  git push -q origin HEAD:main 2>/dev/null
  mlops push -q 2>/dev/null || true
}

# The victim clones what was published (with the store remote from .mlops/config).
victim_clone() {
  VICTIM="$BATS_TEST_TMPDIR/victim"
  git clone -q -b main "$ORIGIN" "$VICTIM"
  cd "$VICTIM"
}

# Puts FILE's bytes on the folder remote as an object, as a compromised bucket
# would, and prints its id.
remote_object() {
  local hex
  hex=$(xxhsum -H2 < "$1" | cut -d' ' -f1)
  mkdir -p "$STORE/objects/${hex:0:2}"
  cp "$1" "$STORE/objects/${hex:0:2}/${hex:2}"
  printf 'xxh128:%s' "$hex"
}

evil_script() { printf '#!/bin/sh\ntouch /tmp/mlops-pwned-%s\n' "$1"; }

@test "pull refuses mlops.lock outputs outside the repository or in .git, naming file, line and path" {
  evil_script lock > "$BATS_TEST_TMPDIR/evil"
  id=$(remote_object "$BATS_TEST_TMPDIR/evil")
  printf 'stages:\n  s:\n    cmd: "true"\n' > mlops.yaml
  for path in "$SENTINEL/x" "../../sentinel/x" ".git/hooks/post-checkout" ".GIT/hooks/post-checkout" "sub/.mlops/x"; do
    printf 'schema: 1\nstages:\n  s:\n    cmd: "true"\n    outs:\n    - path: %s\n      id: %s\n      size: 30\n' \
      "$path" "$id" > mlops.lock
    commit "lock $path"
    publish
    rm -rf "$BATS_TEST_TMPDIR/victim"
    victim_clone
    before=$(outside_state)
    run mlops pull
    [ "$status" -eq 4 ]
    [[ "$output" == *"mlops: error: mlops.lock:6: unsafe path '$path'"* ]]
    [ "$(outside_state)" = "$before" ]
    [ ! -e .git/hooks/post-checkout ]
    run mlops checkout
    [ "$status" -eq 0 ] || [ "$status" -eq 4 ]
    [ ! -e .git/hooks/post-checkout ]
    cd "$ATTACKER"
  done
  [ ! -e "$SENTINEL/x" ]
  ! ls /tmp/mlops-pwned* 2>/dev/null
}

@test "a kind: dir lock output cannot plant a file in .git, even with pull --force" {
  evil_script dir > "$BATS_TEST_TMPDIR/evil"
  fid=$(remote_object "$BATS_TEST_TMPDIR/evil")
  printf '%s 30 755 post-checkout\n' "$fid" > "$BATS_TEST_TMPDIR/manifest"
  mid=$(remote_object "$BATS_TEST_TMPDIR/manifest")
  printf 'stages:\n  s:\n    cmd: "true"\n' > mlops.yaml
  printf 'schema: 1\nstages:\n  s:\n    cmd: "true"\n    outs:\n    - path: .git/hooks\n      id: %s\n      size: 30\n      kind: dir\n' \
    "$mid" > mlops.lock
  commit "hooks"
  publish
  victim_clone
  before=$(git_state)
  run mlops pull --force
  [ "$status" -eq 4 ]
  [[ "$output" == *"mlops.lock:6: unsafe path '.git/hooks': it is inside git's own folder .git"* ]]
  [ "$(git_state)" = "$before" ]
  [ ! -e .git/hooks/post-checkout ]
}

@test "pointer files named .git or .mlops, or inside them, are refused by every command" {
  mkdir sub
  printf 'path: .git\nid: xxh128:0123456789abcdef0123456789abcdef\nsize: 3\nkind: dir\nfiles: 1\n' > sub/.git.mlops
  commit "nested git"
  publish
  victim_clone
  before=$(git_state)
  for cmd in "pull" "pull --force" "checkout" "checkout --force" "status"; do
    run mlops $cmd
    [ "$status" -eq 4 ]
    [[ "$output" == *"mlops: error: sub/.git.mlops: unsafe path 'sub/.git': it is inside git's own folder .git"* ]]
  done
  [ ! -e sub/.git ]
  [ "$(git_state)" = "$before" ]
  # The root's own .git and .mlops, in any case.
  cd "$ATTACKER"
  git rm -q sub/.git.mlops
  printf 'path: .mlops\nid: xxh128:0123456789abcdef0123456789abcdef\nsize: 3\n' > .mlops.mlops
  printf 'path: .Git\nid: xxh128:0123456789abcdef0123456789abcdef\nsize: 3\n' > .Git.mlops
  commit "root names"
  publish
  cd "$VICTIM"
  git pull -q origin main
  run mlops pull --force
  [ "$status" -eq 4 ]
  [[ "$output" == *"unsafe path '.Git': it is inside git's own folder .git"* ]]
  [ -d .git ] && [ -d .mlops ] && [ -f .mlops/config ]
  # A path named is resolved without reading the hostile pointers.
  run mlops pull seed.txt
  [ "$status" -eq 0 ]
  [ "$(cat seed.txt)" = seed ]
}

@test "a folder manifest with entries under .git is refused before anything is written" {
  evil_script manifest > "$BATS_TEST_TMPDIR/evil"
  fid=$(remote_object "$BATS_TEST_TMPDIR/evil")
  printf '%s 31 644 .git/config\n%s 31 755 ok.sh\n' "$fid" "$fid" > "$BATS_TEST_TMPDIR/manifest"
  mid=$(remote_object "$BATS_TEST_TMPDIR/manifest")
  printf 'path: data\nid: %s\nsize: 62\nkind: dir\nfiles: 2\n' "$mid" > data.mlops
  commit "data"
  publish
  victim_clone
  run mlops pull --force
  [ "$status" -eq 4 ]
  [[ "$output" == *"data.mlops (manifest):1: unsafe path '.git/config' in manifest: it is inside git's own folder .git"* ]]
  [ ! -e data ]
}

@test "a manifest listing a path as a file and as a folder is refused whole" {
  echo x > "$BATS_TEST_TMPDIR/f"
  fid=$(remote_object "$BATS_TEST_TMPDIR/f")
  printf '%s 2 644 a\n%s 2 644 a-b\n%s 2 644 a/b\n' "$fid" "$fid" "$fid" > "$BATS_TEST_TMPDIR/manifest"
  mid=$(remote_object "$BATS_TEST_TMPDIR/manifest")
  printf 'path: data\nid: %s\nsize: 6\nkind: dir\nfiles: 3\n' "$mid" > data.mlops
  commit "data"
  publish
  victim_clone
  run mlops pull
  [ "$status" -eq 4 ]
  [[ "$output" == *"data.mlops (manifest):1: 'a' is listed as a file and also holds 'a/b'"* ]]
  [ ! -e data ]
}

@test "a manifest entry nested 3,000 folders deep is refused and leaves no folder behind" {
  echo x > "$BATS_TEST_TMPDIR/f"
  fid=$(remote_object "$BATS_TEST_TMPDIR/f")
  deep=$(printf 'd/%.0s' $(seq 3000))f
  printf '%s 2 644 %s\n' "$fid" "$deep" > "$BATS_TEST_TMPDIR/manifest"
  mid=$(remote_object "$BATS_TEST_TMPDIR/manifest")
  printf 'path: data\nid: %s\nsize: 2\nkind: dir\nfiles: 1\n' "$mid" > data.mlops
  commit "deep"
  publish
  victim_clone
  run mlops pull
  [ "$status" -eq 4 ]
  [[ "$output" == *"in manifest: the path is longer than 4095 bytes"* ]]
  [ ! -e data ]
  deep=$(printf 'd/%.0s' $(seq 300))f
  printf '%s 2 644 %s\n' "$fid" "$deep" > "$BATS_TEST_TMPDIR/manifest"
  mid=$(remote_object "$BATS_TEST_TMPDIR/manifest")
  cd "$ATTACKER"
  printf 'path: data\nid: %s\nsize: 2\nkind: dir\nfiles: 1\n' "$mid" > data.mlops
  commit "less deep"
  publish
  cd "$VICTIM" && git pull -q origin main
  run mlops pull
  [ "$status" -eq 4 ]
  [[ "$output" == *"in manifest: it is nested deeper than 255 folders"* ]]
  [ ! -e data ]
}

@test "checkout --rev never writes through a folder that is now a symlink out of the repository" {
  mkdir d
  echo v1 > d/data.txt
  mlops add -q d/data.txt
  commit "v1"
  git rm -rq d
  rm -rf d
  ln -s "$SENTINEL/inside" d
  commit "d is a link now"
  before=$(outside_state)
  run mlops checkout --rev HEAD~1
  [ "$status" -eq 4 ]
  [[ "$output" == *"cannot write $TEST_REPO/d/data.txt: $TEST_REPO/d is a symbolic link, and mlops never writes through one"* ]]
  [ "$(outside_state)" = "$before" ]
  [ ! -e "$SENTINEL/inside/data.txt" ]
  run mlops checkout --rev HEAD~1 --force
  [ "$status" -eq 4 ]
  [ "$(outside_state)" = "$before" ]
}

@test "checkout refuses a tracked folder's subfolder swapped for a symlink, and deletes nothing through it" {
  make_files data/sub 3
  mlops add -q data
  commit "data"
  rm -rf data/sub
  ln -s "$SENTINEL/inside" data/sub
  before=$(outside_state)
  run mlops checkout --force
  [ "$status" -ne 0 ]
  [ "$(outside_state)" = "$before" ]
  [ -f "$SENTINEL/inside/file" ]
}

@test "mlops.yaml outs naming .mlops, .git or a path through a symlink are refused, run -n included" {
  for out in .mlops .git .mlops/state.db .Git/config sub/.git; do
    printf 'stages:\n  s:\n    cmd: echo hi\n    outs: [%s]\n' "$out" > mlops.yaml
    for args in "" "-n"; do
      run mlops run $args
      [ "$status" -eq 4 ]
      [[ "$output" == *"mlops.yaml:4"*"'$out' is not a path mlops may use: it is inside"* ]]
    done
  done
  [ -f .mlops/state.db ] && [ -d .mlops/objects ] && git rev-parse -q HEAD >/dev/null
  ln -s "$SENTINEL/inside" link
  printf 'stages:\n  s:\n    cmd: echo hi\n    outs: [link/file]\n' > mlops.yaml
  before=$(outside_state)
  run mlops run
  [ "$status" -eq 4 ]
  [[ "$output" == *"$TEST_REPO/link is a symbolic link, and mlops never writes through one"* ]]
  [ "$(outside_state)" = "$before" ]
  [ -f "$SENTINEL/inside/file" ]
}

@test "checkout refuses a pointer whose size disagrees with the object, before writing anything" {
  echo "twelve bytes" > f.txt
  mlops add -q f.txt
  commit "f"
  rm f.txt
  sed -i 's/^size: .*/size: 5/' f.txt.mlops
  run mlops checkout
  [ "$status" -eq 4 ]
  [[ "$output" == *"f.txt.mlops: size 5 does not match the stored object"* ]]
  [ ! -e f.txt ]
  sed -i 's/^size: .*/size: 1099511627776/' f.txt.mlops
  run mlops checkout
  [ "$status" -eq 4 ]
  [ ! -e f.txt ]
  [ "$(du -s .mlops | cut -f1)" -lt 10000 ]
}

@test "checkout verifies content while copying: a bit-rotted object is never written out" {
  mlops config cache.link copy
  printf 'good content\n' > f.txt
  make_files data 3
  mlops add -q f.txt data
  obj=$(object_path "$(pointer_id f.txt.mlops)")
  chmod u+w "$obj"
  printf 'BAD content!\n' > "$obj"   # same size: only the hash can tell
  rm f.txt
  run mlops checkout f.txt
  [ "$status" -eq 7 ]
  [[ "$output" == *"mlops: error: object $(pointer_id f.txt.mlops) in the store is corrupt (it does not hash to its id); $TEST_REPO/f.txt was not written"* ]]
  [ ! -e f.txt ]
  ls -A | grep -v '^\.' | sort > listed
  ! grep -q 'f.txt$' listed
  # Inside a folder too.
  one=$(sed -n 1p <(grep -l . data/*) )
  fid=$(xxh_id "$one")
  fobj=$(object_path "$fid")
  chmod u+w "$fobj"
  printf '%s' "$(head -c "$(($(stat -c %s "$one") - 1))" /dev/zero | tr '\0' x)" > "$fobj"; echo >> "$fobj"
  rm -rf data
  run mlops checkout data
  [ "$status" -eq 7 ]
  [[ "$output" == *"object $fid in the store is corrupt"* ]]
  [ ! -e "$one" ]
}

@test "the store keeps a file's privacy, and checkout brings modes back" {
  umask 022
  echo secret > secret.txt
  chmod 600 secret.txt
  printf '#!/bin/sh\necho ran\n' > tool.sh
  chmod 755 tool.sh
  mkdir bin && cp tool.sh bin/run.sh && echo plain > bin/notes
  mlops add -q secret.txt tool.sh bin
  [ "$(stat -c %a "$(object_path "$(pointer_id secret.txt.mlops)")")" = 400 ]
  [ "$(stat -c %a "$(object_path "$(pointer_id tool.sh.mlops)")")" = 444 ]
  grep -q '^executable: true$' tool.sh.mlops
  mlops remote add -q folder "$BATS_TEST_TMPDIR/plain" --default
  mlops push -q
  sid=$(pointer_id secret.txt.mlops)
  [ "$(stat -c %a "$BATS_TEST_TMPDIR/plain/objects/${sid:7:2}/${sid:9}")" = 400 ]
  for link in copy hardlink,copy symlink,copy; do
    mlops config cache.link "$link"
    rm -rf secret.txt tool.sh bin
    mlops checkout
    # A copy is private; a link is the private store object itself.
    if [ "$link" = copy ]; then [ "$(stat -c %a secret.txt)" = 600 ]; fi
    [ $((0$(stat -L -c %a secret.txt) & 044)) -eq 0 ]
    [ "$(./tool.sh)" = ran ]
    [ "$(bin/run.sh)" = ran ]
    [ ! -x bin/notes ]
  done
  run mlops status --exit-code
  [ "$status" -eq 0 ]
  chmod -x tool.sh
  run mlops status --exit-code
  [ "$status" -eq 1 ]
  [[ "$output" == *"tool.sh"* ]]
  mlops checkout --force tool.sh
  [ -x tool.sh ]
  chmod +x bin/notes
  run mlops status --exit-code bin
  [ "$status" -eq 1 ]
  [[ "$output" == *"notes"* ]]
}

# Commits a symlink NAME -> TARGET without making it in the work tree first.
commit_symlink() { git update-index --add --cacheinfo "120000,$(printf %s "$2" | git hash-object -w --stdin),$1"; }

@test "symlinks committed in .mlops, or .mlops itself as one, are refused by every command" {
  publish
  commit_symlink .mlops/state.db "$SENTINEL/state.db"
  commit_symlink .mlops/lock "$SENTINEL/lockfile"
  git commit -qm "links in .mlops"
  publish
  victim_clone
  before=$(outside_state)
  run mlops pull
  [ "$status" -eq 3 ]
  [[ "$output" == *".mlops/state.db is a symbolic link; mlops never follows one in its own folder"* ]]
  [ "$(outside_state)" = "$before" ]
  [ ! -e "$SENTINEL/state.db" ] && [ ! -e "$SENTINEL/lockfile" ]
}

@test "a committed cache.dir inside .git is refused; nothing is written into .git" {
  publish
  git config -f .mlops/config cache.dir .git
  commit "cache in .git"
  publish
  victim_clone
  before=$(git_state)
  run mlops pull
  [ "$status" -eq 3 ]
  [[ "$output" == *"cache.dir '.git' is inside .git"* ]]
  [ "$(git_state)" = "$before" ]
  [ ! -e .git/objects/tmp ] && [ ! -e .git/lock ]
}

@test "a pointer may not replace what git tracks (mlops.yaml); a lock output git tracks is never written" {
  printf 'stages:\n  s:\n    cmd: "true"\n' > mlops.yaml
  commit "pipeline"
  printf 'stages:\n  s:\n    cmd: touch /tmp/mlops-pwned-yaml\n' > "$BATS_TEST_TMPDIR/evil"
  id=$(remote_object "$BATS_TEST_TMPDIR/evil")
  printf 'path: mlops.yaml\nid: %s\nsize: %s\n' "$id" "$(stat -c %s "$BATS_TEST_TMPDIR/evil")" > mlops.yaml.mlops
  commit "replace the pipeline"
  publish
  victim_clone
  run mlops pull --force
  [ "$status" -eq 4 ]
  [[ "$output" == *"a pointer file names what git tracks; mlops does not write over it:"*"mlops.yaml.mlops names mlops.yaml"* ]]
  [ "$(git status --porcelain)" = "" ]
  run mlops run
  ! ls /tmp/mlops-pwned-yaml 2>/dev/null
  # The same through mlops.lock, for a pointer file.
  cd "$ATTACKER"
  git rm -q mlops.yaml.mlops
  printf 'schema: 1\nstages:\n  s:\n    cmd: "true"\n    outs:\n    - path: seed.txt.mlops\n      id: %s\n      size: %s\n' \
    "$id" "$(stat -c %s "$BATS_TEST_TMPDIR/evil")" > mlops.lock
  commit "replace a pointer"
  publish
  cd "$VICTIM" && rm -f mlops.lock && git pull -q origin main
  # A locked output that git tracks is git's to write (metrics files are both): never written.
  run mlops pull --force
  [ "$status" -eq 0 ]
  [ "$(git status --porcelain)" = "" ]
  [ "$(cat seed.txt.mlops)" = "$(git show HEAD:seed.txt.mlops)" ]
}

@test "a .gitignore committed as a symlink is never read through" {
  commit_symlink .gitignore "$SENTINEL/inside/file"
  git commit -qm "link"
  git checkout -q -- .gitignore 2>/dev/null || git checkout -q HEAD -- .
  [ -L .gitignore ]
  echo x > x
  run mlops add x
  [ "$status" -eq 4 ]
  [[ "$output" == *".gitignore is not a regular file"* ]]
  [ "$(cat "$SENTINEL/inside/file")" = precious ]
  [ ! -e x.mlops ]
}

@test "a huge pointer blob in history is refused before it is loaded" {
  bid=$(head -c 100M /dev/zero | git -c core.bigFileThreshold=1g hash-object -w --stdin)
  git update-index --add --cacheinfo "100644,$bid,huge.mlops"
  git commit -qm huge
  git rm -q --cached huge.mlops
  git commit -qm gone
  run timeout 60 "$MLOPS" diff HEAD~1 HEAD
  [ "$status" -eq 4 ]
  [[ "$output" == *"huge.mlops in git is 104857600 bytes, more than mlops reads"* ]]
}

@test "a FIFO or a device named mlops.yaml or params.yaml does not hang anything" {
  mkfifo "$BATS_TEST_TMPDIR/fifo"
  ln -s "$BATS_TEST_TMPDIR/fifo" mlops.yaml
  run timeout 20 "$MLOPS" status
  [ "$status" -eq 4 ]
  [[ "$output" == *"mlops.yaml is not a regular file"* ]]
  rm mlops.yaml
  printf 'stages:\n  s:\n    cmd: "true"\n    params: [lr]\n' > mlops.yaml
  ln -s /dev/stdin params.yaml
  run timeout 20 "$MLOPS" run -n
  [ "$status" -eq 4 ]
  [[ "$output" == *"params.yaml is not a regular file"* ]]
}

@test "model get -o never writes into .git or .mlops" {
  echo w > w.bin
  mlops model register clf w.bin --no-git-tag -q
  for dest in .git/hooks .mlops/objects .mlops/state.db sub/.git/x; do
    run mlops model get clf -o "$dest" -f
    [ "$status" -eq 2 ]
    [[ "$output" == *"is inside a .git folder"* || "$output" == *"is inside a .mlops folder"* ]]
  done
  [ -d .mlops/objects ] && [ -f .mlops/state.db ] && [ ! -e .git/hooks/post-checkout ]
  mlops status >/dev/null
}

@test "manifests that lie about sizes, name pointer files or overlap another record are refused before writing" {
  printf 'abcdef\n' > "$BATS_TEST_TMPDIR/f"
  fid=$(remote_object "$BATS_TEST_TMPDIR/f")
  # An entry whose size disagrees with its object.
  printf '%s 7 644 a\n%s 8 644 b\n' "$fid" "$fid" > "$BATS_TEST_TMPDIR/m1"
  m1=$(remote_object "$BATS_TEST_TMPDIR/m1")
  printf 'path: data\nid: %s\nsize: 15\nkind: dir\nfiles: 2\n' "$m1" > data.mlops
  commit "sizes"
  publish
  victim_clone
  run mlops pull
  [ "$status" -eq 4 ]
  [[ "$output" == *"data.mlops (manifest): 'b' says 8 bytes, but its object $fid holds 7"* ]]
  [ ! -e data ]
  # files: and size: of a folder pointer must match its manifest.
  cd "$ATTACKER"
  printf '%s 7 644 a\n' "$fid" > "$BATS_TEST_TMPDIR/m2"
  m2=$(remote_object "$BATS_TEST_TMPDIR/m2")
  printf 'path: data\nid: %s\nsize: 7\nkind: dir\nfiles: 5\n' "$m2" > data.mlops
  commit "files"
  publish
  cd "$VICTIM" && git pull -q origin main
  run mlops pull
  [ "$status" -eq 4 ]
  [[ "$output" == *"data.mlops: files: 5 but its manifest lists 1"* ]]
  [ ! -e data ]
  # An entry named like a pointer file.
  printf '%s 7 644 x.mlops\n' "$fid" > "$BATS_TEST_TMPDIR/m3"
  m3=$(remote_object "$BATS_TEST_TMPDIR/m3")
  cd "$ATTACKER"
  printf 'path: data\nid: %s\nsize: 7\nkind: dir\nfiles: 1\n' "$m3" > data.mlops
  commit "pointer inside"
  publish
  cd "$VICTIM" && git pull -q origin main
  run mlops pull
  [ "$status" -eq 4 ]
  [[ "$output" == *"'x.mlops' in manifest is named like a pointer file"* ]]
  [ ! -e data ]
  # A lock output inside a pointer-tracked folder.
  cd "$ATTACKER"
  printf 'path: data\nid: %s\nsize: 7\nkind: dir\nfiles: 1\n' "$m2" > data.mlops
  printf 'stages:\n  s:\n    cmd: "true"\n' > mlops.yaml
  printf 'schema: 1\nstages:\n  s:\n    cmd: "true"\n    outs:\n    - path: data/a\n      id: %s\n      size: 7\n' "$fid" > mlops.lock
  commit "overlap"
  publish
  cd "$VICTIM" && git pull -q origin main
  run mlops pull
  [ "$status" -eq 4 ]
  [[ "$output" == *"data/a is recorded twice, or inside the tracked data"* ]]
  [ ! -e data ]
}

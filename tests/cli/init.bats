#!/usr/bin/env bats
load helpers

@test "init creates .mlops at the git top level" {
  mkdir -p sub/dir && cd sub/dir
  run mlops init
  [ "$status" -eq 0 ]
  [[ "$output" == *"Initialised mlops repository in $TEST_REPO/.mlops (hash: xxh128)"* ]]
  cd "$TEST_REPO"
  [ -d .mlops/objects ] && [ -d .mlops/tmp ] && [ -f .mlops/state.db ] && [ -f .mlops/config ]
  run git config -f .mlops/config core.hash
  [ "$output" = xxh128 ]
  # Only the config (and the ignore file) go into git.
  run git status --porcelain --untracked-files=all .mlops
  [ "$output" = "$(printf '?? .mlops/.gitignore\n?? .mlops/config')" ]
}

@test "init --hash sha256 records the algorithm and add uses it" {
  run mlops init --hash sha256
  [ "$status" -eq 0 ]
  [ "$(git config -f .mlops/config core.hash)" = sha256 ]
  echo hello > f.txt
  mlops add f.txt
  [ "$(pointer_id f.txt.mlops)" = "sha256:$(sha256sum f.txt | cut -d' ' -f1)" ]
}

@test "init refuses politely when already initialised and changes nothing" {
  mlops init
  mlops config cache.link copy
  before=$(snapshot)
  run mlops init --hash sha256
  [ "$status" -eq 3 ]
  [[ "$output" == *"mlops: error: $TEST_REPO is already an mlops repository"* ]]
  assert_same_snapshot "$before" "$(snapshot)"
}

@test "init rejects an unknown hash as a usage error" {
  run mlops init --hash md5
  [ "$status" -eq 2 ]
  [[ "$output" == *"mlops: error:"*"md5"* ]]
  [ ! -e .mlops ]
}

@test "init outside git works with a warning" {
  outside=$(mktemp -d)
  cd "$outside"
  run mlops init
  [ "$status" -eq 0 ]
  [[ "$output" == *"warning: $outside is not inside a git repository"* ]]
  [ -d .mlops/objects ]
  echo data > d && mlops add d && mlops status
  rm -rf "$outside"
}

@test "commands outside a repository say so with exit code 3" {
  outside=$(mktemp -d)
  cd "$outside"
  run mlops status
  [ "$status" -eq 3 ]
  [[ "$output" == *"mlops: error: not an mlops repository"* ]]
  [[ "$output" == *"hint: run 'mlops init'"* ]]
  rm -rf "$outside"
}

@test "-C runs in another directory; --version and help" {
  cd /
  run mlops -C "$TEST_REPO" init
  [ "$status" -eq 0 ]
  [ -d "$TEST_REPO/.mlops" ]
  run mlops --version
  [ "$status" -eq 0 ]
  [[ "$output" =~ ^mlops\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
  run mlops help add
  [ "$status" -eq 0 ]
  [[ "$output" == *"Track files and folders"* ]]
  run mlops help frobnicate
  [ "$status" -eq 2 ]
  run mlops frobnicate
  [ "$status" -eq 2 ]
  [[ "$output" == *"mlops: error:"* ]]
  run mlops -C /nonexistent status
  [ "$status" -eq 2 ]
  [[ "$output" == *"-C /nonexistent"* ]]
}

@test "init, rm and install-hooks report JSON for scripts" {
  run mlops init --json
  [ "$status" -eq 0 ]
  [ "$(jq -r .hash <<<"$output")" = xxh128 ]
  [ "$(jq -r .git <<<"$output")" = true ]
  [ "$(jq -r .root <<<"$output")" = "$(pwd -P)" ]
  echo x > a.bin && mlops add -q a.bin
  run mlops rm a.bin --json
  [ "$(jq -r '.[0].path' <<<"$output")" = a.bin ]
  [ "$(jq -r '.[0].data_removed' <<<"$output")" = true ]
  run mlops install-hooks --json
  [ "$(jq -r '[.installed[].hook] | sort | join(" ")' <<<"$output")" = "post-checkout pre-commit pre-push" ]
  run mlops install-hooks --uninstall --json
  [ "$(jq -r '.removed | length' <<<"$output")" -eq 3 ]
}

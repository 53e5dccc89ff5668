#!/usr/bin/env bats
# git hooks: install, chain existing hooks, uninstall; the pre-commit check;
# checkout after git checkout; the .pre-commit-hooks.yaml for the pre-commit framework.
load helpers

: "${MLOPS_SOURCE_DIR:?}"

@test "install-hooks installs pre-commit and post-checkout, chaining a user's hook" {
  mlops init -q
  printf '#!/bin/sh\necho user-hook-ran >> "%s/user.log"\n' "$TEST_REPO" > .git/hooks/pre-commit
  chmod +x .git/hooks/pre-commit
  run mlops install-hooks
  [ "$status" -eq 0 ]
  [[ "$output" == *"installed pre-commit (your hook is kept as pre-commit.pre-mlops and runs first)"* ]]
  [[ "$output" == *"installed post-checkout"* ]]
  [[ "$output" == *"installed pre-push"* ]]
  [ -x .git/hooks/pre-commit ] && [ -x .git/hooks/post-checkout ] && [ -x .git/hooks/pre-push ]
  [ -x .git/hooks/pre-commit.pre-mlops ]
  # Idempotent: a second install keeps the chain as it is.
  mlops install-hooks -q
  [ ! -e .git/hooks/pre-commit.pre-mlops.pre-mlops ]
  echo x > f && mlops add -q f && git add -A && git commit -qm one
  [ "$(cat user.log)" = user-hook-ran ]
  run mlops install-hooks --uninstall
  [ "$status" -eq 0 ]
  grep -q user-hook-ran .git/hooks/pre-commit
  [ ! -e .git/hooks/post-checkout ] && [ ! -e .git/hooks/pre-push ] && [ ! -e .git/hooks/pre-commit.pre-mlops ]
}

@test "pre-push sends the data to the default remote before git pushes the pointers" {
  mlops init -q
  mlops install-hooks -q
  git init -q --bare "$BATS_TEST_TMPDIR/origin.git"
  git remote add origin "$BATS_TEST_TMPDIR/origin.git"
  echo v1 > model.bin && mlops add -q model.bin && git add -A && git commit -qm v1
  # No mlops remote yet: git push goes through, nothing is sent.
  run git push -q origin HEAD
  [ "$status" -eq 0 ]
  mlops remote add -q store "$BATS_TEST_TMPDIR/store" --default
  echo v2 > model.bin && mlops add -q model.bin && git add -A && git commit -qm v2
  run git push origin HEAD
  [ "$status" -eq 0 ]
  [[ "$output" == *"mlops: pushed 1 object"* ]]
  [ -f "$BATS_TEST_TMPDIR/store/$(object_path "$(pointer_id model.bin.mlops)" | sed 's|^.mlops/||')" ]
  # When the data cannot be sent, git push stops and the pointers stay unpublished.
  mlops remote modify store url /dev/null/store
  echo v3 > model.bin && mlops add -q model.bin && git add -A && git commit -qm v3
  run git push origin HEAD
  [ "$status" -ne 0 ]
  [[ "$output" == *"mlops: error:"* ]]
  [ "$(git --git-dir="$BATS_TEST_TMPDIR/origin.git" log -1 --format=%s)" = v2 ]
}

@test "pre-commit refuses a commit while tracked data is modified but not added" {
  mlops init -q
  mlops install-hooks -q
  echo v1 > model.bin && mlops add -q model.bin && git add -A && git commit -qm v1
  echo v2 > model.bin
  run git commit -qm again --allow-empty
  [ "$status" -ne 0 ]
  [[ "$output" == *"tracked data is modified but not added"* ]]
  [[ "$output" == *"model.bin"* ]]
  mlops add -q model.bin && git add -A
  run git commit -qm v2
  [ "$status" -eq 0 ]
}

@test "post-checkout brings the data along with git checkout and git switch" {
  mlops init -q
  mlops install-hooks -q
  echo v1 > model.bin && mlops add -q model.bin && git add -A && git commit -qm v1
  main=$(git branch --show-current)
  git switch -q -c exp
  echo exp > model.bin && mlops add -q model.bin && git add -A && git commit -qm exp
  git switch -q "$main"
  [ "$(cat model.bin)" = v1 ]
  git checkout -q exp
  [ "$(cat model.bin)" = exp ]
  # Unsaved data is not overwritten: the hook warns, and git's checkout stands.
  echo unsaved > model.bin
  run git checkout "$main"
  [ "$status" -eq 0 ]
  [[ "$output" == *"mlops: warning: data not checked out"* ]]
  [ "$(cat model.bin)" = unsaved ]
}

@test "install-hooks outside git says so" {
  outside=$(mktemp -d) && cd "$outside"
  mlops init -q 2>/dev/null
  run mlops install-hooks
  [ "$status" -eq 3 ]
  [[ "$output" == *"not a git repository"* ]]
  rm -rf "$outside"
}

@test "the pre-commit framework runs the repository's hooks" {
  command -v pre-commit >/dev/null || skip "pre-commit is not installed"
  export PATH="$(dirname "$MLOPS"):$PATH"
  export PRE_COMMIT_HOME="$BATS_TEST_TMPDIR/pre-commit-home"
  mlops init -q
  echo v1 > model.bin && mlops add -q model.bin && git add -A && git commit -qm v1
  run pre-commit try-repo "$MLOPS_SOURCE_DIR" mlops-validate-pointers --all-files
  [ "$status" -eq 0 ]
  run pre-commit try-repo "$MLOPS_SOURCE_DIR" mlops-status --all-files
  [ "$status" -eq 0 ]
  # A broken pointer and modified data both fail, naming the problem.
  sed -i 's/^size: .*/size: lots/' model.bin.mlops && git add model.bin.mlops
  run pre-commit try-repo "$MLOPS_SOURCE_DIR" mlops-validate-pointers --all-files
  [ "$status" -ne 0 ]
  [[ "$output" == *"model.bin.mlops:4: 'size' must be a whole number"* ]]
  git checkout -q HEAD -- model.bin.mlops
  echo v2 > model.bin
  run pre-commit try-repo "$MLOPS_SOURCE_DIR" mlops-status --all-files
  [ "$status" -ne 0 ]
  [[ "$output" == *"tracked data is modified but not added"* ]]
}

#!/usr/bin/env bats
# Man pages, completions and installation stay in step with the binary.
load helpers

: "${MLOPS_SOURCE_DIR:?}" "${MLOPS_BUILD_DIR:?}"

# The commands the binary knows, from its own help.
commands() { "$MLOPS" help | sed -n '/^Subcommands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }'; }

# The options of one command, from its own help.
options_of() {
  "$MLOPS" help "$1" | sed -n '/^Options:/,/^$/p' | grep -oE '^  (-[A-Za-z],)?--?[A-Za-z][A-Za-z-]*' |
    tr ',' '\n' | sed 's/^ *//' | grep -v -- '^-h$' | grep -v -- '^--help$'
}

# Every command path and its options, from CLI11's definitions ("exp run<TAB>--name -n ...").
cli_tree() { "$MLOPS" __cli; }

@test "the command list is read from the binary" {
  run commands
  [ "${#lines[@]}" -ge 7 ]
  [[ " ${lines[*]} " == *" add "* ]]
}

@test "every command has a man page that renders without warnings" {
  for cmd in $(commands); do
    [ "$cmd" = help ] && continue
    page="$MLOPS_BUILD_DIR/man/mlops-$cmd.1"
    [ -f "$page" ] || { echo "no man page for $cmd" >&2; return 1; }
    grep -q "mlops-$cmd" "$MLOPS_BUILD_DIR/man/mlops.1" || { echo "mlops(1) does not mention $cmd" >&2; return 1; }
  done
  for page in "$MLOPS_BUILD_DIR"/man/*.[0-9]; do
    warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null)
    [ -z "$warnings" ] || { echo "$page: $warnings" >&2; return 1; }
    # No scdoc markup leaks into the text: an underline marker left around a
    # word (_X.Y.Z_, __KEY_) or a literal bold star.
    leaks=$(LC_ALL=C.UTF-8 MANWIDTH=200 man -E UTF-8 -l "$page" 2>/dev/null | col -b |
      grep -nE '(^|[^A-Z_])_[A-Za-z.]+_([^A-Za-z0-9_]|$)|[A-Za-z]__[A-Za-z]|\*[A-Za-z-]+\*' || true)
    [ -z "$leaks" ] || { echo "$page: scdoc markup in the rendered page:" >&2; echo "$leaks" >&2; return 1; }
  done
  # Every option of every command is documented on its page.
  for cmd in $(commands); do
    [ "$cmd" = help ] && continue
    for opt in $(options_of "$cmd"); do
      grep -qF -- "*${opt}*" "$MLOPS_SOURCE_DIR/man/mlops-$cmd.1.scd" ||
        { echo "mlops-$cmd(1) does not document $opt" >&2; return 1; }
    done
  done
  # mlops(1) has the sections scripts rely on.
  for section in 'EXIT STATUS' ENVIRONMENT FILES; do
    grep -qx "# $section" "$MLOPS_SOURCE_DIR/man/mlops.1.scd"
  done
}

@test "every command and option appears in the bash, zsh and fish completions" {
  [ -f /usr/share/bash-completion/bash_completion ] || skip "bash-completion is not installed"
  for file in mlops.bash _mlops mlops.fish; do
    for cmd in $(commands); do
      grep -qw -- "$cmd" "$MLOPS_SOURCE_DIR/completions/$file" || { echo "$file lacks $cmd" >&2; return 1; }
    done
  done
  # Every option, short ones too, where its command is completed: bash by its
  # own machinery, zsh in the command's _arguments branch, fish on a line whose
  # conditions select the command (tests/cli/completion_check.py).
  "$MLOPS" __cli >tree.txt
  check() { PATH="$(dirname "$MLOPS"):$PATH" python3 "$MLOPS_SOURCE_DIR/tests/cli/completion_check.py" tree.txt "$1"; }
  run check "$MLOPS_SOURCE_DIR/completions"
  echo "$output"
  [ "$status" -eq 0 ]
  # And the check can fail: dropping one option from any of the three files
  # (long or short) is found.
  mutate() {  # FILE FROM TO: a copy of the completions with one change
    rm -rf mutated && cp -r "$MLOPS_SOURCE_DIR/completions" mutated
    python3 -c 'import sys; p, a, b = sys.argv[1:]; s = open(p).read(); assert a in s, a; open(p, "w").write(s.replace(a, b, 1))' \
      "mutated/$1" "$2" "$3"
  }
  for m in "mlops.bash|--run-cache |" "mlops.bash| -T | " "_mlops|'--run-cache[also forget the run cache]'|" \
    "_mlops|{-j,--jobs}'[sweep runs at once]:N:'|'--jobs[sweep runs at once]:N:'" \
    "mlops.fish|-l run-cache|" "mlops.fish|-s T |"; do
    IFS='|' read -r file from to <<<"$m"
    mutate "$file" "$from" "$to"
    run check mutated
    echo "$file without '$from': $output"
    [ "$status" -eq 1 ]
  done
}

# Runs the bash completion function for a command line, prints the candidates.
complete_bash() {
  PATH="$(dirname "$MLOPS"):$PATH" bash -c '
    source /usr/share/bash-completion/bash_completion
    source "$1"
    shift
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    _mlops
    printf "%s\n" "${COMPREPLY[@]}"
  ' _ "$MLOPS_SOURCE_DIR/completions/mlops.bash" "$@"
}

@test "bash completion works for real" {
  [ -f /usr/share/bash-completion/bash_completion ] || skip "bash-completion is not installed"
  run complete_bash mlops ch
  [ "$output" = checkout ]
  run complete_bash mlops status --ex
  [ "$output" = --exit-code ]
  run complete_bash mlops init --hash s
  [ "$output" = sha256 ]
  run complete_bash mlops config cache.l
  [ "$output" = cache.link ]
  mlops init -q
  mkdir data && echo x > data/train.csv && echo y > model.bin
  mlops add -q data/train.csv model.bin
  run complete_bash mlops checkout mod
  [ "$output" = model.bin ]
  run complete_bash mlops rm data/tr
  [ "$output" = data/train.csv ]
  git add -A && git commit -qm one && git tag release-1
  run complete_bash mlops diff rel
  [ "$output" = release-1 ]
  run complete_bash mlops checkout --rev HE
  [ "$output" = HEAD ]
  run complete_bash mlops gc --all-t
  [ "$output" = --all-tags ]
}

@test "every subcommand and option the binary defines is documented and completed" {
  [ -f /usr/share/bash-completion/bash_completion ] || skip "bash-completion is not installed"
  run cli_tree
  [ "${#lines[@]}" -ge 50 ]
  [[ "$output" == *$'exp run\t--name -n'* ]]
  mlops init -q
  while IFS=$'\t' read -r path opts; do
    top=${path%% *}
    [ "$top" = help ] && continue
    page="$MLOPS_SOURCE_DIR/man/mlops-$top.1.scd"
    read -ra words <<<"$path"
    # Subcommands: named on the parent's man page and offered by bash after the parent.
    if [ "${#words[@]}" -gt 1 ]; then
      grep -qw -- "${words[-1]}" "$page" || { echo "mlops-$top(1) does not name '$path'" >&2; return 1; }
      offered=$(complete_bash mlops "${words[@]:0:${#words[@]}-1}" "")
      grep -qx -- "${words[-1]}" <<<"$offered" || { echo "bash does not offer '$path'" >&2; return 1; }
    fi
    offered=$(complete_bash mlops "${words[@]}" --)
    for opt in $opts; do
      [[ $opt == --* ]] || continue
      grep -qF -- "*${opt}*" "$page" || { echo "mlops-$top(1) does not document $path $opt" >&2; return 1; }
      grep -qx -- "$opt" <<<"$offered" || { echo "bash does not offer $opt after 'mlops $path'" >&2; return 1; }
      for file in _mlops mlops.fish; do
        grep -q -- "${opt#--}" "$MLOPS_SOURCE_DIR/completions/$file" || { echo "$file lacks $path $opt" >&2; return 1; }
      done
    done
  done <<<"$output"
}

@test "bash completes metric keys, sort fields, model references and the configured stages" {
  [ -f /usr/share/bash-completion/bash_completion ] || skip "bash-completion is not installed"
  mlops init -q
  mlops exp run -q -n first-run -p lr=0.1 -- sh -c 'echo "{\"acc\": 0.9, \"loss\": 0.1}" >> "$MLOPS_METRICS_FILE"'
  echo m > m.bin && mlops add -q m.bin && git add -A && git commit -qm m
  mlops model register -q churn m.bin --version 1.0.0 --no-git-tag
  mlops model alias -q churn champion 1.0.0 --no-git-tag
  mlops config model.stages dev,qa,prod
  mlops model promote -q churn 1.0.0 qa --no-git-tag
  run complete_bash mlops exp plot first-run -m ""
  [ "$output" = $'acc\nloss' ]
  run complete_bash mlops exp plot first-run --metric l
  [ "$output" = loss ]
  run complete_bash mlops exp best -m ""
  [ "$output" = $'acc\nloss' ]
  run complete_bash mlops exp list --sort ""
  [[ "$output" == *$'\nname\n'* ]]
  [[ "$output" == *"params.lr"* && "$output" == *"metrics.acc"* ]]
  [[ "$output" != *"--"* ]]
  run complete_bash mlops exp list --sort metrics.l
  [ "$output" = metrics.loss ]
  run complete_bash mlops exp list --columns name,params.
  [ "$output" = $'name,params.lr\nname,params.*' ]
  run complete_bash mlops model get churn
  [[ "$output" == *"churn@v1.0.0"* ]]
  [[ "$output" == *"churn#qa"* ]]
  [[ "$output" == *"champion"* ]]
  run complete_bash mlops model get churn@
  [ "$output" = churn@v1.0.0 ]
  run complete_bash mlops model promote churn 1.0.0 ""
  [ "$output" = $'dev\nqa\nprod' ]
  # -C names the repository the names come from.
  cd "$BATS_TEST_TMPDIR"
  run complete_bash mlops -C "$TEST_REPO" exp show fi
  [ "$output" = first-run ]
}

@test "completion values come from the hidden helper" {
  mlops init -q
  mkdir data && echo x > data/a.csv && mlops add -q data/a.csv
  mlops remote add -q store "$BATS_TEST_TMPDIR/r"
  mlops exp run -q -n first-run -- true
  printf 'stages:\n  train:\n    cmd: "true"\n' > mlops.yaml
  git add -A && git commit -qm x
  echo m > m.bin && mlops model register -q churn m.bin --no-git-tag
  [ "$("$MLOPS" __complete paths)" = data/a.csv ]
  [ "$("$MLOPS" __complete remotes)" = store ]
  [ "$("$MLOPS" __complete runs)" = first-run ]
  [ "$("$MLOPS" __complete stages)" = train ]
  [ "$("$MLOPS" __complete models)" = churn ]
  run complete_bash mlops exp show fi
  [ "$output" = first-run ]
  run complete_bash mlops run tr
  [ "$output" = train ]
  run complete_bash mlops model show ch
  [ "$output" = churn ]
  # Outside a repository it prints nothing and succeeds.
  cd "$BATS_TEST_TMPDIR"
  run "$MLOPS" __complete runs
  [ "$status" -eq 0 ] && [ -z "$output" ]
}

@test "cmake --install puts the binary, man pages and completions in place" {
  prefix="$BATS_TEST_TMPDIR/prefix"
  cmake --install "$MLOPS_BUILD_DIR" --prefix "$prefix" >/dev/null
  [ -x "$prefix/bin/mlops" ]
  "$prefix/bin/mlops" --version
  for cmd in $(commands); do
    [ "$cmd" = help ] || [ -f "$prefix/share/man/man1/mlops-$cmd.1" ]
  done
  [ -f "$prefix/share/man/man1/mlops.1" ]
  [ -f "$prefix/share/bash-completion/completions/mlops" ]
  [ -f "$prefix/share/zsh/vendor-completions/_mlops" ]
  [ -f "$prefix/share/fish/vendor_completions.d/mlops.fish" ]
  MANPATH="$prefix/share/man" man -w mlops-add
  # mlops ui's server module, where the installed binary finds it.
  [ -f "$prefix/lib/mlops/mlops-http.so" ]
  mlops init -q
  "$prefix/bin/mlops" ui --port 0 >"$BATS_TEST_TMPDIR/ui.out" 2>&1 &
  pid=$!
  wait_for 20 'grep -q serving "$BATS_TEST_TMPDIR/ui.out"'
  kill "$pid"
}

@test "mlops doctor: versions, repository state, link mode, remotes" {
  run mlops doctor
  [ "$status" -eq 0 ]
  [[ "$output" == *"mlops       $("$MLOPS" --version | cut -d' ' -f2)"* ]]
  [[ "$output" == *"libgit2     1."* ]]
  [[ "$output" == *"repository  none ("* ]]
  mlops init -q
  echo x > a.csv && mlops add -q a.csv
  mkdir "$BATS_TEST_TMPDIR/store"
  mlops remote add -q good "$BATS_TEST_TMPDIR/store"
  run mlops doctor
  [ "$status" -eq 0 ]
  [[ "$output" == *"state       schema "*"; 1 tracked, 0 runs, 0 models"* ]]
  [[ "$output" == *"link mode   "* ]]
  [[ "$output" == *"remote      good $BATS_TEST_TMPDIR/store reachable"* ]]
  mlops remote add -q gone "$BATS_TEST_TMPDIR/nothing-here"
  run mlops doctor --json
  [ "$status" -eq 1 ]
  [ "$(jq -r .repository.tracked <<<"$output")" -eq 1 ]
  [ "$(jq -r '.repository.remotes[] | select(.name == "gone") | .reachable' <<<"$output")" = false ]
  [[ "$(jq -r '.problems[0]' <<<"$output")" == "remote gone: the folder "*"does not exist" ]]
  [ "$(jq -r .repository.link_mode_used <<<"$output")" != "" ]
  run mlops doctor --offline
  [ "$status" -eq 0 ]
  [[ "$output" == *"remote      gone "*"not checked"* ]]
  # It leaves nothing behind.
  [ -z "$(ls .mlops/tmp)" ]
}

@test "every YAML example in the man pages is valid YAML, and mlops takes the pipeline examples" {
  mlops init -q
  python3 - "$MLOPS_SOURCE_DIR/man" <<'PY' > examples.txt
import glob, os, re, sys, yaml
n = 0
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.scd"))):
    for i, m in enumerate(re.finditer(r"```\n(.*?)```", open(f).read(), re.S)):
        block = m.group(1)
        if not re.search(r"^(stages|path|schema):", block, re.M):
            continue
        try:
            yaml.safe_load(block)
        except yaml.YAMLError as e:
            sys.exit(f"{os.path.basename(f)}: example {i + 1} is not valid YAML: {e}")
        if "foreach:" in block or "matrix:" in block:
            open(f"example-{n}.yaml", "w").write(block)
            n += 1
print(n)
PY
  [ "$(cat examples.txt)" -ge 1 ]
  for f in example-*.yaml; do
    cp "$f" mlops.yaml
    run mlops dag --json
    [ "$status" -eq 0 ]
    [ "$(jq '.stages | length' <<<"$output")" -ge 2 ] || [ "$(jq 'length' <<<"$output")" -ge 2 ]
  done
}

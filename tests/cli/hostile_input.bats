#!/usr/bin/env bats
# Hostile input (issue 17): config values, filters, YAML, sweeps, params and
# registry tags made to hurt get "mlops: error:" naming where they came from,
# never a crash, a hang, an exhausted memory or exit 70; nothing changes.
load helpers

# Where the code had no bound, the old behaviour was a hang or an exhausted
# memory: a time limit turns that into a failed test instead.
bounded() { timeout 60 "$MLOPS" "$@"; }

@test "core.jobs and remote.NAME.jobs written by hand get the limits 'mlops config' applies" {
  mlops init -q
  make_files data 3
  mlops add -q data
  printf '[core]\n\tjobs = 1000000\n' >> .mlops/config
  refuses 3 ".mlops/config: core.jobs must be a whole number from 1 to 1024, not '1000000'" fsck
  refuses 3 ".mlops/config: core.jobs must be a whole number from 1 to 1024, not '1000000'" checkout --force
  # The same words as when it is set.
  run mlops config core.jobs 1000000
  [ "$status" -eq 2 ]
  [[ "$output" == *"core.jobs must be a whole number from 1 to 1024, not '1000000'"* ]]
  sed -i '/jobs = 1000000/d' .mlops/config
  mlops remote add -q store "$BATS_TEST_TMPDIR/remote" --default
  printf '[remote "store"]\n\tjobs = 1000000\n' >> .mlops/config
  refuses 3 ".mlops/config: remote.store.jobs must be a whole number from 1 to 1024, not '1000000'" push
  [ ! -e "$BATS_TEST_TMPDIR/remote" ] || [ -z "$(ls -A "$BATS_TEST_TMPDIR/remote")" ]
  sed -i 's/jobs = 1000000/jobs = 0/' .mlops/config
  refuses 3 "remote.store.jobs must be a whole number from 1 to 1024, not '0'" fetch
  sed -i 's/jobs = 0/jobs = 8/' .mlops/config
  mlops push -q
}

@test "exp list --filter with 40,000 nested parentheses is refused with the position, not a stack overflow" {
  mlops init -q
  mlops exp run -q -n r1 -p lr=0.1 -- true
  deep="$(printf '(%.0s' {1..40000})params.lr = 0.1$(printf ')%.0s' {1..40000})"
  refuses 2 "filter: more than 100 nested parentheses and 'not's at position 101" exp list --filter "$deep"
  # The error shows the filter around the position, not all 80,000 characters.
  [ "${#output}" -lt 400 ]
  nots="$(printf 'not %.0s' {1..20000})params.lr = 0.1"
  refuses 2 "filter: more than 100 nested parentheses and 'not's at position 401" exp list --filter "$nots"
  # 100 levels are fine.
  ok="$(printf '(%.0s' {1..100})params.lr = 0.1$(printf ')%.0s' {1..100})"
  run mlops exp list -q --filter "$ok"
  [ "$status" -eq 0 ]
  [[ "$output" == *r1* ]]
}

# The "billion laughs": ten anchors, each a list (or with "map", a mapping)
# of ten aliases of the one before; 10^10 nodes once expanded.
alias_bomb() {
  local prev=a name k
  if [ "${1:-list}" = map ]; then
    printf 'a: &a {%s}\n' "$(for k in {0..8}; do printf 'k%s: lol, ' $k; done)k9: lol"
    for name in b c d e f g h i j; do
      printf '%s: &%s {%s}\n' "$name" "$name" "$(for k in {0..8}; do printf 'k%s: *%s, ' $k $prev; done)k9: *$prev"
      prev=$name
    done
    return
  fi
  echo 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'
  for name in b c d e f g h i j; do
    printf '%s: &%s [%s]\n' "$name" "$name" "$(printf "*$prev,%.0s" {1..9})*$prev"
    prev=$name
  done
}

@test "a params.yaml of YAML aliases (billion laughs) is refused by status, dag and run, not expanded" {
  mlops init -q
  printf 'stages:\n  train:\n    cmd: echo ${params.lr} > out.txt\n    params: [lr]\n    outs: [out.txt]\n' > mlops.yaml
  { echo 'lr: 0.1'; alias_bomb map; } > params.yaml
  git add -A && git commit -qm bomb
  mlops() { bounded "$@"; }
  refuses 4 "params.yaml:7: aliases expand to more than 1000000 nodes" status
  refuses 4 "params.yaml:7: aliases expand to more than 1000000 nodes" dag
  refuses 4 "params.yaml:7: aliases expand to more than 1000000 nodes" run
  refuses 4 "params.yaml:7: aliases expand to more than 1000000 nodes" params diff
  { echo 'lr: 0.1'; alias_bomb list; } > params.yaml
  refuses 4 "params.yaml:7: aliases expand to more than 1000000 nodes" status
  refuses 4 "params.yaml:7: aliases expand to more than 1000000 nodes" dag
  # Few nodes, but each a 1 MB text: 3000 aliases of it were 3 GB once expanded (std::bad_alloc).
  python3 -c "
s = 'x' * 2**20
print('lr: 0.1\nbig: &b {s: \"%s\"}' % s)
for i in range(3000): print('k%d: *b' % i)" > params.yaml
  refuses 4 "aliases expand to more than 1000000 nodes (a node per 64 bytes of text)" status
  refuses 4 "aliases expand to more than 1000000 nodes" params diff --targets params.yaml
  [ ! -e out.txt ]
}

@test "YAML aliases are bounded in mlops.yaml, mlops.lock and pointer files too; an alias cycle is refused" {
  mlops init -q
  mlops() { bounded "$@"; }
  { echo 'stages:'; echo '  train: {cmd: "true"}'; alias_bomb map; } > mlops.yaml
  refuses 4 "mlops.yaml:8: aliases expand to more than 1000000 nodes" dag
  printf 'stages:\n  train:\n    cmd: echo hi > out.txt\n    outs: [out.txt]\n' > mlops.yaml
  mlops run -q
  { cat mlops.lock; alias_bomb map; } > lock.tmp && mv lock.tmp mlops.lock
  refuses 4 "mlops.lock:" status
  rm mlops.lock mlops.yaml
  echo data > model.bin
  mlops add -q model.bin
  { cat model.bin.mlops; alias_bomb map; } > p.tmp && mv p.tmp model.bin.mlops
  refuses 4 "model.bin.mlops:" status
  printf 'path: model.bin\nid: &a [1, *a]\n' > model.bin.mlops
  refuses 4 "model.bin.mlops:2: an alias inside the node it names (a cycle)" status
  # Anchors and aliases within the bound still work.
  printf 'base: &b {lr: 0.1}\ntrain: *b\n' > params.yaml
  printf 'stages:\n  train:\n    cmd: echo ${params.train.lr} > out.txt\n    outs: [out.txt]\n' > mlops.yaml
  mlops run -q
  [ "$(cat out.txt)" = 0.1 ]
}

@test "a sweep of more than 10,000 runs is refused before any run starts, naming the -p arguments" {
  mlops init -q
  mlops() { bounded "$@"; }
  refuses 2 "a sweep of more than 10000 runs: -p a (101 values) x -p b (100 values)" \
    exp run -p "a=$(seq -s, 1 101)" -p opt=adam -p "b=$(seq -s, 1 100)" -- true
  refuses 2 "a sweep of more than 10000 runs: -p lr (20000 values)" exp run -p "lr=$(seq -s, 1 20000)" -- true
  [ "$(mlops exp list --json | jq length)" -eq 0 ]
}

@test "params, tags and metric names that are not UTF-8 text are refused at the input, and no run is recorded" {
  mlops init -q
  refuses 2 "param 'x=a\\xffb' is not valid UTF-8" exp run -p "x=$(printf 'a\xffb')" -- true
  refuses 2 "param 'x=a\\xffb' is not valid UTF-8" exp run -p "x=1,$(printf 'a\xffb')" -- true
  refuses 2 "param '\\xff=1' is not valid UTF-8" exp run -p "$(printf '\xff')=1" -- true
  refuses 2 "tag 'team=a\\x1b[31m' has a control character" exp run --tag "team=$(printf 'a\x1b[31m')" -- true
  [ "$(mlops exp list --json | jq length)" -eq 0 ]
  mlops exp run -q -n r1 -- true
  refuses 2 "metric 'a\\xffb' is not valid UTF-8" exp log metric "$(printf 'a\xffb')" 1 --run r1
  refuses 2 "param 'k=a\\xffb' is not valid UTF-8" exp log param k "$(printf 'a\xffb')" --run r1
  refuses 2 "tag 'k=a\\x0ab' has a control character" exp tag r1 "k=$(printf 'a\nb')"
  run mlops exp list --json
  [ "$status" -eq 0 ]
  [ "$(jq -c '.[0] | [.name, .params, .tags, .metrics]' <<<"$output")" = '["r1",{},{},{}]' ]
}

@test "exp list --json, exp show --json and exp export read a value already in the database that is not UTF-8" {
  mlops init -q
  mlops exp run -q -n old -p lr=0.1 --tag team=nlp -- true
  sqlite3 .mlops/state.db "UPDATE params SET value = CAST(X'61FF62' AS TEXT) WHERE key = 'lr';
                           UPDATE run_tags SET key = CAST(X'74FF' AS TEXT) WHERE key = 'team'"
  replaced=$(printf 'a\xef\xbf\xbdb')  # U+FFFD between a and b
  run mlops exp list --json
  [ "$status" -eq 0 ]
  [ "$(jq -r '.[0].params.lr' <<<"$output")" = "$replaced" ]
  [ "$(jq -r '.[0].tags | keys[0]' <<<"$output")" = "$(printf 't\xef\xbf\xbd')" ]
  run mlops exp show old --json
  [ "$status" -eq 0 ]
  [ "$(jq -r '.params.lr' <<<"$output")" = "$replaced" ]
  run mlops exp export old
  [ "$status" -eq 0 ]
  [ "$(jq -r '.[0].params.lr' <<<"$output")" = "$replaced" ]
  mlops exp export old -o runs.json
  [ "$(jq -r '.[0].params.lr' runs.json)" = "$replaced" ]
}

# A repository with a registered model and a folder remote it was pushed to.
registry_repo() {
  mlops init -q
  mkdir -p models
  echo 'models/' > .gitignore
  echo 'weights v1' > models/churn.bin
  mlops remote add -q store "$BATS_TEST_TMPDIR/remote" --default
  git add -A && git commit -qm start
  mlops model register -q churn models/churn.bin --version 1.0.0
  mlops push -q
}

# Tags as a teammate (or anyone who can push tags) might make them.
bad_register_tag() {
  git tag -a "$1" -m "Registering model ${1%@*} version ${1#*@}" -m "mlops-registry: $2"
}

@test "model sync refuses a tag whose record is bad, naming the tag; the whole sync refuses and nothing is imported" {
  registry_repo
  id=$(xxh_id models/churn.bin)
  expected=$(mlops model list --json; mlops model versions churn --json)
  bad_register_tag other@v1.0.0 '{"path":"models/churn.bin","object_id":"'"$id"'","size":"huge","kind":"file"}'
  refuses 4 "tag other@v1.0.0: 'size' in its mlops record must be a whole number of bytes, not \"huge\"" model sync
  [ "$(mlops model list --json; mlops model versions churn --json)" = "$expected" ]
  git tag -d other@v1.0.0 >/dev/null
  bad_register_tag other@v1.0.0 '{"path":"models/churn.bin","object_id":"xxh128:../../../etc","size":11,"kind":"file"}'
  refuses 4 "tag other@v1.0.0: 'object_id' in its mlops record: object id 'xxh128:../../../etc'" model sync
  [ "$(mlops model list --json; mlops model versions churn --json)" = "$expected" ]
  # push still works, since nothing was imported.
  mlops push -q
  git tag -d other@v1.0.0 >/dev/null
  bad_register_tag other@v1.0.0 '{"path":"../../.bashrc","object_id":"'"$id"'","size":11,"kind":"file"}'
  refuses 4 "tag other@v1.0.0: unsafe path '../../.bashrc' in its mlops record" model sync
  git tag -d other@v1.0.0 >/dev/null
  bad_register_tag other@v1.0.0 '{not json'
  refuses 4 "tag other@v1.0.0: its mlops record is not a JSON object" model sync
  git tag -d other@v1.0.0 >/dev/null
  git tag -a 'churn#production#9' -m "Promoting" -m 'mlops-registry: {"version":7}'
  refuses 4 "tag churn#production#9: 'version' in its mlops record must be text, not 7" model sync
  git tag -d 'churn#production#9' >/dev/null
  mlops model sync -q
  [ "$(mlops model list --json | jq -r '[.[].model] | join(",")')" = churn ]
}

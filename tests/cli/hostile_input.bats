#!/usr/bin/env bats
# Hostile input (issue 17): config values, filters, YAML, sweeps, params and
# registry tags made to hurt get "mlops: error:" naming where they came from,
# never a crash, a hang, an exhausted memory or exit 70; nothing changes.
load helpers

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
  nots="$(printf 'not %.0s' {1..40000})params.lr = 0.1"
  refuses 2 "filter: more than 100 nested parentheses and 'not's at position 401" exp list --filter "$nots"
  # 100 levels are fine.
  ok="$(printf '(%.0s' {1..100})params.lr = 0.1$(printf ')%.0s' {1..100})"
  run mlops exp list -q --filter "$ok"
  [ "$status" -eq 0 ]
  [[ "$output" == *r1* ]]
}

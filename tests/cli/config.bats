#!/usr/bin/env bats
load helpers

@test "config get, set, list, unset" {
  mlops init -q
  run mlops config cache.link
  [ "$output" = "reflink,copy" ]
  mlops config cache.link hardlink,copy
  run mlops config cache.link
  [ "$output" = "hardlink,copy" ]
  [ "$(git config -f .mlops/config cache.link)" = "hardlink,copy" ]
  run mlops config --list
  [ "$output" = "$(printf 'core.hash=xxh128\ncache.link=hardlink,copy')" ]
  run mlops config --list --json
  [ "$(jq -r '."cache.link"' <<<"$output")" = "hardlink,copy" ]
  mlops config --unset cache.link
  run mlops config --unset cache.link
  [ "$status" -eq 1 ]
  run mlops config cache.dir
  [ "$status" -eq 1 ] && [ -z "$output" ]
}

@test "config refuses unknown keys and bad values, changing nothing" {
  mlops init -q
  before=$(cat .mlops/config)
  run mlops config cache.lnk copy
  [ "$status" -eq 2 ]
  [[ "$output" == *"unknown config key 'cache.lnk'"* ]]
  run mlops config cache.link teleport
  [ "$status" -eq 2 ]  # a bad value on the command line
  [[ "$output" == *"unknown link mode 'teleport'"* ]]
  run mlops config core.jobs many
  [ "$status" -eq 2 ]
  run mlops config core.hash sha256
  [ "$status" -eq 2 ]
  [[ "$output" == *"core.hash is chosen once"* ]]
  [ "$(cat .mlops/config)" = "$before" ]
}

@test "a hand-broken config file is named in the error" {
  mlops init -q
  printf '[core\n' >> .mlops/config
  run mlops status
  [ "$status" -eq 3 ]
  [[ "$output" == *".mlops/config"* ]]
  [[ "$output" == *"line 3"* || "$output" == *":3"* ]]
}

#!/usr/bin/env bash
# Installs everything mlops needs to build, test and benchmark, from Debian 12's
# packages. Run as root, or as a user who may sudo.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

packages=(
  # build
  cmake g++ make pkg-config
  libcli11-dev libgit2-dev libsqlite3-dev libfmt-dev libssl-dev libxxhash-dev libzstd-dev
  doctest-dev libyaml-cpp-dev nlohmann-json3-dev libcurl4-openssl-dev
  # web UI server (mlops ui: opened only by that command)
  libcpp-httplib-dev
  # man pages
  scdoc groff man-db
  # tests: runners and independent oracles (xxhsum, sha256sum, jq), tracing, timing
  git bats jq strace time xxhash openssl python3 python3-yaml util-linux bash-completion sqlite3 coreutils curl
  # benchmark peers
  git-lfs git-annex restic hyperfine bc
  # S3 remote scenarios: s3rver (npm), behind a signature gate built on botocore;
  # awscli for interoperability; faketime for clock skew
  python3-botocore awscli faketime
  # git hooks through the pre-commit framework
  pre-commit
  # web UI and report pages driven in a headless browser; Markdown tables checked
  # by the GitHub-flavoured Markdown reference parser
  chromium cmark-gfm
  # fuzzing the parsers: clang with libFuzzer and the sanitizer runtimes
  clang libclang-rt-dev
)

export DEBIAN_FRONTEND=noninteractive
# Node.js for s3rver: Debian's, unless a node with npm is already there (a
# NodeSource node bundles npm, and Debian's npm package would conflict with it).
if ! command -v npm >/dev/null 2>&1; then packages+=(nodejs npm); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# s3rver, pinned in tests/s3/package.json, into tests/s3/node_modules.
s3_dir="$(cd "$(dirname "$0")" && pwd)/s3"
if [ ! -x "$s3_dir/node_modules/.bin/s3rver" ]; then
  (cd "$s3_dir" && npm install --no-package-lock --no-audit --no-fund --loglevel=error)
fi

# action-validator, pinned in tests/workflows/package.json: checks the GitHub
# Actions workflows in examples/ against the workflow schema.
wf_dir="$(cd "$(dirname "$0")" && pwd)/workflows"
if [ ! -x "$wf_dir/node_modules/.bin/action-validator" ]; then
  (cd "$wf_dir" && npm install --no-package-lock --no-audit --no-fund --loglevel=error)
fi

# Scenarios around one folder remote, $REMOTE, that every test's repository
# (and the clones it makes) share as origin.

REMOTE=""

setup() {
  fresh_repo
  REMOTE="$BATS_TEST_TMPDIR/remote"
  mlops init -q
  mlops remote add -q origin "$REMOTE" --default
}

# A new repository (its own state, not a git clone) with the same remote, as
# another person would have; cd into it.
#   clone NAME
clone() {
  mkdir -p "$BATS_TEST_TMPDIR/$1" && cd "$BATS_TEST_TMPDIR/$1"
  git init -q . && git config user.email "$1@example.com" && git config user.name "$1"
  mlops init -q
  mlops remote add -q origin "$REMOTE" --default
}

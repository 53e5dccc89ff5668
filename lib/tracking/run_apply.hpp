#pragma once
// mlops exp apply RUN: a pipeline run's state back in the workspace — its
// params files and mlops.lock (recorded with the run) and the outputs that
// lock names (from the store, fetched from the remote when missing).
#include <string>
#include <vector>

namespace mlops {

class Repo;

struct ApplyResult {
  std::string run_name, run_id;
  std::vector<std::string> files;    // params files and mlops.lock written (those that differed)
  std::vector<std::string> outputs;  // outputs restored
  // What apply does not bring back: the run did not finish, was made at
  // another commit, or with uncommitted changes to other files (its diff).
  std::vector<std::string> warnings;
};

// Refuses with Error(Conflict), changing nothing, when a file it would write
// has changes not committed to git (or is not in git) and differs, or an
// output holds content the store lacks; `force` overwrites. Error(Input) when
// the run recorded no mlops.lock (not a pipeline run).
ApplyResult apply_run(Repo& repo, const std::string& ref, bool force, const std::string& remote);

}  // namespace mlops

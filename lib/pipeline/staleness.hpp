#pragma once
// Whether a stage is up to date: its command, env, dependencies, params and
// outputs as they are now, against what mlops.lock recorded.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/lock_file.hpp"
#include "pipeline/pipeline_file.hpp"

namespace mlops {

class Repo;

// The content of a path now: its id as a file or folder (a folder's id is its
// manifest's), or nothing. With `store`, the content is also kept in the store.
std::optional<LockedPath> version_of(Repo& repo, const std::string& rel, bool store);
const LockedPath* find_path(const std::vector<LockedPath>& v, const std::string& path);

// The params files a run reads, each read once.
class Params {
public:
  explicit Params(Repo& repo) : repo_(repo) {}
  // The stage's values of `keys` in `file` (a key may name a section: every
  // value under it); all of them when `keys` is empty. Error(Input) naming
  // the stage for a key the file lacks.
  std::map<std::string, std::string> values(const Stage& s, const std::string& file, const std::vector<std::string>& keys);

private:
  Repo& repo_;
  std::map<std::string, std::map<std::string, std::string>> files_;
};

struct Evaluation {
  LockEntry now;                     // cmd, deps and params as they are (outs not yet)
  std::vector<std::string> reasons;  // empty: up to date
  std::vector<std::string> missing;  // deps that do not exist
};

// `locked`: the stage's entry in mlops.lock, if any.
Evaluation evaluate(Repo& repo, const Stage& s, const LockEntry* locked, Params& params);

}  // namespace mlops

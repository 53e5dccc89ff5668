#pragma once
// mlops fsck: re-hash the store, find corrupt objects (and quarantine them) and
// objects the workspace's pointer files need but the store lacks.
#include <string>
#include <vector>

#include "core/hash.hpp"
#include "core/progress.hpp"

namespace mlops {

class Repo;

struct FsckResult {
  std::uint64_t checked = 0;
  std::vector<ObjectId> corrupt;          // moved to <store>/quarantine/
  std::vector<std::string> missing;       // "path (id)" for objects the workspace needs
  std::vector<std::string> stray;         // files in objects/ that are not objects
  bool ok() const { return corrupt.empty() && missing.empty(); }
};

FsckResult fsck(Repo& repo, Progress* progress);

}  // namespace mlops

#pragma once
// mlops fsck: re-hash the store, find corrupt objects (and quarantine them) and
// objects the work tree tracks (pointer files, pipeline outputs) but the store lacks.
#include <string>
#include <vector>

#include "core/hash.hpp"
#include "core/progress.hpp"
#include "data/tracked_source.hpp"

namespace mlops {

class Repo;

struct FsckResult {
  std::uint64_t checked = 0;
  std::vector<ObjectId> corrupt;          // moved to <store>/quarantine/
  std::vector<std::string> missing;       // "path (id)" for objects the workspace needs
  std::vector<std::string> stray;         // files in objects/ that are not objects
  // When objects are corrupt: what most likely did it (a workspace file that
  // is the store's own copy, edited in place), or empty.
  std::string likely_cause;
  bool ok() const { return corrupt.empty() && missing.empty(); }
};

// `sources` say what the work tree needs (pointer files, pipeline outputs).
FsckResult fsck(Repo& repo, const TrackedSources& sources, Progress* progress);

}  // namespace mlops

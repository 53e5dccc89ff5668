#pragma once
// mlops gc: remove store objects that nothing kept refers to.
#include <string>
#include <vector>

#include "core/hash.hpp"

namespace mlops {

class Repo;

struct GcOptions {
  bool workspace = false;     // keep what the workspace's pointer files name (always kept)
  bool all_branches = false;  // and every branch tip
  bool all_tags = false;      // and every tagged commit
  bool all_commits = false;   // and every commit reachable from any ref
  bool dry_run = false;
  bool force = false;         // allowed with a shared cache.dir
};

struct GcResult {
  std::size_t revisions_kept = 0;  // commits whose pointers were read
  std::size_t objects_kept = 0;
  std::vector<std::pair<ObjectId, std::uint64_t>> removed;  // (id, size); would be, with dry_run
  std::uint64_t bytes_removed = 0;
};

// Keeps every object named by the workspace's pointer files, HEAD's, and
// those of the revisions asked for (with their folders' files). Refuses, and
// removes nothing, when a kept folder's manifest is missing (its files are
// then unknown). Holds the store's write lock, so no add runs meanwhile.
GcResult collect_garbage(Repo& repo, const GcOptions& opts);

}  // namespace mlops

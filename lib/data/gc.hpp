#pragma once
// mlops gc: remove store objects that nothing kept refers to.
#include <string>
#include <vector>

#include "core/hash.hpp"
#include "data/tracked_source.hpp"

namespace mlops {

class Repo;

struct GcOptions {
  bool workspace = false;     // keep what the workspace's pointer files name (always kept)
  bool all_branches = false;  // and every branch tip
  bool all_tags = false;      // and every tagged commit
  bool all_commits = false;   // and every commit reachable from any ref
  bool dry_run = false;
  bool force = false;         // allowed with a shared cache.dir
  bool run_cache = false;     // also drop the pipeline's run cache (its outputs are kept otherwise)
};

struct GcResult {
  std::size_t revisions_kept = 0;  // commits whose pointers were read
  std::size_t objects_kept = 0;
  std::vector<std::pair<ObjectId, std::uint64_t>> removed;  // (id, size); would be, with dry_run
  std::uint64_t bytes_removed = 0;
  std::size_t run_cache_dropped = 0;  // run cache entries forgotten (--run-cache)
};

// Keeps every object that the sources say the workspace, HEAD and the
// revisions asked for track, and what they keep whatever the revision (with
// their folders' files). Refuses, and removes nothing, when a kept folder's
// manifest is missing (its files are then unknown). Holds the store's write
// lock, so no add runs meanwhile.
GcResult collect_garbage(Repo& repo, const GcOptions& opts, const TrackedSources& sources);

}  // namespace mlops

#pragma once
// mlops gc: remove store objects that nothing kept refers to.
#include <functional>
#include <optional>
#include <string>
#include <unordered_set>
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

// Reads a kept folder's manifest (verified); nullopt when it is nowhere to be had.
using ManifestReader = std::function<std::optional<std::string>(const ObjectId&)>;

// Adds t's object to `keep`, and a folder's files; false when a folder's
// manifest cannot be read (`where` names it in parse errors).
bool keep_with_files(std::unordered_set<std::string>& keep, const Tracked& t, const ManifestReader& read_manifest,
                     const std::string& where);

// The hex ids of every object that the sources say the workspace, HEAD and
// the revisions `opts` asks for track, and what they keep whatever the
// revision, with their folders' files. Throws Error(Missing), naming them,
// when a kept revision's folder manifest cannot be read (its files are then
// unknown); with every_kept_known, also one of what is kept whatever the
// revision (runs' folders, on a remote). Counts the revisions read into `r`.
std::unordered_set<std::string> kept_objects(Repo& repo, const GcOptions& opts, const TrackedSources& sources,
                                             const ManifestReader& read_manifest, GcResult& r,
                                             bool every_kept_known = false);

// Keeps every object that the sources say the workspace, HEAD and the
// revisions asked for track, and what they keep whatever the revision (with
// their folders' files). Refuses, and removes nothing, when a kept folder's
// manifest is missing (its files are then unknown). Holds the store's write
// lock, so no add runs meanwhile.
GcResult collect_garbage(Repo& repo, const GcOptions& opts, const TrackedSources& sources);

}  // namespace mlops

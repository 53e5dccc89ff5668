#pragma once
// mlops status: how each tracked path in the work tree compares with its pointer.
#include <string>
#include <vector>

#include "core/progress.hpp"
#include "data/tracked.hpp"
#include "data/tracked_source.hpp"

namespace mlops {

class Repo;

enum class WorkState { Unchanged, Modified, Deleted };
std::string_view work_state_name(WorkState s);

struct PathStatus {
  Tracked tracked;
  WorkState state = WorkState::Unchanged;
  // False when the pointer's object, a folder's manifest, or any file of it is
  // not in the store (a fresh clone before pull, or a damaged store).
  bool in_store = true;
  std::uint64_t objects_missing = 0;
  // Inside a folder, relative to it; empty for files or when the manifest is missing.
  std::vector<std::string> added, modified, deleted;
  // A modified file is a hard link or a symlink to the store's object
  // (cache.link hardlink/symlink): the edit changed the store's copy too.
  bool store_copy_changed = false;
  bool changed() const { return state != WorkState::Unchanged || !in_store || !tracked.conflict.empty(); }
};

// rels: repo-relative paths to look at; empty means every tracked path.
// Pointer files (a merge conflict in one is reported, not thrown) and what
// the other sources track in the work tree (pipeline outputs).
std::vector<PathStatus> data_status(Repo& repo, const std::vector<std::string>& rels, const TrackedSources& sources,
                                    Progress* progress);

// The comparison for one tracked path (shared with checkout and rm).
PathStatus compare_path(Repo& repo, const Tracked& t, Progress* progress);

}  // namespace mlops

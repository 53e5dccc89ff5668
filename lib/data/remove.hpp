#pragma once
// mlops rm: stop tracking paths.
#include <string>
#include <vector>

#include "data/tracked_source.hpp"

namespace mlops {

class Repo;

struct RemoveOptions {
  bool keep_data = false;  // leave the work-tree data in place
  bool force = false;      // delete work-tree data even when the store lacks its content
};

struct RemoveResult {
  std::string rel;
  bool data_removed = false;
  std::vector<std::string> git_files;  // pointer files removed and .gitignore files changed
};

// Without keep_data the work-tree data is deleted too, but only when the store
// holds it (it stays there until gc), unless force: nothing is lost by accident.
// A .gitignore entry that another source still needs (a pipeline output at the
// same path) stays.
std::vector<RemoveResult> remove_tracked(Repo& repo, const std::vector<std::string>& rels, const RemoveOptions& opts,
                                         const TrackedSources& sources);

}  // namespace mlops

#pragma once
// mlops diff: which tracked data changed between two commits, or between a
// commit and the workspace, down to the files inside tracked folders.
#include <optional>
#include <string>
#include <vector>

#include "core/hash.hpp"
#include "core/progress.hpp"
#include "data/tracked_source.hpp"

namespace mlops {

class Repo;

struct FileVersion {
  ObjectId id;
  std::uint64_t size = 0;
};

struct DiffItem {
  std::string path;  // repo-relative: "model.bin", or "data/x.csv" inside a tracked folder
  std::optional<FileVersion> before, after;
};

struct DataDiff {
  std::vector<DiffItem> added, modified, deleted;
  // Tracked folders compared as a whole because a manifest is not in the store.
  std::vector<std::string> not_in_store;
};

// `from` and `to` are git revisions; nullopt `to` means the workspace (its
// data as it is now, not just its pointer files). An unborn HEAD is empty.
DataDiff diff_data(Repo& repo, const std::string& from, const std::optional<std::string>& to,
                   const std::vector<std::string>& rels, const TrackedSources& sources, Progress* progress);

}  // namespace mlops

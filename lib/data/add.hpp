#pragma once
// mlops add: store files and folders, write their pointer files, keep them out of git.
#include <string>
#include <vector>

#include "core/progress.hpp"
#include "data/pointer.hpp"
#include "data/tracked_source.hpp"

namespace mlops {

class Repo;

struct AddResult {
  std::string rel;
  Pointer ptr;
  bool changed = false;                   // the pointer file is new or different
  std::uint64_t files_read = 0;           // files whose content had to be read
  std::uint64_t objects_written = 0;      // objects the store did not have
  std::uint64_t bytes_written = 0;
  std::vector<std::string> git_files;     // pointer and .gitignore files to commit
};

// Every path is checked and stored before any pointer file is written, so a
// failure leaves the work tree as it was.
// A path another source records (a pipeline output) is refused.
std::vector<AddResult> add_paths(Repo& repo, const std::vector<std::string>& rels, const TrackedSources& sources,
                                 Progress* progress);

}  // namespace mlops

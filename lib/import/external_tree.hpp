#pragma once
// Storing a file or folder that lives outside the repository (an MLflow
// run's artifacts, a model version's source) as a run artifact or model
// version is stored: a file's object, or a folder's manifest.
// What is there came from someone else's history: symlinks, special files and
// names a manifest cannot hold are skipped and listed, never followed.
#include <optional>
#include <string>
#include <vector>

#include "core/fs.hpp"
#include "data/pointer.hpp"

namespace mlops {

class ObjectStore;

struct ExternalTree {
  Pointer pointer;                   // path empty; kind, id, size, files
  std::vector<std::string> skipped;  // "PATH: why", relative to the root
};

// nullopt when `root` does not exist; Error(Input) when it is neither a
// file nor a folder. An empty folder is stored as an empty manifest.
std::optional<ExternalTree> store_external(ObjectStore& store, const fs::path& root, unsigned jobs);

}  // namespace mlops

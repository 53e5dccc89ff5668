#pragma once
// The two MLflow readers behind open_mlflow_source (mlflow_history.hpp).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "import/mlflow_history.hpp"

namespace mlops {

std::unique_ptr<MlflowSource> open_mlflow_file_store(const fs::path& root, const std::string& shown);
std::unique_ptr<MlflowSource> open_mlflow_db(const fs::path& file, const std::string& shown);

// Where a history's artifacts may be read from: the folders it came in (its
// mlruns/, the folder beside mlflow.db). A crafted run whose artifact URI
// names ~/.ssh must not copy it into the store (and from there to a remote).
class ArtifactRoots {
public:
  // `named`: the folder the user named (taken as it is); `beside`: folders
  // found next to it (mlartifacts/), which count only when they are real
  // folders: a symlink there would let the history name any folder.
  ArtifactRoots(std::vector<fs::path> named, std::vector<fs::path> beside);
  // Found when p exists and, symlinks resolved, lies inside a root.
  ArtifactLocation locate(const fs::path& p) const;
  // file:///abs, file:/abs or a path (relative to `base`); empty for other schemes.
  static std::string file_path(const std::string& uri, const fs::path& base);
  static std::string strip_slashes(std::string s);

private:
  std::vector<fs::path> roots_;  // canonical
};

}  // namespace mlops

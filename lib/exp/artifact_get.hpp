#pragma once
// mlops exp get: a run's artifact (a file or folder kept with the run) copied
// out of the store, as `mlflow artifacts download` does.
#include <string>

#include "core/fs.hpp"

namespace mlops {

class Repo;

struct GotArtifact {
  std::string run_name, run_id, path;
  bool dir = false;
  std::uint64_t size = 0;
};

// `path` is an artifact's path as `exp show` lists it, or a path inside a
// folder artifact ("model/MLmodel"); empty: every artifact, into the folder
// `dest`. Error(Input) naming the run's
// artifacts when it has none by that path; Error(Missing) when the store
// lacks the content (exp pull brings it).
GotArtifact get_run_artifact(Repo& repo, const std::string& run_ref, const std::string& path, const fs::path& dest,
                             bool force);

}  // namespace mlops

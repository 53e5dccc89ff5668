#pragma once
// mlops exp get: a run's artifact (a file or folder kept with the run) copied
// out of the store, as `mlflow artifacts download` does.
#include <string>
#include <vector>

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

// One file of a run's artifacts: a file artifact, or a file inside a folder
// artifact ("model/MLmodel").
struct ArtifactFile {
  std::string path, id;
  std::uint64_t size = 0;
  bool in_store = true;  // false: a folder artifact whose listing the store lacks (listed whole)
};
struct Run;
// Every file of the run's artifacts, by path; at most `max` (the rest counted
// in `more`).
std::vector<ArtifactFile> run_artifact_files(Repo& repo, const Run& run, std::size_t max, std::size_t& more);

}  // namespace mlops

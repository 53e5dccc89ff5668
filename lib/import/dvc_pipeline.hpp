#pragma once
// dvc.yaml as mlops.yaml. The shapes are close (mlops-yaml(5) follows
// DVC's); what differs is converted and said:
//  - ${NAME} from params.yaml is ${params.NAME}; values of other `vars`
//    (files, inline) are written in; in a matrix stage ${item.X} is ${X};
//  - wdir becomes `cd WDIR && CMD` with paths from the repository root (DVC
//    paths may leave wdir with '..'; mlops's may not);
//  - outs/metrics/plots written as {PATH: {options}} lose their options
//    (cache: false on an output, persist, remote, push, desc...);
//  - meta, top-level plots definitions, artifacts, datasets are not kept.
// Every such change is a note naming the stage and field.
#include <map>
#include <string>
#include <vector>

#include "core/fs.hpp"

namespace mlops {

struct DvcLockedPath {
  std::string path;  // repo-relative
  std::string md5;   // without ".dir"
  bool dir = false, legacy = false;
};

struct DvcLockStage {
  std::string cmd;  // a list joined with " && "
  std::vector<DvcLockedPath> deps, outs;
  std::string params_yaml;  // the stage's params: section, as YAML text (file -> key -> value)
};

struct DvcPipeline {
  std::string mlops_yaml;
  std::vector<std::string> notes;
  std::map<std::string, std::string> wdirs;  // stage name (as written) -> repo-relative wdir, "" for the root
};

// Error(Input) naming dvc.yaml and the line for what it cannot read.
// `nested`: the dvc.yaml files in subfolders (repo-relative); their plots,
// metrics and params lists join the top-level ones (a pipeline there is
// said, not converted). mlops_yaml is empty when there is nothing to write
// (no dvc.yaml at the top, nothing in the subfolders).
DvcPipeline convert_dvc_yaml(const fs::path& root, const std::vector<std::string>& nested);
// dvc.lock (schema 2.0): stage name -> what DVC last ran. Paths made
// repo-relative with each stage's wdir. Empty when there is no dvc.lock.
std::map<std::string, DvcLockStage> read_dvc_lock(const fs::path& root, const std::map<std::string, std::string>& wdirs);

}  // namespace mlops

#pragma once
// A DVC repository as `mlops import dvc` reads it: the .dvc files and their
// outputs, the cache folder and the remotes of .dvc/config (and
// config.local). Paths are checked as paths mlops may write; what DVC can
// do and mlops cannot (outputs outside the repository, `dvc import`
// stages) is reported by file and field.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/fs.hpp"

namespace mlops {

struct DvcOut {
  std::string path;           // repo-relative, '/'-separated
  std::string md5;            // without ".dir"; empty: DVC has no hash yet
  bool dir = false;
  bool legacy = false;        // DVC 2's md5-dos2unix (no `hash: md5`)
  bool cache = true;          // false: git keeps it, not DVC
  std::uint64_t size = 0, nfiles = 0;
  std::string where;          // "data/raw.dvc:3" for messages
};

struct DvcFile {
  std::string rel;                 // the .dvc file, repo-relative
  std::vector<DvcOut> outs;
  std::vector<std::string> notes;  // "data/raw.dvc: deps: a `dvc import` source is not imported"
};

struct DvcRemote {
  std::string name, url;
  std::map<std::string, std::string> options;  // endpointurl, region, profile...
};

struct DvcConfig {
  fs::path cache_dir;               // absolute; .dvc/cache unless cache.dir says
  std::string default_remote;       // core.remote
  std::vector<DvcRemote> remotes;
  std::vector<std::string> notes;   // settings not taken, and why
};

// Every .dvc file below the root (not in .git, .dvc, .mlops). One that is
// malformed, or names a path mlops may not write, is left out, its error in
// `problems` (naming the file and line). The same walk finds the dvc.yaml
// files of subfolders (`nested_pipelines`), which are not converted.
std::vector<DvcFile> find_dvc_files(const fs::path& root, std::vector<std::string>& problems,
                                    std::vector<std::string>& nested_pipelines);
DvcFile parse_dvc_file(const std::string& text, const std::string& rel);
// Error(Input) when the root holds no .dvc/ folder.
DvcConfig read_dvc_config(const fs::path& root);

}  // namespace mlops

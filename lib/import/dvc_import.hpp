#pragma once
// `mlops import dvc`: the data a DVC repository tracks with .dvc files
// becomes mlops data: a PATH.mlops pointer beside each output, its content
// in the store, verified against DVC's MD5 on the way in. Content comes
// from the workspace when it matches, else from the DVC cache (and folders
// named by --from-cache), else, with --fetch, from the DVC remote. dvc.yaml
// becomes mlops.yaml (dvc_pipeline.hpp), and every stage whose
// dependencies, params and outputs in the workspace are what dvc.lock
// recorded is recorded in mlops.lock as up to date: nothing re-runs.
#include <cstdint>
#include <string>
#include <vector>

#include "core/fs.hpp"
#include "core/progress.hpp"

namespace mlops {

class Repo;

struct DvcImportOptions {
  std::vector<std::string> from_cache;  // more DVC cache folders
  bool fetch = false;                   // read what the caches lack from the DVC remote
  std::string remote;                   // which DVC remote (default: core.remote, else the only one)
  bool remove_dvc = false;              // remove the .dvc files whose outputs all came in
  bool dry_run = false, force = false;
  unsigned jobs = 4;
};

struct DvcImported {
  std::string path;    // the data, repo-relative
  std::string source;  // "workspace", "DVC cache", "DVC remote NAME"
  std::uint64_t files = 0, bytes = 0;
};

struct DvcImportResult {
  std::vector<DvcImported> imported;      // pointers written (or that would be)
  std::vector<std::string> already;       // pointers there already, the same
  std::vector<std::string> conflicts;     // "PATH.mlops exists with other content" (exit 5 unless --force)
  std::vector<std::string> missing;       // "PATH (FILE): md5 X, looked in …" (exit 7)
  std::vector<std::string> notes;         // what mlops does not keep, by file and field
  std::vector<std::string> problems;      // .dvc files that could not be read (skipped; exit 4)
  std::vector<std::string> removed;       // .dvc files removed (--remove-dvc)
  std::vector<std::string> git_files;     // pointers and .gitignore files written
  std::uint64_t fetched = 0;              // files read from the DVC remote
  bool pipeline = false;                  // dvc.yaml is there
  bool pipeline_written = false;          // mlops.yaml written (or there already, the same)
  std::vector<std::string> up_to_date;    // stages recorded in mlops.lock as DVC left them (or there already)
  std::vector<std::string> stale;         // "STAGE: why it will run"
};

// Error(Input) when the root is no DVC repository, or dvc.yaml cannot be
// converted (nothing written then); Error(Usage) for --fetch without a remote.
DvcImportResult import_dvc(Repo& repo, const DvcImportOptions& opts, const fs::path& cwd, Progress* progress);

}  // namespace mlops

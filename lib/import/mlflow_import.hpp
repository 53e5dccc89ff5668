#pragma once
// `mlops import mlflow`: an MLflow history (mlruns/ or mlflow.db) becomes
// mlops runs and registry versions, nothing lost:
//  - a run keeps its MLflow id (as its id when it is 32 hex digits, as it
//    always is; and as the tag mlflow.runId), name, experiment, user, times,
//    status (and the tag mlflow.status), params, every tag, every metric
//    point (NaN and ±inf as they are), parent run and git commit; its
//    artifacts are stored as run artifacts, one per top-level entry;
//  - a registered model version N becomes version N.0.0 of the model (its
//    name made a GTO name when it is not one), with its stage, aliases,
//    description, tags and run; the registered model's description and tags
//    go on each of its versions (mlflow.model.*).
// Text mlops cannot show (control characters, bytes that are not UTF-8) is
// kept escaped (\n, \xNN). Runs already here (by id) and versions already
// registered with the same content are skipped: a second import adds
// nothing.
#include <cstdint>
#include <string>
#include <vector>

#include "core/fs.hpp"
#include "core/progress.hpp"

namespace mlops {

class Repo;

struct MlflowImportOptions {
  std::string source;                    // mlruns/ folder, sqlite:///PATH or a .db file
  std::vector<std::string> experiments;  // names or ids; empty: every experiment
  bool include_deleted = false;          // deleted runs and experiments too
  bool dry_run = false;
  bool git_tags = false;                 // GTO tags for the versions, stages and aliases
  // Runs here already are read again and replaced by the history's record;
  // versions here already take the history's stage and aliases.
  bool update = false;
  unsigned jobs = 2;
};

struct MlflowImportResult {
  std::string source;
  std::size_t experiments = 0;
  std::size_t runs_imported = 0, runs_updated = 0, runs_already = 0, runs_deleted = 0;  // deleted: skipped
  std::uint64_t points = 0, artifacts = 0, artifact_bytes = 0;
  std::vector<std::string> versions_imported;   // "name@1.0.0"
  std::size_t versions_already = 0, versions_deleted = 0;
  std::size_t versions_elsewhere = 0;           // made by runs of experiments not chosen (--experiment)
  std::vector<std::string> git_tags;            // made (--git-tags)
  std::vector<std::string> renamed;             // "what: 'MLflow name' -> 'mlops name'"
  std::vector<std::string> missing;             // content that could not be read (exit 7)
  std::vector<std::string> conflicts;           // versions here already with other content (exit 5)
  std::vector<std::string> problems;            // parts of the source that could not be read (skipped; exit 4)
  std::vector<std::string> not_imported;        // what was left out by design (empty models, unregistered logged models)
};

// Error(Usage) for an --experiment the source lacks (with its experiments).
MlflowImportResult import_mlflow(Repo& repo, const MlflowImportOptions& opts, const fs::path& cwd, Progress* progress);

}  // namespace mlops

#pragma once
// An MLflow history as its two backends hold it (the mlruns/ file store and
// an mlflow.db), read into one shape for `mlops import mlflow`. Readers keep
// MLflow's own words (status names, stage names, URIs); the importer decides
// what they become in mlops.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/fs.hpp"
#include "exp/run_store.hpp"

namespace mlops {

struct MlflowExperiment {
  std::string id, name;
  bool deleted = false;
  std::map<std::string, std::string> tags;
};

struct MlflowRun {
  std::string id, name, experiment_id, user;
  std::string status;        // RUNNING, SCHEDULED, FINISHED, FAILED, KILLED
  bool deleted = false;      // lifecycle_stage: deleted
  std::int64_t start_ms = 0, end_ms = 0;  // end 0: none
  std::map<std::string, std::string> params, tags;
  std::string artifact_uri;  // as recorded
};

struct MlflowModelVersion {
  std::int64_t version = 0;
  std::string stage;   // None, Staging, Production, Archived
  std::string source, storage_location, run_id, user, description, status;
  std::int64_t created_ms = 0;
  std::map<std::string, std::string> tags;
};

struct MlflowModel {
  std::string name, description;
  std::int64_t created_ms = 0;
  std::map<std::string, std::string> tags;
  std::vector<MlflowModelVersion> versions;
  std::map<std::string, std::int64_t> aliases;  // alias -> version
};

struct ArtifactLocation {
  enum class State {
    Found,    // at `path`
    Absent,   // a local path with nothing there (a run that kept no artifacts)
    Outside,  // exists, but outside the folders the history came in: not read
    Remote,   // s3://, gs://, an MLflow server...: not on this machine
  } state = State::Absent;
  fs::path path;
  // Absent because the folder all such artifacts live in is not there (an
  // mlflow.db whose server's mlartifacts/ was not copied): a loss to report.
  bool root_missing = false;
};

// What a reader could not read, with where: "mlruns/1/abc/metrics/loss:3: …".
using MlflowProblems = std::vector<std::string>;

class MlflowSource {
public:
  virtual ~MlflowSource() = default;
  // What the user named, for messages.
  virtual std::string where() const = 0;
  virtual std::vector<MlflowExperiment> experiments(MlflowProblems& problems) = 0;
  // The runs of one experiment, as their records say: without params, tags
  // and metric points (load() reads those).
  virtual std::vector<MlflowRun> runs(const MlflowExperiment& e, MlflowProblems& problems) = 0;
  // A run's params and tags, and every point of every metric (step and time
  // as MLflow has them). Safe to call for different runs at once.
  virtual void load(MlflowRun& r, std::vector<MetricPoint>& points, MlflowProblems& problems) = 0;
  virtual std::vector<MlflowModel> models(MlflowProblems& problems) = 0;
  // MLflow 3 logged models (m-ID) that no registered version names.
  virtual std::vector<std::string> unregistered_models(MlflowProblems& problems) = 0;
  // The local file or folder an artifact URI names: file:// URIs and paths
  // (rebased on this source's folder when the history was moved),
  // mlflow-artifacts:/ under the server's default mlartifacts/ folder,
  // runs:/ID/PATH and models:/m-ID through runs and logged models.
  virtual ArtifactLocation locate(const std::string& uri, const MlflowRun* run) = 0;
};

// `where`: a folder (mlruns/) or sqlite:///PATH (also a path ending in .db).
// Throws Error(Input) when it is neither.
std::unique_ptr<MlflowSource> open_mlflow_source(const std::string& where, const fs::path& cwd);

}  // namespace mlops

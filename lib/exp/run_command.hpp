#pragma once
// mlops exp run: a command run as an experiment run. Its output is passed on
// and kept as the run's log; it logs metrics by appending JSON lines to
// $MLOPS_METRICS_FILE (read while it runs and at the end) or with
// `mlops exp log` (which finds the run through $MLOPS_RUN_ID).
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/fs.hpp"
#include "exp/run_store.hpp"

namespace mlops {

class Repo;

struct RunSpec {
  std::vector<std::string> command;
  std::string name;  // generated when empty
  std::string experiment = "default";
  std::map<std::string, std::string> params, tags;
  // Repo-relative; "{name}" in them stands for the run's name, "{KEY}" for a param's value.
  std::vector<std::string> artifacts;  // files or folders kept in the store at the end
  std::string metrics_file;            // JSON or YAML file of final metrics
  std::string parent_id;               // the sweep the run belongs to
};

struct RunSinks {
  std::function<void(const char*, std::size_t)> out, err;  // the command's stdout and stderr, as they come
};

struct RunResult {
  Run run;
  std::vector<std::string> warnings;  // malformed metrics lines, and the like
  int exit_status = 0;                // the command's exit code, or 128 + signal
};

// Where and from what a run starts: user, host, OS, CPU, memory, the git
// commit, and with `with_diff` the uncommitted changes (kept in the store).
// Returns a warning when the changes could not be recorded (files still being
// written by another process): the run is then marked dirty, without a patch.
std::string stamp_run(Repo& repo, Run& run, bool with_diff);

// Keeps a file or folder (repo-relative) in the store as an artifact of the
// run; false when it does not exist.
bool log_artifact(Repo& repo, const std::string& run_id, const std::string& rel);

RunResult run_experiment(Repo& repo, const RunSpec& spec, const RunSinks& sinks);

// The files a run writes while it runs (.mlops/runs/ID: metrics file, journal,
// output). Removed when it ends; a run whose `mlops exp run` was killed leaves
// them until `mlops exp rm` removes the run.
fs::path run_scratch_dir(const Repo& repo, const std::string& run_id);
// The journal `mlops exp log` appends to while the run runs (run_journal.hpp).
fs::path run_journal_path(const Repo& repo, const std::string& run_id);
void remove_run_scratch(const Repo& repo, const std::string& run_id);

}  // namespace mlops

#pragma once
// mlops run: bring the pipeline's stages up to date, in dependency order,
// independent stages in parallel; skip what is unchanged, restore what ran
// before from the run cache; record the run as an experiment run.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "pipeline/params_set.hpp"

#include "pipeline/pipeline_file.hpp"

namespace mlops {

class Repo;
struct Tracked;

struct PipelineOptions {
  std::vector<std::string> targets;  // stages (NAME also picks NAME@...); empty: all
  // -S: values written into params files before the run (not with dry_run),
  // and recorded as the run's params.
  std::vector<ParamSetting> set_params;
  unsigned jobs = 1;
  bool force = false, dry_run = false, downstream = false, keep_going = false;
  // The experiment run it records: its name (refused before anything runs
  // when taken), experiment ("pipeline" when empty), tags, and the sweep it
  // belongs to. A run of a sweep is recorded even when no stage command ran.
  std::string run_name, experiment, parent_id;
  std::map<std::string, std::string> tags;
};

enum class StageOutcome { UpToDate, Frozen, Restored, Ran, WouldRun, Failed, Skipped, Interrupted };
const char* outcome_name(StageOutcome o);

struct StageReport {
  std::string name;
  StageOutcome outcome = StageOutcome::UpToDate;
  std::vector<std::string> reasons;  // why it was stale ("dep data/x.csv changed"), or why it failed
  double seconds = 0;
  std::string output;  // the command's output, when it was captured (jobs > 1)
};

struct PipelineCallbacks {
  std::function<void(const std::string& stage, const std::vector<std::string>& reasons)> on_start;
  std::function<void(const StageReport&)> on_done;
};

struct PipelineResult {
  std::vector<StageReport> stages;  // in the order they finished
  std::string run_id, run_name;     // the experiment run, when anything ran
  bool ok = true;
  bool interrupted = false;
  int stop_signal = 0;  // the signal that ended the run (SIGINT, SIGTERM, SIGHUP), when interrupted
  std::vector<std::string> git_files;  // what the run changed that git keeps: mlops.lock, .gitignore, metrics, plots
  // 128 + the signal that ended the run (130 Ctrl-C, 143 SIGTERM), 9 when a
  // stage failed (ExitCode::StageFailed), else 0.
  int exit_code() const { return interrupted ? 128 + stop_signal : ok ? 0 : 9; }
};

// Why each selected stage is stale (empty reasons: up to date), without running anything.
std::vector<StageReport> pipeline_status(Repo& repo, const PipelineOptions& opts);

PipelineResult run_pipeline(Repo& repo, const PipelineOptions& opts, const PipelineCallbacks& cb);

// The outputs mlops.lock records, as transfers take them (push, fetch, pull).
std::vector<Tracked> locked_outputs(Repo& repo);

}  // namespace mlops

#pragma once
// Sweeps: `-p lr=0.1,0.01 -p batch=32,64` is the grid of every combination,
// each run as a child of one parent run, up to N at a time.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/fs.hpp"
#include "exp/run_store.hpp"

namespace mlops {

class Repo;

using ParamGrid = std::vector<std::map<std::string, std::string>>;

// Runs a sweep may have, as a pipeline's matrix may have stages (kMaxStages).
constexpr std::size_t kMaxSweepRuns = 10000;

// KEY=V1,V2,... items (in the order given; "\," keeps a comma in a value) to
// every combination, the first key varying slowest. Throws Error(Usage) on an
// item that is not KEY=VALUE, an empty value, a key given twice, or more than
// kMaxSweepRuns combinations (refused before any is made).
ParamGrid expand_grid(const std::vector<std::string>& items);

struct ProcessPool {
  int jobs = 1;
  bool quiet = false;  // children's stdout/stderr to /dev/null (they keep their own logs)
  std::function<fs::path(std::size_t)> output_of;  // else: stdout and stderr to this file
  std::function<std::string(std::size_t)> cwd_of;  // the folder to start in (empty: this one)
  std::function<void(std::size_t)> on_start;
  std::function<void(std::size_t, int)> on_exit;  // index, exit status (128 + signal when killed)
};

// Runs every argv (argv[0] a path), at most pool.jobs at once. On SIGINT or
// SIGTERM no new process starts; the running ones (which got the signal
// through the terminal's process group, or from here) are waited for.
// Returns the signal that stopped it, 0 when none did.
int run_processes(const std::vector<std::vector<std::string>>& argvs, const ProcessPool& pool);

// A sweep: a parent run holding the grid, and one child `mlops exp run
// --parent` per combination (each a process of its own, so each has its own
// log, signals and database connection), named NAME-1, NAME-2, ...
struct SweepSpec {
  std::string name;  // the parent's; generated when empty
  std::string experiment = "default";
  std::vector<std::string> command;
  // A sweep of something else than `mlops exp run -- COMMAND` (a pipeline
  // sweep, lib/tracking/pipeline_sweep): what the parent records as its
  // command, each combination's process, and what comes before and after it
  // (in the sweep's process; both return warnings; `after` must not throw).
  struct Custom {
    std::string what;
    std::function<std::vector<std::string>(std::size_t i, const std::string& parent_id, const std::string& name)> argv;
    std::function<std::vector<std::string>(std::size_t i, const std::string& name)> before, after;
    std::function<std::string(std::size_t i)> cwd;
    std::function<fs::path(std::size_t i)> output;  // with jobs > 1, where its output goes
  };
  std::optional<Custom> custom;
  ParamGrid grid;
  std::map<std::string, std::string> param_lists, tags;  // the parent's: the lists as given, and its tags
  std::vector<std::string> run_options;                   // given to each run as they are (--tag, --artifact, --metrics)
  int jobs = 1;
  bool quiet = false;
};
struct SweepRunEnd {
  std::size_t index = 0, done = 0;
  std::string name;
  int exit_code = 0;                  // 128 + signal when one ended it
  bool interrupted = false;           // ended by the signal that stops the sweep
  std::vector<std::string> warnings;  // jobs > 1: what the run would have printed
  std::vector<std::string> output_tail;  // custom output, jobs > 1, a failed run: its last lines
};
struct SweepCallbacks {
  std::function<void(const Run& parent)> on_start;
  std::function<void(const SweepRunEnd&)> on_run_end;
};
struct SweepResult {
  Run parent;  // as finished
  std::size_t done = 0, failed = 0, interrupted = 0;  // interrupted runs count as failed too
  int first_failure = 0;  // the first failing run's exit code
  int stop_signal = 0;
  int exit_code() const { return stop_signal ? 128 + stop_signal : first_failure; }
};
// Throws Error(Usage) before anything runs when a run's name is taken.
SweepResult run_sweep(Repo& repo, const SweepSpec& spec, const SweepCallbacks& cb);

// A run of a sweep running in parallel, whose output nobody sees, leaves its
// warnings for the sweep to print (nothing when the sweep is not waiting).
void leave_sweep_warnings(const Repo& repo, const std::string& sweep_id, const std::string& run_name,
                          const std::vector<std::string>& warnings);

}  // namespace mlops

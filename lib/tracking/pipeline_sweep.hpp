#pragma once
// mlops exp run --pipeline -S KEY=V1,V2 ...: every combination of the -S
// values as a pipeline run of its own (`mlops run -S ...`, a child of one
// sweep run), each in a git worktree under .mlops/worktrees/ — detached at
// HEAD, with the workspace's uncommitted changes and tracked data — that
// shares the repository's store, state database and run cache (Repo's
// kSharedStateEnv); up to N at a time. The workspace is never written.
#include <map>
#include <string>
#include <vector>

#include "exp/sweep.hpp"

namespace mlops {

class Repo;

struct PipelineSweepSpec {
  std::string name;                   // the sweep run's; generated when empty
  std::string experiment = "pipeline";
  ParamGrid grid;                     // [FILE:]KEY -> value, per combination
  std::vector<std::string> settings;  // the -S items as given, in order (the sweep run's command)
  std::vector<std::string> stages;    // mlops run's targets (all when empty)
  std::map<std::string, std::string> param_lists, tags;  // the sweep run's
  int jobs = 1;
  bool quiet = false;
};

// Throws, before anything is made: Error(Usage) for a bad -S item, a -S key
// no stage of the pipeline uses (every run would be the same) or an unknown
// stage; Error(Repo) outside git or before the first commit. Worktrees a killed sweep left
// are removed first.
SweepResult run_pipeline_sweep(Repo& repo, const PipelineSweepSpec& spec, const SweepCallbacks& cb);

// The worktrees sweeps that no longer run left behind, removed (with their
// git records); returns how many.
std::size_t remove_stale_sweep_worktrees(Repo& repo);

}  // namespace mlops

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
  std::map<std::string, std::string> param_lists, tags;  // the sweep run's
  int jobs = 1;
  bool quiet = false;
};

// Throws Error(Usage) for a bad -S item and Error(Repo) outside git or before
// the first commit, before anything is made. Worktrees a killed sweep left
// are removed first.
SweepResult run_pipeline_sweep(Repo& repo, const PipelineSweepSpec& spec, const SweepCallbacks& cb);

// The worktrees sweeps that no longer run left behind, removed (with their
// git records); returns how many.
std::size_t remove_stale_sweep_worktrees(Repo& repo);

}  // namespace mlops

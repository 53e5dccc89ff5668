#pragma once
// Running one stage's command: `sh -c CMD` in the stage's folder, in a
// process group of its own led by a keeper (stage_keeper.hpp), with Ctrl-C,
// SIGTERM and hangups passed on to the whole group (core/child_signals.hpp:
// the runner holds a StopSignals with to_groups while stages run).
#include <map>
#include <string>

#include "core/fs.hpp"
#include "pipeline/pipeline_file.hpp"

namespace mlops {

class Repo;

// Its output goes to the terminal, or to `log` when given; `env` is added to
// its environment (the pipeline run's MLOPS_RUN_ID, MLOPS_METRICS_FILE).
// Returns the exit status (128 + signal when one ended it).
int run_stage_command(Repo& repo, const Stage& s, const fs::path* log, const std::map<std::string, std::string>& env = {});

}  // namespace mlops

#pragma once
// Sweeps: `-p lr=0.1,0.01 -p batch=32,64` is the grid of every combination,
// each run as a child of one parent run, up to N at a time.
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace mlops {

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
  std::function<void(std::size_t)> on_start;
  std::function<void(std::size_t, int)> on_exit;  // index, exit status (128 + signal when killed)
};

// Runs every argv (argv[0] a path), at most pool.jobs at once. On SIGINT or
// SIGTERM no new process starts; the running ones (which got the signal
// through the terminal's process group, or from here) are waited for. True
// when it was interrupted.
bool run_processes(const std::vector<std::vector<std::string>>& argvs, const ProcessPool& pool);

}  // namespace mlops

#pragma once
// The pipeline's run cache (the run_cache table): for a stage's command,
// dependencies, params and output names, the outputs an earlier run made, in
// any branch, so that `mlops run` restores them instead of running again.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/lock_file.hpp"
#include "pipeline/pipeline_file.hpp"

namespace mlops {

class Repo;

// The cache's key: the command, the dependencies' ids, the params, the
// outputs' names, the stage's folder and env.
std::string cache_key(Repo& repo, const Stage& s, const LockEntry& now);

// What the stage's outputs were for these inputs: from the run cache, or from
// the lock entry when its command, dependencies and params are the ones now
// (a fresh clone that fetched them); nullopt unless the store has them all.
std::optional<std::vector<LockedPath>> cached_outputs(Repo& repo, const std::string& key, const Stage& s,
                                                      const LockEntry* locked, const LockEntry& now);
void remember_outputs(Repo& repo, const Stage& s, const std::string& key, const std::vector<LockedPath>& outs);
// True when the store holds every object of the outputs (a folder's files too).
bool in_store(Repo& repo, const std::vector<LockedPath>& outs);
// Puts cached outputs in place, replacing what is there.
void restore_outputs(Repo& repo, const std::vector<LockedPath>& outs);

// Every entry: the stage's name and the outputs it can restore (damaged
// entries are left out: their stage just runs again).
std::vector<std::pair<std::string, std::vector<LockedPath>>> run_cache_entries(Repo& repo);
// Forgets the run cache (gc --run-cache); returns how many entries it held.
std::size_t clear_run_cache(Repo& repo);

}  // namespace mlops

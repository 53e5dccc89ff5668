#pragma once
// The pipeline's outputs as tracked data, like pointer files: the outs that
// mlops.lock records in the work tree and in any commit, and the outputs the
// run cache can restore (kept by gc unless told otherwise).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "data/tracked_source.hpp"
#include "pipeline/lock_file.hpp"

namespace mlops {

// keep_run_cache: whether kept() names the run cache's outputs (gc --run-cache drops them).
std::unique_ptr<TrackedSource> pipeline_output_source(bool keep_run_cache = true);

// The outs of lock entries as tracked paths; `origin` names the lock file in messages.
std::vector<Tracked> outputs_as_tracked(const std::map<std::string, LockEntry>& lock, const std::string& origin);

}  // namespace mlops

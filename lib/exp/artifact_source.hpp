#pragma once
// Run artifacts (logs, files kept with --artifact, the uncommitted changes as a
// patch) as tracked data: kept by gc whatever the revision, until exp rm.
#include <memory>

#include "data/tracked_source.hpp"

namespace mlops {

std::unique_ptr<TrackedSource> run_artifact_source();

}  // namespace mlops

#pragma once
// Run artifacts (logs, files kept with --artifact, the uncommitted changes as a
// patch) as tracked data: kept by gc whatever the revision, until exp rm.
#include <memory>

#include "data/tracked_source.hpp"

namespace mlops {

class ObjectStore;

std::unique_ptr<TrackedSource> run_artifact_source();

// One object of a run as transfer and gc see it (`label`: "RUN:PATH"): a
// folder artifact, stored as its manifest, is recognised by its content.
Tracked run_object(const ObjectStore& store, std::string label, const ObjectId& id, std::uint64_t size);

}  // namespace mlops

#pragma once
// Registered model versions as tracked data: kept by gc whatever the revision.
#include <memory>

#include "data/tracked_source.hpp"

namespace mlops {

std::unique_ptr<TrackedSource> registry_source();

}  // namespace mlops

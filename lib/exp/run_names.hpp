#pragma once
// Readable run names ("brave-otter-042") and run ids (32 random hex digits).
#include <string>

#include "exp/run_store.hpp"

namespace mlops {

std::string new_run_id();
std::string new_run_name();

// `wanted` when free (Error(Usage) when taken), else a new generated name.
std::string unique_run_name(RunStore& runs, const std::string& wanted);

}  // namespace mlops

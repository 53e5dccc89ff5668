#pragma once
// Readable run names ("brave-otter-042") and run ids (32 random hex digits).
#include <string>

namespace mlops {

std::string new_run_id();
std::string new_run_name();

}  // namespace mlops

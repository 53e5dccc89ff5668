#pragma once
// The named fields of a run, shared by filters, sorting and table columns:
//   id, name, experiment, status, user, host, command, commit, parent,
//   started (ms since the epoch), duration (ms),
//   params.KEY, tags.KEY, metrics.KEY (last value), best.KEY (best over the
//   steps, by the metric's goal), min.KEY, max.KEY.
#include <optional>
#include <string>

#include "exp/run_store.hpp"

namespace mlops {

// True when `name` is one of the forms above (with a non-empty KEY).
bool is_run_field(const std::string& name);
// What the fields above list, for error messages.
const char* run_field_help();
// The field's value in the run as text (numbers with full precision);
// nullopt when the run does not have it.
std::optional<std::string> run_field(const Run& run, const std::string& name);
// The field's value as a number, when it is one.
std::optional<double> run_number(const Run& run, const std::string& name);

}  // namespace mlops

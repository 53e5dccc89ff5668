#pragma once
// The named fields of a run, shared by filters, sorting and table columns:
//   id, name, experiment, status, user, host, command, commit, parent,
//   started (ms since the epoch), duration (ms),
//   params.KEY, tags.KEY, metrics.KEY (last value), best.KEY (best over the
//   steps, by the metric's goal), min.KEY, max.KEY.
// A name is parsed once into a RunField, then read from many runs.
#include <optional>
#include <string>

#include "exp/run_store.hpp"

namespace mlops {

struct RunField {
  enum class Kind { Id, Name, Experiment, Status, User, Host, Command, Commit, Parent, Started, Duration,
                    Param, Tag, Last, Best, Min, Max };
  Kind kind = Kind::Id;
  std::string key;   // of params., tags., metrics., best., min., max.
  std::string name;  // as written
  bool minimise = false;  // best.KEY: the metric's goal, decided once
  bool is_metric() const { return kind >= Kind::Last; }

  // nullopt when `name` is none of the forms above (or has an empty KEY).
  static std::optional<RunField> parse(const std::string& name);
  // The field's value in the run as text (numbers in their shortest exact
  // form); nullopt when the run does not have it.
  std::optional<std::string> text(const Run& run) const;
  // The value as a number, when it is one.
  std::optional<double> number(const Run& run) const;
};

// What the fields above are, for error messages.
const char* run_field_help();
bool is_run_field(const std::string& name);

}  // namespace mlops

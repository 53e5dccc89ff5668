#pragma once
// The filter language of `mlops exp list --filter`:
//   metrics.acc > 0.9 and params.lr = 0.01 and tags.team = "nlp"
// Comparisons (= == != < <= > >=) of a field with a number or a string,
// combined with and, or, not and parentheses. Fields: those of run_fields.hpp.
// A run without the field does not match the comparison.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "exp/run_store.hpp"

namespace mlops {

// A run's full id from what a user calls it (a short id, a name), when the
// reference names one run.
using RunRefResolver = std::function<std::optional<std::string>(const std::string&)>;

class RunFilter {
public:
  // Throws Error(Usage) saying what was expected, and where, in `text`.
  // With `resolve`, `id` and `parent` compared with = or != take the short
  // ids and names every table shows.
  static RunFilter parse(std::string_view text, const RunRefResolver& resolve = {});
  bool matches(const Run& run) const;

  struct Node;

private:
  std::shared_ptr<const Node> root_;
};

}  // namespace mlops

#pragma once
// The metrics a run's command writes: JSON lines such as
// {"step": 3, "loss": 0.41, "acc": 0.87}. Malformed lines are reported with
// their number and skipped, never fatal to the run.
#include <string>
#include <string_view>
#include <vector>

#include "exp/run_store.hpp"

namespace mlops {

struct ParsedMetrics {
  std::vector<MetricPoint> points;
  std::vector<std::string> warnings;  // "metrics.jsonl:7: not a JSON object"
};

// Lines without "step" take `next_step`, which advances with every valid line
// (so a file read in pieces keeps counting). `first_line` numbers the lines of
// `text` in messages.
ParsedMetrics parse_metrics_lines(std::string_view text, std::string_view source, std::int64_t& next_step,
                                  std::size_t first_line = 1);

}  // namespace mlops

#pragma once
// The metrics a run's command writes: JSON lines such as
// {"step": 3, "loss": 0.41, "acc": 0.87}. Malformed lines are reported with
// their number and skipped, never fatal to the run.
#include <string>
#include <string_view>
#include <vector>

#include "core/fs.hpp"
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

// A metrics file (exp run --metrics, pipeline stages' metrics): a JSON or
// YAML mapping of names to numbers; nested keys become dotted names. Throws
// Error(Input) naming the file (and line) when it is missing or malformed.
std::vector<MetricPoint> read_metrics_file(const fs::path& file, const std::string& shown);

}  // namespace mlops

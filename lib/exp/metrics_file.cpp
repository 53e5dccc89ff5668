#include "exp/metrics_file.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

#include <fmt/format.h>

#include "core/fs.hpp"

namespace mlops {

ParsedMetrics parse_metrics_lines(std::string_view text, std::string_view source, std::int64_t& next_step,
                                  std::size_t first_line) {
  ParsedMetrics out;
  std::size_t lineno = first_line - 1, pos = 0;
  std::int64_t& implicit_step = next_step;
  std::int64_t ts = now_ms();
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      out.warnings.push_back(fmt::format("{}:{}: not a JSON object; line skipped", source, lineno));
      continue;
    }
    std::int64_t step = implicit_step;
    if (j.contains("step")) {
      if (!j["step"].is_number_integer()) {
        out.warnings.push_back(fmt::format("{}:{}: \"step\" must be a whole number; line skipped", source, lineno));
        continue;
      }
      step = j["step"].get<std::int64_t>();
    }
    ++implicit_step;
    for (const auto& [key, value] : j.items()) {
      if (key == "step" || key == "timestamp") continue;
      if (!value.is_number() || !std::isfinite(value.get<double>())) {
        out.warnings.push_back(fmt::format("{}:{}: \"{}\" is not a finite number; value skipped", source, lineno, key));
        continue;
      }
      out.points.push_back({key, step, value.get<double>(), ts});
    }
  }
  return out;
}

}  // namespace mlops

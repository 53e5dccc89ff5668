#include "exp/metrics_file.hpp"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <functional>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/fs.hpp"
#include "core/yaml_load.hpp"

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

std::vector<MetricPoint> read_metrics_file(const fs::path& file, const std::string& shown) {
  YAML::Node root;  // YAML is a superset of JSON
  try {
    root = load_yaml_file(file, shown);
  } catch (const YAML::BadFile&) {
    fail(ExitCode::Input, "{}: the metrics file does not exist", shown);
  } catch (const YAML::ParserException& e) {
    fail(ExitCode::Input, "{}:{}: malformed metrics file: {}", shown, e.mark.line + 1, e.msg);
  }
  std::vector<MetricPoint> out;
  std::function<void(const YAML::Node&, const std::string&)> walk = [&](const YAML::Node& n, const std::string& prefix) {
    if (!n.IsMap()) return;
    for (const auto& kv : n) {
      std::string key = prefix + kv.first.as<std::string>("");
      if (kv.second.IsMap()) walk(kv.second, key + ".");
      else if (kv.second.IsScalar()) {
        try {
          out.push_back({key, 0, kv.second.as<double>(), now_ms()});
        } catch (const YAML::BadConversion&) {
        }
      }
    }
  };
  walk(root, "");
  return out;
}


}  // namespace mlops

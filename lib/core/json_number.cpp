#include "core/json_number.hpp"

#include <cmath>
#include <limits>

namespace mlops {

nlohmann::json json_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return v;
}

nlohmann::json json_numbers(const std::map<std::string, double>& values) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [k, v] : values) out[k] = json_number(v);
  return out;
}

std::optional<double> number_from_json(const nlohmann::json& j) {
  if (j.is_number()) return j.get<double>();
  if (!j.is_string()) return std::nullopt;
  const auto& s = j.get_ref<const std::string&>();
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "Infinity") return std::numeric_limits<double>::infinity();
  if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  return std::nullopt;
}

void spell_non_finite(nlohmann::json& j) {
  if (j.is_number_float()) {
    if (!std::isfinite(j.get<double>())) j = json_number(j.get<double>());
  } else if (j.is_structured()) {
    for (auto& x : j) spell_non_finite(x);
  }
}

namespace {

bool has_non_finite(const nlohmann::json& j) {
  if (j.is_number_float()) return !std::isfinite(j.get<double>());
  if (j.is_structured())
    for (const auto& x : j)
      if (has_non_finite(x)) return true;
  return false;
}

}  // namespace

std::string json_dump(const nlohmann::json& j, int indent) {
  // Copied only when something must be spelled: a copy of 10,000 runs' JSON
  // cost more than writing it.
  if (!has_non_finite(j)) return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
  nlohmann::json spelled = j;
  spell_non_finite(spelled);
  return spelled.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace mlops

#include "core/json_number.hpp"

#include <vector>

#include <cmath>
#include <iterator>

#include <fmt/format.h>

#include "core/text.hpp"
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

void append_json_string(std::string& out, std::string_view s) {
  if (is_valid_utf8(s)) {
    out += '"';
    for (char c : s) {
      auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') out += '\\', out += c;
      else if (u < 0x20) out += fmt::format("\\u{:04x}", u);
      else out += c;
    }
    out += '"';
    return;
  }
  out += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void append_json_number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += json_number(v).dump();
    return;
  }
  fmt::format_to(std::back_inserter(out), "{}", v);  // the shortest text that reads back as v
}

JsonShape json_shape(std::string_view text, std::size_t max_depth, std::size_t max_members) {
  std::vector<std::size_t> members;  // per open bracket: members so far (counted in objects only)
  std::vector<bool> object;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (members.size() == max_depth) return JsonShape::TooDeep;
      members.push_back(1);
      object.push_back(c == '{');
    } else if ((c == ']' || c == '}') && !members.empty()) {
      members.pop_back();
      object.pop_back();
    } else if (c == ',' && !members.empty() && object.back() && ++members.back() > max_members) {
      return JsonShape::TooWide;
    }
  }
  return JsonShape::Within;
}

}  // namespace mlops

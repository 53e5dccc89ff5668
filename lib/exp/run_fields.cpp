#include "exp/run_fields.hpp"

#include <array>
#include <cstdlib>
#include <string_view>

#include <fmt/format.h>

#include "exp/metric_goal.hpp"

namespace mlops {

namespace {

constexpr std::array<std::string_view, 11> kPlain = {"id",     "name",   "experiment", "status",  "user",    "host",
                                                     "command", "commit", "parent",     "started", "duration"};
constexpr std::array<std::string_view, 6> kPrefixes = {"params.", "tags.", "metrics.", "best.", "min.", "max."};

std::optional<std::string> in(const std::map<std::string, std::string>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? std::nullopt : std::optional<std::string>(it->second);
}

std::string full(double v) { return fmt::format("{}", v); }  // shortest text that reads back the same

}  // namespace

bool is_run_field(const std::string& name) {
  for (auto p : kPlain)
    if (name == p) return true;
  for (auto p : kPrefixes)
    if (name.size() > p.size() && name.starts_with(p)) return true;
  return false;
}

const char* run_field_help() {
  return "id, name, experiment, status, user, host, command, commit, parent, started, duration, params.KEY, tags.KEY, "
         "metrics.KEY, best.KEY, min.KEY or max.KEY";
}

std::optional<std::string> run_field(const Run& r, const std::string& f) {
  auto after = [&](std::string_view p) { return f.substr(p.size()); };
  if (f.starts_with("params.")) return in(r.params, after("params."));
  if (f.starts_with("tags.")) return in(r.tags, after("tags."));
  for (std::string_view p : {"metrics.", "best.", "min.", "max."}) {
    if (!f.starts_with(p)) continue;
    std::string key = after(p);
    auto it = r.metrics.find(key);
    if (it == r.metrics.end()) return std::nullopt;
    const MetricSummary& m = it->second;
    if (p == "metrics.") return full(m.last);
    if (p == "min.") return full(m.min);
    if (p == "max.") return full(m.max);
    return full(default_goal(key) == Goal::Min ? m.min : m.max);
  }
  if (f == "id") return r.id;
  if (f == "name") return r.name;
  if (f == "experiment") return r.experiment;
  if (f == "status") return r.status;
  if (f == "user") return r.user;
  if (f == "host") return r.host;
  if (f == "command") return r.command;
  if (f == "commit") return r.git_commit.empty() ? std::nullopt : std::optional<std::string>(r.git_commit);
  if (f == "parent") return r.parent_id.empty() ? std::nullopt : std::optional<std::string>(r.parent_id);
  if (f == "started") return std::to_string(r.started_at);
  if (f == "duration") return r.ended_at ? std::optional<std::string>(std::to_string(r.ended_at - r.started_at)) : std::nullopt;
  return std::nullopt;
}

std::optional<double> run_number(const Run& r, const std::string& f) {
  auto v = run_field(r, f);
  if (!v || v->empty()) return std::nullopt;
  char* end = nullptr;
  double d = std::strtod(v->c_str(), &end);
  return *end == '\0' ? std::optional<double>(d) : std::nullopt;
}

}  // namespace mlops

#include "exp/run_format.hpp"

#include <charconv>
#include <ctime>

#include <fmt/format.h>

#include "core/error.hpp"
#include "exp/metric_goal.hpp"

namespace mlops {

using nlohmann::json;

std::string duration(const Run& r) {
  if (!r.ended_at) return "";
  return fmt::format("{:.1f}s", static_cast<double>(r.ended_at - r.started_at) / 1000.0);
}

std::string started(const Run& r) { return local_time(r.started_at); }

std::string local_time(std::int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string number(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 6);  // as %.6g, faster
  return ec == std::errc() ? std::string(buf, end) : fmt::format("{:.6g}", v);
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string line;
  for (const auto& f : fields) {
    if (!line.empty()) line += ',';
    line += csv_field(f);
  }
  return line;
}

std::string run_cell(const Run& r, const RunField& f, bool full_id, const std::set<std::string>& twice) {
  using K = RunField::Kind;
  switch (f.kind) {
    case K::Name: return twice.count(r.name) ? fmt::format("{} ({}@{})", r.name, r.user, r.host) : r.name;
    case K::Id: return full_id ? r.id : r.short_id();
    case K::Parent: return full_id ? r.parent_id : r.parent_id.substr(0, 8);
    case K::Started: return started(r);
    case K::Duration: return duration(r);
    case K::Commit: return r.git_commit.substr(0, full_id ? std::string::npos : 12);
    default: break;
  }
  if (f.is_metric()) {
    auto v = f.number(r);
    return v ? number(*v) : "";
  }
  return f.text(r).value_or("");
}

json run_json(const Run& r) {
  json metrics = json::object();
  for (const auto& [k, m] : r.metrics) {
    Goal g = default_goal(k);
    metrics[k] = {{"last", m.last}, {"step", m.step},  {"min", m.min},         {"max", m.max},
                  {"count", m.count}, {"goal", goal_name(g)}, {"best", g == Goal::Min ? m.min : m.max}};
  }
  auto or_null = [](const std::string& s) { return s.empty() ? json() : json(s); };
  return {{"id", r.id},
          {"name", r.name},
          {"experiment", r.experiment},
          {"status", r.status},
          {"command", r.command},
          {"parent", or_null(r.parent_id)},
          {"git_commit", r.git_commit},
          {"git_dirty", r.git_dirty},
          {"git_diff", or_null(r.git_diff_id)},
          {"started_at", r.started_at},
          {"ended_at", r.ended_at ? json(r.ended_at) : json()},
          {"exit_code", r.exit_code ? json(*r.exit_code) : json()},
          {"user", r.user},
          {"host", r.host},
          {"os", r.os},
          {"cpu", r.cpu},
          {"cpus", r.cpus},
          {"memory_bytes", r.memory_bytes},
          {"peak_rss_kib", r.peak_rss_kib ? json(*r.peak_rss_kib) : json()},
          {"params", r.params},
          {"tags", r.tags},
          {"metrics", metrics},
          {"artifacts", r.artifacts}};
}

std::map<std::string, std::string> key_values(const std::vector<std::string>& items, const char* what) {
  std::map<std::string, std::string> out;
  for (const auto& kv : items) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) fail(ExitCode::Usage, "{} '{}' is not KEY=VALUE", what, kv);
    check_run_text(what, kv.substr(0, eq), kv.substr(eq + 1));
    out[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return out;
}

}  // namespace mlops

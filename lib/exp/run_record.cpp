#include "exp/run_record.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/json_number.hpp"
#include "core/text.hpp"

namespace mlops {

namespace {

using nlohmann::json;

constexpr std::string_view kPageFormat = "mlops-runs 1";
constexpr std::string_view kPointsHeader = "mlops-points 1\n";
constexpr std::size_t kMaxText = kMaxRunText;
constexpr std::size_t kMaxEntries = kMaxRunEntries;

json opt_int(const std::optional<std::int64_t>& v) { return v ? json(*v) : json(); }

// Checks one run's JSON and turns it into a SharedRun; throws a plain message.
class RunReader {
public:
  explicit RunReader(const json& j) : j_(j) {
    if (!j.is_object()) throw std::runtime_error("not a JSON object");
  }

  SharedRun read() {
    SharedRun s;
    Run& r = s.run;
    r.id = text("id");
    if (!is_run_id(r.id)) bad("id", "is not a run id");
    r.name = text("name");
    try {
      RunStore::check_name(r.name);
    } catch (const Error& e) {
      bad("name", e.what());
    }
    r.experiment = line("experiment");
    if (r.experiment.empty()) bad("experiment", "is empty");
    r.status = text("status");
    if (r.status != "finished" && r.status != "failed" && r.status != "killed" && r.status != "interrupted" &&
        r.status != "lost")
      bad("status", "is not the status of a finished run");
    r.command = text("command", /*newlines=*/true);
    r.git_commit = text("git_commit");
    if (!r.git_commit.empty() && !is_lower_hex(r.git_commit, 40) && !is_lower_hex(r.git_commit, 64)) bad("git_commit", "is not a commit id");
    r.git_dirty = flag("git_dirty");
    r.user = line("user");
    r.host = line("host");
    r.parent_id = text("parent_id");
    if (!r.parent_id.empty() && !is_run_id(r.parent_id)) bad("parent_id", "is not a run id");
    r.log_id = object_id("log_id");
    r.git_diff_id = object_id("git_diff_id");
    r.os = line("os");
    r.cpu = line("cpu");
    r.cpus = count("cpus");
    r.memory_bytes = count("memory_bytes");
    r.started_at = count("started_at");
    r.ended_at = count("ended_at");
    constexpr std::int64_t kYear9999 = 253402300799999;  // ms
    if (r.started_at > kYear9999 || r.ended_at > kYear9999) bad("started_at", "is past the year 9999");
    if (r.ended_at != 0 && r.ended_at < r.started_at) bad("ended_at", "is before started_at");
    if (auto c = maybe_int("exit_code")) {
      if (*c < -1000 || *c > 1000) bad("exit_code", "is out of range");
      r.exit_code = static_cast<int>(*c);
    }
    if (auto p = maybe_int("peak_rss_kib")) {
      if (*p < 0) bad("peak_rss_kib", "is negative");
      r.peak_rss_kib = *p;
    }
    pairs("params", "param", r.params);
    pairs("tags", "tag", r.tags);
    const json& m = member("metrics", json::value_t::object);
    if (m.size() > kMaxEntries) bad("metrics", "has too many entries");
    for (const auto& [key, v] : m.items()) {
      check_key("metric", key);
      if (!v.is_object()) bad("metrics." + key, "is not an object");
      MetricSummary sum;
      sum.step = num_int(v, "step", "metrics." + key);
      sum.count = num_int(v, "count", "metrics." + key);
      if (sum.step < 0 || sum.count < 1) bad("metrics." + key, "has a negative step or no points");
      sum.last = num(v, "last", "metrics." + key);
      sum.min = num(v, "min", "metrics." + key);
      sum.max = num(v, "max", "metrics." + key);
      r.metrics.emplace(key, sum);
    }
    const json& a = member("artifacts", json::value_t::object);
    if (a.size() > kMaxEntries) bad("artifacts", "has too many entries");
    for (const auto& [path, v] : a.items()) {
      if (!is_safe_relative_path(path) || path.size() > kMaxText || has_control_chars(path))
        bad("artifacts", fmt::format("names an unsafe path '{}'", printable_path(path)));
      if (!v.is_object() || !v.contains("id") || !v["id"].is_string()) bad("artifacts." + path, "has no object id");
      ObjectId id;
      if (!ObjectId::try_parse(v["id"].get<std::string>(), id)) bad("artifacts." + path, "has a malformed object id");
      auto size = num_int(v, "size", "artifacts." + path);
      if (size < 0) bad("artifacts." + path, "has a negative size");
      if (v.contains("dir") && !v["dir"].is_boolean()) bad("artifacts." + path + ".dir", "is not true or false");
      r.artifacts.emplace(path, id.str());
      s.artifacts.emplace(path, SharedArtifact{static_cast<std::uint64_t>(size), v.value("dir", false)});
    }
    std::string points = object_id("points");
    if (!points.empty()) s.points = ObjectId::parse(points);
    s.points_size = static_cast<std::uint64_t>(count("points_size"));
    s.diff_size = static_cast<std::uint64_t>(count("git_diff_size"));
    if (!r.metrics.empty() && s.points.empty()) bad("points", "is missing for a run with metrics");
    return s;
  }

private:
  [[noreturn]] static void bad(const std::string& field, const std::string& why) {
    throw std::runtime_error(fmt::format("{} {}", field, why));
  }
  const json& member(const char* key, json::value_t type) {
    static const json empty_object = json::object();
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) {
      if (type == json::value_t::object) return empty_object;
      bad(key, "is missing");
    }
    if (it->type() != type && !(type == json::value_t::number_integer && it->is_number_unsigned()))
      bad(key, "has the wrong type");
    return *it;
  }
  std::string text(const char* key, bool newlines = false) {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return {};
    if (!it->is_string()) bad(key, "is not text");
    std::string v = it->get<std::string>();
    check_text(key, v, newlines);
    return v;
  }
  std::string line(const char* key) { return text(key, false); }
  static void check_text(const std::string& key, std::string_view v, bool newlines) {
    if (v.size() > kMaxText) bad(key, "is too long");
    if (!is_valid_utf8(v)) bad(key, "is not valid UTF-8");
    for (std::size_t i = 0; i < v.size(); ++i)
      if (std::size_t n = unsafe_char_at(v, i, newlines))
        bad(key, n == 3 ? "has a bidirectional override character" : "has a control character");
  }
  static void check_key(const char* what, const std::string& key) {
    if (key.empty()) bad(what, "has an empty name");
    check_text(std::string(what) + " name", key, false);
  }
  bool flag(const char* key) {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return false;
    if (!it->is_boolean()) bad(key, "is not true or false");
    return it->get<bool>();
  }
  std::optional<std::int64_t> maybe_int(const char* key) {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return std::nullopt;
    if (!it->is_number_integer()) bad(key, "is not a whole number");
    if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
      bad(key, "is out of range");
    return it->get<std::int64_t>();
  }
  std::int64_t count(const char* key) {
    auto v = maybe_int(key).value_or(0);
    if (v < 0) bad(key, "is negative");
    return v;
  }
  std::string object_id(const char* key) {
    std::string v = text(key);
    ObjectId id;
    if (!v.empty() && !ObjectId::try_parse(v, id)) bad(key, "is not an object id");
    return v;
  }
  static std::int64_t num_int(const json& o, const char* key, const std::string& where) {
    auto it = o.find(key);
    if (it == o.end() || !it->is_number_integer() ||
        (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)))
      bad(where + "." + key, "is not a whole number");
    return it->get<std::int64_t>();
  }
  static double num(const json& o, const char* key, const std::string& where) {
    auto it = o.find(key);
    std::optional<double> v;
    if (it != o.end()) v = number_from_json(*it);
    if (!v) bad(where + "." + key, "is not a number");
    return *v;
  }
  void pairs(const char* key, const char* what, FlatMap<std::string, std::string>& out) {
    const json& o = member(key, json::value_t::object);
    if (o.size() > kMaxEntries) bad(key, "has too many entries");
    for (const auto& [k, v] : o.items()) {
      check_key(what, k);
      if (!v.is_string()) bad(std::string(key) + "." + k, "is not text");
      std::string value = v.get<std::string>();
      check_text(std::string(key) + "." + k, value, false);
      out.emplace(k, std::move(value));
    }
  }

  const json& j_;
};

}  // namespace

bool is_run_id(std::string_view id) { return is_lower_hex(id, 32); }

std::string encode_run_page(const RunPage& runs_page) {
  json arr = json::array();
  for (const auto& s : runs_page.runs) {
    const Run& r = s.run;
    json metrics = json::object(), artifacts = json::object();
    for (const auto& [k, m] : r.metrics)
      metrics[k] = {{"step", m.step}, {"last", json_number(m.last)}, {"min", json_number(m.min)},
                    {"max", json_number(m.max)}, {"count", m.count}};
    for (const auto& [path, id] : r.artifacts) {
      auto a = s.artifacts.find(path);
      SharedArtifact info = a == s.artifacts.end() ? SharedArtifact{} : a->second;
      artifacts[path] = {{"id", id}, {"size", info.size}, {"dir", info.dir}};
    }
    arr.push_back({{"id", r.id},
                   {"name", r.name},
                   {"experiment", r.experiment},
                   {"status", r.status},
                   {"command", r.command},
                   {"git_commit", r.git_commit},
                   {"git_dirty", r.git_dirty},
                   {"user", r.user},
                   {"host", r.host},
                   {"parent_id", r.parent_id},
                   {"log_id", r.log_id},
                   {"git_diff_id", r.git_diff_id},
                   {"os", r.os},
                   {"cpu", r.cpu},
                   {"cpus", r.cpus},
                   {"memory_bytes", r.memory_bytes},
                   {"started_at", r.started_at},
                   {"ended_at", r.ended_at},
                   {"exit_code", r.exit_code ? json(*r.exit_code) : json()},
                   {"peak_rss_kib", opt_int(r.peak_rss_kib)},
                   {"params", r.params},
                   {"tags", r.tags},
                   {"metrics", metrics},
                   {"artifacts", artifacts},
                   {"points", s.points.empty() ? json() : json(s.points.str())},
                   {"points_size", s.points_size},
                   {"git_diff_size", s.diff_size}});
  }
  json page = {{"format", kPageFormat}, {"runs", arr}};
  if (!runs_page.removed.empty()) page["removed"] = runs_page.removed;
  return page.dump() + "\n";
}

RunPage decode_run_page(std::string_view bytes, const std::string& where) {
  if (bytes.size() > kMaxRunPageBytes) fail(ExitCode::Remote, "{}: more than {} bytes", where, kMaxRunPageBytes);
  json page;
  try {
    // Depth is bounded while parsing: a page is three levels deep, its runs four.
    page = json::parse(bytes, [](int depth, json::parse_event_t, json&) {
      if (depth > 6) throw std::runtime_error("nested too deeply");
      return true;
    });
  } catch (const std::exception& e) {
    std::string why = e.what();
    if (why.size() > 200) why = why.substr(0, 200) + "...";  // the parser quotes what it read
    fail(ExitCode::Remote, "{}: not a run page: {}", where, printable_path(why));
  }
  if (!page.is_object() || page.value("format", json()) != kPageFormat || !page.contains("runs") ||
      !page["runs"].is_array())
    fail(ExitCode::Remote, "{}: not a run page (format \"{}\" expected)", where, kPageFormat);
  if (page["runs"].size() > kRunsPerPage)
    fail(ExitCode::Remote, "{}: {} runs, more than a page holds ({})", where, page["runs"].size(), kRunsPerPage);
  RunPage result;
  if (auto rm = page.find("removed"); rm != page.end()) {
    if (!rm->is_array() || rm->size() > kRunsPerPage)
      fail(ExitCode::Remote, "{}: 'removed' is not a list of at most {} run ids", where, kRunsPerPage);
    for (const auto& id : *rm) {
      if (!id.is_string() || !is_run_id(id.get<std::string>()))
        fail(ExitCode::Remote, "{}: 'removed' holds something that is not a run id", where);
      result.removed.push_back(id.get<std::string>());
    }
  }
  auto& out = result.runs;
  std::size_t n = 0;
  for (const auto& j : page["runs"]) {
    ++n;
    try {
      out.push_back(RunReader(j).read());
    } catch (const std::exception& e) {
      std::string id = j.is_object() && j.contains("id") && j["id"].is_string() ? j["id"].get<std::string>() : "";
      fail(ExitCode::Remote, "{}: run {}{}: {}", where, n,
           is_run_id(id) ? " (" + id.substr(0, 8) + ")" : "", e.what());
    }
  }
  return result;
}

std::string encode_points(const std::vector<MetricPoint>& points) {
  std::string out(kPointsHeader);
  out.reserve(points.size() * 40 + out.size());
  for (const auto& p : points) fmt::format_to(std::back_inserter(out), "{}\t{}\t{}\t{}\n", p.key, p.step, p.value, p.ts);
  return out;
}

std::vector<MetricPoint> decode_points(std::string_view bytes, const std::string& where,
                                       const FlatMap<std::string, MetricSummary>* keys) {
  if (!bytes.starts_with(kPointsHeader)) fail(ExitCode::Remote, "{}: not a metric points file", where);
  if (bytes.size() > kMaxPointsBytes) fail(ExitCode::Remote, "{}: more than {} bytes", where, kMaxPointsBytes);
  std::vector<MetricPoint> out;
  std::size_t line_no = 1;
  for (std::size_t pos = kPointsHeader.size(); pos < bytes.size();) {
    ++line_no;
    auto eol = bytes.find('\n', pos);
    if (eol == std::string_view::npos) fail(ExitCode::Remote, "{}: line {} is cut short", where, line_no);
    std::string_view line = bytes.substr(pos, eol - pos);
    pos = eol + 1;
    auto bad = [&](const char* why) { fail(ExitCode::Remote, "{}: line {}: {}", where, line_no, why); };
    std::string_view f[4];
    std::size_t start = 0;
    for (int i = 0; i < 4; ++i) {
      auto tab = i < 3 ? line.find('\t', start) : line.size();
      if (tab == std::string_view::npos) bad("expected KEY, STEP, VALUE and TIME separated by tabs");
      f[i] = line.substr(start, tab - start);
      start = tab + 1;
    }
    if (f[3].find('\t') != std::string_view::npos) bad("has more than four fields");
    MetricPoint p;
    if (f[0].empty() || f[0].size() > kMaxText || !is_valid_utf8(f[0]) || has_control_chars(f[0]))
      bad("the metric name is empty, too long or not text");
    p.key = std::string(f[0]);
    if (keys && !keys->count(p.key)) bad("names a metric the run's record does not list");
    auto whole = [&](std::string_view s, std::int64_t& v) {
      auto [e, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec != std::errc() || e != s.data() + s.size() || v < 0) bad("a step or time is not a whole number");
    };
    whole(f[1], p.step);
    whole(f[3], p.ts);
    auto [e, ec] = std::from_chars(f[2].data(), f[2].data() + f[2].size(), p.value);
    if (ec != std::errc() || e != f[2].data() + f[2].size()) bad("the value is not a number");
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace mlops

#include "ui/ui_site.hpp"

#include <charconv>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/json_number.hpp"
#include "core/text.hpp"
#include "exp/artifact_get.hpp"
#include "exp/run_format.hpp"
#include "exp/run_query.hpp"
#include "repo/repo.hpp"
#include "store/object_store.hpp"
#include "ui/downsample.hpp"
#include "ui/model_views.hpp"
#include "ui/pipeline_views.hpp"
#include "ui/run_views.hpp"

namespace mlops {

namespace {

UiResponse page(int status, const std::string& title, const std::string& body) {
  UiResponse r;
  r.status = status;
  r.body = html_page(title, body, UiLinks{});
  return r;
}

UiResponse error_page(int status, const std::string& message, const std::string& hint = {}) {
  return page(status, "error", fmt::format("<h1>{}</h1>\n<p class=\"error\">{}</p>\n{}", status, html_escape(message),
                                           hint.empty() ? "" : "<p>" + html_escape(hint) + "</p>\n"));
}

UiResponse json_answer(const nlohmann::json& j) {
  return {200, "application/json; charset=utf-8", json_dump(j, -1) + "\n", {}};
}

// A whole number from the query; Error(Usage) naming the parameter.
std::size_t query_count(const UiRequest& req, const char* key, std::size_t dflt, std::size_t max) {
  std::string v = req.query_value(key);
  if (v.empty()) return dflt;
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size())
    fail(ExitCode::Usage, "{}: '{}' is not a whole number", key, v);
  return std::min(n, max);
}

bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string cookie_value(const std::string& cookies, const std::string& name) {
  for (std::size_t i = 0; i < cookies.size();) {
    std::size_t end = cookies.find(';', i);
    if (end == std::string::npos) end = cookies.size();
    std::string part = cookies.substr(i, end - i);
    std::size_t start = part.find_first_not_of(' ');
    if (start != std::string::npos && part.compare(start, name.size() + 1, name + "=") == 0)
      return part.substr(start + name.size() + 1);
    i = end + 1;
  }
  return {};
}

RunsQuery runs_query(const UiRequest& req) {
  RunsQuery q;
  q.filter = req.query_value("filter");
  q.sort = req.query_value("sort");
  q.columns = req.query_value("columns");
  q.desc = !req.query_value("desc").empty() && req.query_value("desc") != "0";
  q.page = std::max<std::size_t>(1, query_count(req, "page", 1, 1u << 30));
  q.per = std::max<std::size_t>(1, query_count(req, "per", 100, UiSite::kMaxPerPage));
  return q;
}

}  // namespace

UiResponse UiSite::handle(const UiRequest& req) const {
  UiResponse res;
  try {
    if (!token_.empty()) {
      std::string given = req.query_value("token");
      bool by_query = !given.empty();
      if (!by_query) given = cookie_value(req.cookie, "mlops_token");
      if (!same_secret(given, token_)) {
        res = error_page(403, "this mlops ui needs its token", "open the address with ?token=… that mlops ui printed");
      } else {
        res = route(req);
        if (by_query)
          res.headers.emplace_back("Set-Cookie", "mlops_token=" + token_ + "; Path=/; HttpOnly; SameSite=Strict");
      }
    } else {
      res = route(req);
    }
  } catch (const Error& e) {
    int status = e.code() == ExitCode::Usage ? 400 : e.code() == ExitCode::Input || e.code() == ExitCode::Missing ? 404 : 500;
    res = error_page(status, e.what(), e.hint());
  } catch (const std::exception& e) {
    res = error_page(500, e.what());
  }
  for (auto& hdr : ui_security_headers()) res.headers.push_back(std::move(hdr));
  return res;
}

UiResponse UiSite::route(const UiRequest& req) const {
  const std::string& path = req.path;
  UiLinks links;
  if (path == "/" || path == "/index.html") return {302, "text/plain", "", {{"Location", "/runs"}}};
  Repo repo(root_);
  RunStore runs(repo.db());
  if (path == "/runs") {
    RunsQuery q = runs_query(req);
    return page(200, "runs", "<h1>Runs</h1>\n" + runs_view(runs, q, links));
  }
  if (path == "/compare") {
    std::vector<Run> picked;
    for (auto [it, end] = req.query.equal_range("run"); it != end; ++it) {
      if (picked.size() == 100) fail(ExitCode::Usage, "compare at most 100 runs");
      picked.push_back(runs.get(it->second));
    }
    if (picked.empty()) fail(ExitCode::Usage, "name the runs to compare: /compare?run=ID&run=ID (tick them on the runs page)");
    return page(200, "compare", compare_view(runs, picked, links));
  }
  if (path == "/models") return page(200, "models", models_view(repo, links));
  if (path == "/pipeline") return page(200, "pipeline", pipeline_view(repo, req.query_value("rev")));
  if (path == "/data") {
    std::string to = req.query_value("to");
    return page(200, "data", data_view(repo, req.query_value("from"), to.empty() ? std::nullopt : std::optional(to), links));
  }
  if (path.starts_with("/run/")) {
    std::string rest = path.substr(5);
    std::string ref = rest.substr(0, rest.find('/'));
    std::string tail = ref.size() < rest.size() ? rest.substr(ref.size()) : "";
    Run r = runs.get(ref);
    if (tail.empty()) return page(200, r.name, run_view(repo, r, links, req.query_value("x") == "time"));
    if (!tail.starts_with("/artifact/")) fail(ExitCode::Input, "no page {}", path);
    // Only the files of this run's artifacts, by their recorded paths.
    std::string want = tail.substr(10);
    std::size_t more = 0;
    for (const auto& f : run_artifact_files(repo, r, static_cast<std::size_t>(-1), more)) {
      if (f.path != want) continue;
      if (!f.in_store)
        throw Error(ExitCode::Missing, fmt::format("{}: not in the store", want), "mlops exp pull brings a run's artifacts");
      if (f.size > kMaxArtifactBytes)
        return error_page(413, fmt::format("{} is {} bytes: too large to serve", want, f.size),
                          fmt::format("copy it out with: mlops exp get {} {}", r.short_id(), want));
      std::string base = want.substr(want.rfind('/') + 1);
      return {200, "application/octet-stream", repo.store().read_verified(ObjectId::parse(f.id), kMaxArtifactBytes),
              {{"Content-Disposition", "attachment; filename*=UTF-8''" + uri_encode(base, true)}}};
    }
    fail(ExitCode::Input, "run {} has no artifact file '{}'", r.name, printable_path(want));
  }
  if (path == "/api/runs") {
    RunsQuery q = runs_query(req);
    auto list = select_runs(runs, {}, q.filter);
    if (!q.sort.empty()) {
      auto f = RunField::parse(q.sort);
      if (!f) fail(ExitCode::Usage, "sort: unknown field '{}' (use {})", q.sort, run_field_help());
      sort_runs(list, *f, q.desc);
    }
    std::size_t limit = query_count(req, "limit", list.size(), list.size());
    nlohmann::json arr = nlohmann::json::array();
    for (std::size_t i = 0; i < limit; ++i) arr.push_back(run_json(list[i]));
    return json_answer(arr);
  }
  if (path.starts_with("/api/run/")) {
    std::string rest = path.substr(9);
    std::string ref = rest.substr(0, rest.find('/'));
    Run r = runs.get(ref);
    if (ref.size() == rest.size()) return json_answer(run_json(r));
    std::string tail = rest.substr(ref.size());
    if (!tail.starts_with("/metric/")) fail(ExitCode::Input, "no API {}", path);
    std::string key = tail.substr(8);
    if (!r.metrics.count(key)) fail(ExitCode::Input, "run {} has no metric '{}'", r.name, key);
    std::size_t points = query_count(req, "points", kChartPoints, 100000);
    std::vector<double> x, y;
    std::vector<std::int64_t> ts;
    auto history = runs.history(r.id, key);
    for (const auto& p : history) x.push_back(static_cast<double>(p.step)), y.push_back(p.value);
    auto keep = lttb_indices(x, y, points);
    nlohmann::json arr = nlohmann::json::array();
    for (auto i : keep) arr.push_back({{"step", history[i].step}, {"value", json_number(history[i].value)}, {"ts", history[i].ts}});
    return json_answer({{"run", r.id}, {"metric", key}, {"points", history.size()}, {"shown", arr}});
  }
  fail(ExitCode::Input, "no page {}", path);
}

}  // namespace mlops

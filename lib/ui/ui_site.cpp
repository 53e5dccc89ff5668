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

UiResponse page(int status, const std::string& title, const std::string& body, int refresh = 0) {
  UiResponse r;
  r.status = status;
  r.body = html_page(title, body, UiLinks{}, refresh);
  return r;
}

// The error as a page, or for the API as {"error", "hint"}; `before`: HTML
// put above it (the form whose input was wrong).
UiResponse error_page(int status, const std::string& message, const std::string& hint = {}, bool api = false,
                      const std::string& before = {}) {
  if (api) return {status, "application/json; charset=utf-8", json_dump({{"error", message}, {"hint", hint}}, -1) + "\n", {}};
  return page(status, "error",
              fmt::format("{}<h1>{}</h1>\n<pre class=\"error\">{}</pre>\n{}", before, status, html_escape(message),
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
  for (const char* k : {"filter", "columns", "sort"})
    if (req.query_value(k).size() > UiSite::kMaxQueryText)
      fail(ExitCode::Usage, "{}: longer than {} bytes", k, UiSite::kMaxQueryText);
  RunsQuery q;
  q.filter = req.query_value("filter");
  q.sort = req.query_value("sort");
  q.columns = req.query_value("columns");
  q.desc = !req.query_value("desc").empty() && req.query_value("desc") != "0";
  q.page = std::max<std::size_t>(1, query_count(req, "page", 1, 1u << 30));
  q.per = std::max<std::size_t>(1, query_count(req, "per", 100, UiSite::kMaxPerPage));
  return q;
}

// The query's text fields only (numbers that failed to parse left out).
RunsQuery runs_query_lenient(const UiRequest& req) {
  RunsQuery q;
  q.filter = req.query_value("filter");
  q.sort = req.query_value("sort");
  q.columns = req.query_value("columns");
  q.desc = !req.query_value("desc").empty() && req.query_value("desc") != "0";
  return q;
}

}  // namespace

bool UiSite::host_allowed(const std::string& host) const {
  if (!loopback_only_ || host.empty()) return true;  // HTTP/1.0 clients send none; browsers always do
  std::string port = ":" + std::to_string(port_.load());
  for (const char* name : {"127.0.0.1", "localhost", "[::1]"})
    if (host == name || host == std::string(name) + port) return true;
  return false;
}

UiResponse UiSite::handle(const UiRequest& req) const {
  UiResponse res;
  std::string cookie = "mlops_token_" + std::to_string(port_.load());  // one per server: several may run
  try {
    if (!host_allowed(req.host)) {
      res = error_page(421, "mlops ui answers only requests for 127.0.0.1, localhost or [::1]",
                       "open http://127.0.0.1:" + std::to_string(port_.load()) + "/ (another Host header is how a web "
                       "page would reach this server through DNS rebinding)",
                       req.path.starts_with("/api/"));
    } else if (!token_.empty()) {
      std::string given = req.query_value("token");
      bool by_query = !given.empty();
      if (!by_query) given = cookie_value(req.cookie, cookie);
      if (!same_secret(given, token_)) {
        res = error_page(403, "this mlops ui needs its token", "open the address with ?token=… that mlops ui printed",
                         req.path.starts_with("/api/"));
      } else {
        res = route(req);
        if (by_query)
          res.headers.emplace_back("Set-Cookie", cookie + "=" + token_ + "; Path=/; HttpOnly; SameSite=Strict");
      }
    } else {
      res = route(req);
    }
  } catch (const Error& e) {
    int status = e.code() == ExitCode::Usage ? 400 : e.code() == ExitCode::Input || e.code() == ExitCode::Missing ? 404 : 500;
    bool api = req.path.starts_with("/api/");
    // A bad filter, sort or columns: the form again, to correct it.
    std::string form = req.path == "/runs" && status == 400 ? "<h1>Runs</h1>\n" + runs_filter_form(runs_query_lenient(req)) : "";
    res = error_page(status, e.what(), e.hint(), api, form);
  } catch (const std::exception& e) {
    res = error_page(500, e.what(), {}, req.path.starts_with("/api/"));
  }
  for (auto& hdr : ui_security_headers()) res.headers.push_back(std::move(hdr));
  return res;
}

UiResponse UiSite::route(const UiRequest& req) const {
  std::string path = req.path;
  while (path.size() > 1 && path.back() == '/') path.pop_back();  // /run/ID/ is /run/ID
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
    if (tail.empty())  // a run still running reloads itself every 5 seconds
      return page(200, r.name, run_view(repo, r, links, req.query_value("x") == "time"), r.status == "running" ? 5 : 0);
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
    // The runs table (what /runs shows, every row): {"total", "columns",
    // "rows": [[id, cell...]]}, metric cells as numbers. ?full=1: every run's
    // whole record instead, as exp list --json prints it (slower: ~1 KB a run).
    RunsQuery q = runs_query(req);
    bool full = !req.query_value("full").empty() && req.query_value("full") != "0";
    auto list = select_sorted_runs(runs, q.filter, q.sort, q.desc,
                                   full ? RunStore::Details::All : details_for(q.filter, q.columns, q.sort), "sort");
    std::size_t offset = std::min(query_count(req, "offset", 0, list.size()), list.size());
    std::size_t limit = std::min({query_count(req, "limit", kMaxApiRows, kMaxApiRows), list.size() - offset});
    nlohmann::json rows = nlohmann::json::array();
    if (full) {
      for (std::size_t i = offset; i < offset + limit; ++i) rows.push_back(run_json(list[i]));
      return json_answer(rows);
    }
    // Written as text: a tree of 10,000 rows' cells cost most of the answer's time.
    auto cols = run_columns(list, q.columns);
    std::string out = fmt::format("{{\"total\":{},\"columns\":[\"id\"", list.size());
    for (const auto& c : cols) out += ',', append_json_string(out, c.name);
    out += "],\"rows\":[";
    for (std::size_t i = offset; i < offset + limit; ++i) {
      out += i == offset ? "[" : ",[";
      append_json_string(out, list[i].id);
      for (const auto& c : cols) {
        out += ',';
        if (!c.is_metric()) {
          append_json_string(out, run_cell(list[i], c, true));
        } else if (auto v = c.number(list[i])) {
          append_json_number(out, *v);
        } else {
          out += "null";
        }
      }
      out += ']';
    }
    out += "]}\n";
    return {200, "application/json; charset=utf-8", std::move(out), {}};
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
    std::size_t points = std::max<std::size_t>(3, query_count(req, "points", kChartPoints, 100000));
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

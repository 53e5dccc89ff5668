#include "ui/run_views.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/fs.hpp"
#include "core/text.hpp"
#include "exp/artifact_get.hpp"
#include "exp/plot.hpp"
#include "exp/run_format.hpp"
#include "exp/run_query.hpp"
#include "repo/repo.hpp"
#include "store/object_store.hpp"
#include "ui/downsample.hpp"

namespace mlops {

namespace {

using K = RunField::Kind;

std::string h(const std::string& s) { return html_escape(s); }

std::string status_html(const std::string& status) {
  return fmt::format("<span class=\"status-{}\">{}</span>", h(status), h(status));
}

// A link to the runs page with the query changed.
std::string runs_href(const RunsQuery& q, const std::string& sort, bool desc, std::size_t page) {
  std::string out = "/runs?";
  auto add = [&](const char* k, const std::string& v) {
    if (!v.empty()) out += fmt::format("{}{}={}", out.back() == '?' ? "" : "&", k, uri_encode(v, true));
  };
  add("filter", q.filter);
  add("columns", q.columns);
  add("sort", sort);
  if (desc) add("desc", "1");
  if (page > 1) add("page", std::to_string(page));
  if (q.per != 100) add("per", std::to_string(q.per));
  return out;
}

// The tail of a stored text (a run's log, its patch): at most `max` bytes,
// read only when the object is at most 8 MiB (it is read whole to be
// verified); `note` says why nothing or only the end is shown.
std::string stored_text(Repo& repo, const std::string& id_text, std::size_t max, std::string& note) {
  note.clear();
  ObjectId id;
  if (id_text.empty() || !ObjectId::try_parse(id_text, id) || !repo.store().has(id)) return {};
  auto st = lstat_path(repo.store().path_of(id));
  if (!st) return {};
  if (st->size > (8u << 20)) {
    note = fmt::format(" ({} bytes: too large to show here)", st->size);
    return {};
  }
  std::string text = repo.store().read_verified(id, 8u << 20);
  if (text.size() > max) text = text.substr(text.size() - max), note = " (the last 256 KiB)";
  return text;
}

std::string kv_table(const std::vector<std::pair<std::string, std::string>>& kv, const char* k, const char* v) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& [key, value] : kv) rows.push_back({h(key), h(value)});
  return html_table({k, v}, rows);
}

}  // namespace

std::string runs_filter_form(const RunsQuery& q) {
  return fmt::format(
      "<form class=\"filter\" method=\"get\" action=\"/runs\">"
      "<label>filter <input type=\"text\" name=\"filter\" value=\"{}\" placeholder=\"metrics.acc &gt; 0.9 and "
      "params.lr = 0.01\"></label> <label>columns <input type=\"text\" name=\"columns\" value=\"{}\" "
      "placeholder=\"name,params.*,metrics.*\"></label><input type=\"hidden\" name=\"sort\" value=\"{}\">{}"
      " <button>Show</button></form>\n",
      h(q.filter), h(q.columns), h(q.sort), q.desc ? "<input type=\"hidden\" name=\"desc\" value=\"1\">" : "");
}

std::string runs_view(RunStore& store, const RunsQuery& q, const UiLinks& links) {
  auto runs = select_sorted_runs(store, q.filter, q.sort, q.desc, details_for(q.filter, q.columns, q.sort), "sort");
  auto cols = run_columns(runs, q.columns);
  std::size_t total = runs.size();
  std::size_t per = q.per ? q.per : std::max<std::size_t>(total, 1);
  std::size_t pages = std::max<std::size_t>(1, (total + per - 1) / per);
  std::size_t page = std::clamp<std::size_t>(q.page, 1, pages);
  std::size_t first = (page - 1) * per, last = std::min(total, first + per);

  auto best = best_values(runs, cols);

  std::string out = links.served ? runs_filter_form(q) : std::string();
  if (total == 0)
    return out + (q.filter.empty() ? "<p>No runs yet (start one with <code>mlops exp run -- COMMAND</code>).</p>\n"
                                   : "<p>No runs match the filter.</p>\n");
  std::string pager;
  if (links.served && pages > 1) {
    pager = "<nav class=\"pages\">";
    if (page > 1) pager += html_link(runs_href(q, q.sort, q.desc, 1), "« first") + html_link(runs_href(q, q.sort, q.desc, page - 1), "‹ previous");
    pager += fmt::format("<span>runs {}–{} of {} (page {} of {})</span>", first + 1, last, total, page, pages);
    if (page < pages) pager += html_link(runs_href(q, q.sort, q.desc, page + 1), "next ›") + html_link(runs_href(q, q.sort, q.desc, pages), "last »");
    pager += "</nav>\n";
  } else {
    pager = fmt::format("<p class=\"muted\">{} run{}</p>\n", total, total == 1 ? "" : "s");
  }
  out += pager;
  std::vector<std::string> header, classes;
  if (links.served) header.push_back(""), classes.push_back("");
  for (const auto& c : cols) {
    bool sorted = c.name == q.sort;
    std::string label = h(c.name) + (sorted ? (q.desc ? " ▼" : " ▲") : "");
    header.push_back(links.served ? fmt::format("<a href=\"{}\">{}</a>", h(runs_href(q, c.name, sorted && !q.desc, 1)), label)
                                  : label);
    classes.push_back(c.is_metric() || c.kind == K::Duration ? "num" : "");
  }
  std::vector<std::vector<std::string>> rows;
  rows.reserve(last - first);
  for (std::size_t i = first; i < last; ++i) {
    const Run& r = runs[i];
    std::vector<std::string> row;
    if (links.served) row.push_back(fmt::format("<input type=\"checkbox\" name=\"run\" value=\"{}\">", h(r.id)));
    for (std::size_t c = 0; c < cols.size(); ++c) {
      std::string text = h(run_cell(r, cols[c], false));
      if ((cols[c].kind == K::Name || cols[c].kind == K::Id) && links.links_run(r.id))
        text = fmt::format("<a href=\"{}\">{}</a>", h(links.run(r.id)), text);
      else if (cols[c].kind == K::Status)
        text = status_html(r.status);
      else if (cols[c].is_metric() && best[c] && cols[c].number(r) == best[c])
        text = "<span class=\"best\">" + text + " ★</span>";
      row.push_back(std::move(text));
    }
    rows.push_back(std::move(row));
  }
  if (links.served) out += "<form method=\"get\" action=\"/compare\"><p><button>Compare the runs ticked</button></p>\n";
  out += html_table(header, rows, classes);
  if (links.served) out += "</form>\n" + pager;
  out += "<p class=\"muted\">★ best in its column (lowest for losses and errors, else highest)</p>\n";
  return out;
}

std::string metric_chart(RunStore& store, const std::vector<const Run*>& runs, const std::string& key, bool by_time) {
  std::vector<PlotSeries> series;
  bool any = false;
  for (const Run* r : runs) {
    PlotSeries s{r->name, {}, {}};
    for (const auto& p : store.history(r->id, key)) {
      s.x.push_back(by_time ? static_cast<double>(p.ts - r->started_at) / 1000.0 : static_cast<double>(p.step));
      s.y.push_back(p.value);
    }
    downsample(s.x, s.y, kChartPoints);
    if (s.x.empty()) continue;  // not in the legend either
    any = true;
    series.push_back(std::move(s));
  }
  if (!any) return {};
  PlotOptions opt;
  opt.title = key;
  opt.x_label = by_time ? "seconds since the run started" : "step";
  return "<figure>" + plot_svg(series, opt) + "</figure>\n";
}

std::string run_view(Repo& repo, const Run& r, const UiLinks& links, bool by_time) {
  RunStore store(repo.db());
  std::string out = fmt::format("<h1 id=\"run-{}\">{} <span class=\"muted\">{}</span></h1>\n", h(r.id), h(r.name),
                                h(r.short_id()));
  std::string facts;
  auto fact = [&](const char* k, const std::string& v_html) { facts += fmt::format("<dt>{}</dt><dd>{}</dd>", k, v_html); };
  fact("id", h(r.id));
  fact("experiment", h(r.experiment));
  fact("status", status_html(r.status) + (r.exit_code ? h(fmt::format(" (exit code {})", *r.exit_code)) : ""));
  fact("command", "<code>" + h(r.command) + "</code>");
  if (!r.parent_id.empty()) fact("sweep", fmt::format("<a href=\"{}\">{}</a>", h(links.run(r.parent_id)), h(r.parent_id.substr(0, 8))));
  fact("started", h(started(r)));
  fact("duration", h(duration(r)));
  fact("git", h(r.git_commit.empty() ? "(no commit)" : r.git_commit) + (r.git_dirty ? " + uncommitted changes" : ""));
  fact("user", h(r.user + (r.host.empty() ? "" : "@" + r.host)));
  if (!r.os.empty())
    fact("machine", h(fmt::format("{}; {} × {}; {} bytes of memory", r.os, r.cpus, r.cpu, r.memory_bytes)));
  if (r.peak_rss_kib) fact("peak RSS", h(fmt::format("{} KiB", *r.peak_rss_kib)));
  out += "<dl>" + facts + "</dl>\n";

  if (!r.params.empty()) out += "<h2>Params</h2>\n" + kv_table({r.params.begin(), r.params.end()}, "param", "value");
  if (links.served) {  // a sweep's runs, as exp show lists them
    std::vector<std::vector<std::string>> rows;
    std::size_t children = 0;
    for (const auto& c : store.children(r.id)) {
      if (++children > 1000) continue;
      std::string ps;
      for (const auto& [k, v] : c.params) ps += (ps.empty() ? "" : ", ") + k + "=" + v;
      rows.push_back({fmt::format("<a href=\"{}\">{}</a>", h(links.run(c.id)), h(c.name)), status_html(c.status), h(ps)});
    }
    if (children)
      out += fmt::format("<h2>Runs of the sweep ({})</h2>\n<p><a href=\"{}\">as a table</a></p>\n", children,
                         h("/runs?filter=" + uri_encode("parent = " + r.id, true))) +
             html_table({"run", "status", "params"}, rows);
  }
  if (!r.metrics.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& [k, m] : r.metrics) {
      auto best = RunField::parse("best." + k);
      rows.push_back({h(k), h(number(m.last)), std::to_string(m.step), h(best ? number(*best->number(r)) : ""),
                      h(number(m.min)), h(number(m.max)), std::to_string(m.count)});
    }
    out += "<h2>Metrics</h2>\n" +
           html_table({"metric", "last", "step", "best", "min", "max", "points"}, rows,
                      {"", "num", "num", "num", "num", "num", "num"});
    if (links.served)
      out += fmt::format("<p>Charts over {} · <a href=\"{}{}\">over {}</a></p>\n", by_time ? "time" : "steps",
                         h(links.run(r.id)), by_time ? "" : "?x=time", by_time ? "steps" : "time");
    out += "<div class=\"charts\">\n";
    for (const auto& [k, m] : r.metrics) out += metric_chart(store, {&r}, k, by_time);
    out += "</div>\n";
  }
  std::vector<std::pair<std::string, std::string>> data, tags;
  for (const auto& [k, v] : r.tags) (k.starts_with("data.") ? data : tags).emplace_back(k, v);
  for (auto& d : data) d.first = d.first.substr(5);
  if (!tags.empty()) out += "<h2>Tags</h2>\n" + kv_table(tags, "tag", "value");
  if (!data.empty()) out += "<h2>Data</h2>\n" + kv_table(data, "path", "version");
  if (!r.artifacts.empty()) {
    std::size_t more = 0;
    auto files = run_artifact_files(repo, r, 1000, more);
    std::vector<std::vector<std::string>> rows;
    for (const auto& f : files) {
      std::string name = links.served && f.in_store && f.path.back() != '/'
                             ? fmt::format("<a href=\"{}\">{}</a>", h(links.artifact(r.id, f.path)), h(f.path))
                             : h(f.path);
      rows.push_back({name, std::to_string(f.size), f.in_store ? "" : "not in the store (mlops exp pull)"});
    }
    out += "<h2>Artifacts</h2>\n" + html_table({"path", "bytes", ""}, rows, {"", "num", "muted"});
    if (more) out += fmt::format("<p class=\"muted\">and {} more files (mlops exp get {})</p>\n", more, h(r.short_id()));
  }
  std::string note;
  if (std::string log = stored_text(repo, r.log_id, 256 * 1024, note); !log.empty() || !note.empty())
    out += fmt::format("<h2>Log{}</h2>\n<pre>{}</pre>\n", h(note), h(log));
  if (std::string diff = stored_text(repo, r.git_diff_id, 256 * 1024, note); !diff.empty() || !note.empty())
    out += fmt::format("<h2>Uncommitted changes{}</h2>\n<pre>{}</pre>\n", h(note), h(diff));
  return out;
}

std::string compare_view(RunStore& store, const std::vector<Run>& runs, const UiLinks& links) {
  auto rows = compare_runs(runs);
  std::vector<std::string> header = {"key"};
  for (const auto& r : runs) header.push_back(fmt::format("<a href=\"{}\">{}</a>", h(links.run(r.id)), h(r.name)));
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> status = {"status"};
  for (const auto& r : runs) status.push_back(status_html(r.status));
  cells.push_back(status);
  for (const auto& row : rows) {
    bool differs = row.differs();
    std::vector<std::string> line = {differs ? "<span class=\"differs\">≠ " + h(row.key) + "</span>" : h(row.key)};
    for (std::size_t i = 0; i < runs.size(); ++i) {
      auto v = row.metric ? (row.number[i] ? std::optional<std::string>(number(*row.number[i])) : std::nullopt) : row.text[i];
      std::string text = v ? h(*v) : "<span class=\"muted\">–</span>";
      if (row.best.count(i)) text = "<span class=\"best\">" + text + " ★</span>";
      if (differs) text = "<span class=\"differs\">" + text + "</span>";
      line.push_back(text);
    }
    cells.push_back(std::move(line));
  }
  std::string out = "<h1>Compare runs</h1>\n" + html_table(header, cells) +
                    "<p class=\"muted\">≠ differs between the runs; ★ best (lowest for losses and errors, else "
                    "highest)</p>\n";
  std::vector<const Run*> ptrs;
  for (const auto& r : runs) ptrs.push_back(&r);
  std::string charts;
  for (const auto& row : rows)
    if (row.metric) charts += metric_chart(store, ptrs, row.key.substr(8), false);
  if (!charts.empty()) out += "<h2>Metrics over steps</h2>\n<div class=\"charts\">\n" + charts + "</div>\n";
  return out;
}

}  // namespace mlops

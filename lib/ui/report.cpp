#include "ui/report.hpp"

#include <chrono>
#include <set>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "exp/run_format.hpp"
#include "exp/run_query.hpp"
#include "pipeline/pipeline_file.hpp"
#include "pipeline/runner.hpp"
#include "pipeline/values_diff.hpp"
#include "registry/registry.hpp"
#include "repo/repo.hpp"
#include "ui/model_views.hpp"
#include "ui/pipeline_views.hpp"
#include "ui/run_views.hpp"

namespace mlops {

namespace {

std::string now_text() {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch());
  return local_time(ms.count());
}

// The runs the filter keeps, in the report's order (newest first unless sorted).
std::vector<Run> report_runs(RunStore& store, const ReportOptions& opt, RunStore::Details details) {
  return select_sorted_runs(store, opt.filter, opt.sort, opt.desc, details, "--sort");
}

}  // namespace

std::string report_html(Repo& repo, const ReportOptions& opt) {
  UiLinks links;
  links.served = false;
  RunStore store(repo.db());
  RunsQuery q;
  q.filter = opt.filter;
  q.columns = opt.columns;
  q.per = 0;
  q.sort = opt.sort;
  q.desc = opt.desc;
  std::string body = fmt::format("<h1>mlops report</h1>\n<p class=\"muted\">{} · made {}{}</p>\n",
                                 html_escape(repo.root().filename().string()), html_escape(now_text()),
                                 opt.filter.empty() ? "" : " · runs matching " + html_escape(opt.filter));
  auto detailed = report_runs(store, opt, RunStore::Details::All);
  if (detailed.size() > opt.detailed_runs) detailed.resize(opt.detailed_runs);
  std::set<std::string> sections;
  for (const auto& r : detailed) sections.insert(r.id);
  links.sections = &sections;  // only those runs' rows link to a section
  std::string contents = "<p>";
  contents += "<a href=\"#runs\">Runs</a>";
  if (!detailed.empty()) contents += " · <a href=\"#charts\">Charts</a>";
  if (opt.models) contents += " · <a href=\"#models\">Models</a>";
  if (opt.pipeline) contents += " · <a href=\"#pipeline\">Pipeline</a>";
  body += contents + "</p>\n<h2 id=\"runs\">Runs</h2>\n" + runs_view(store, q, links);
  if (!detailed.empty()) {
    std::vector<const Run*> ptrs;
    std::set<std::string> keys;
    for (const auto& r : detailed) {
      ptrs.push_back(&r);
      for (const auto& [k, m] : r.metrics) keys.insert(k);
    }
    std::string charts;
    for (const auto& k : keys) charts += metric_chart(store, ptrs, k, false);
    if (!charts.empty())
      body += fmt::format("<h2 id=\"charts\">Metrics of the first {} runs</h2>\n<div class=\"charts\">\n{}</div>\n", detailed.size(), charts);
  }
  if (opt.models) body += models_view(repo, links);
  if (opt.pipeline) body += pipeline_view(repo, opt.rev);
  for (const auto& r : detailed) body += "<section>\n" + run_view(repo, r, links, false) + "</section>\n";
  return html_page("report", body, links);
}

std::string report_markdown(Repo& repo, const ReportOptions& opt) {
  RunStore store(repo.db());
  auto runs = report_runs(store, opt, RunStore::Details::ParamsAndMetrics);
  auto cols = run_columns(runs, opt.columns.empty() ? "name,id,status,params.*,metrics.*" : opt.columns);
  std::string out = fmt::format("## Runs{}\n\n", opt.filter.empty() ? "" : " matching " + markdown_cell(opt.filter));
  if (runs.empty()) {
    out += "No runs.\n";
  } else {
    auto best = best_values(runs, cols);
    std::vector<std::vector<std::string>> rows(1);
    for (const auto& c : cols) rows[0].push_back(c.name);
    for (const auto& r : runs) {
      if (rows.size() > opt.md_rows) break;
      rows.emplace_back();
      for (std::size_t c = 0; c < cols.size(); ++c) {
        std::string text = run_cell(r, cols[c], false);
        if (best[c] && cols[c].number(r) == best[c]) text += " ★";
        rows.back().push_back(std::move(text));
      }
    }
    out += markdown_table(rows);
    if (runs.size() > opt.md_rows)
      out += fmt::format("\n…and {} more runs (`mlops report` writes them all as HTML).\n", runs.size() - opt.md_rows);
    out += "\n★ best in its column (lowest for losses and errors, else highest)\n";
  }
  if (opt.models) {
    Registry reg(repo);
    std::vector<std::vector<std::string>> rows = {{"model", "version", "stages", "aliases", "run", "registered"}};
    for (const auto& m : reg.store().models()) {
      auto stages = reg.store().stages(m);
      auto aliases = reg.store().aliases(m);
      for (const auto& v : reg.store().versions(m)) {
        auto names = version_names(stages, aliases, v.version);
        rows.push_back({m, v.version, names.stages_text(), names.aliases_text(),
                        v.run_id.substr(0, 8), local_time(v.created_at)});
      }
    }
    out += "\n## Models\n\n" + (rows.size() > 1 ? markdown_table(rows) : std::string("No models.\n"));
  }
  if (opt.pipeline) {
    out += "\n## Pipeline\n\n";
    if (!has_pipeline(repo)) {
      out += "No pipeline (no mlops.yaml).\n";
    } else {
      std::vector<std::vector<std::string>> rows = {{"stage", "state", "why"}};
      for (const auto& s : pipeline_status(repo, PipelineOptions{}))
        rows.push_back({s.name, s.outcome == StageOutcome::Frozen ? "frozen" : s.reasons.empty() ? "up to date" : "stale",
                        fmt::format("{}", fmt::join(s.reasons, "; "))});
      out += markdown_table(rows);
      Pipeline p = load_pipeline(repo);
      std::string rev = opt.rev.empty() ? "HEAD" : opt.rev;
      auto mf = metrics_files(p);
      auto changes = diff_values(values_at(repo, mf, rev), values_at(repo, mf, ""), true);
      if (!changes.empty()) {
        std::vector<std::vector<std::string>> m = {{"file", "key", rev, "workspace"}};
        for (const auto& c : changes) m.push_back({c.file, c.key, c.old_value.value_or("-"), c.new_value.value_or("-")});
        out += fmt::format("\n### Metrics against {}\n\n", markdown_cell(rev)) + markdown_table(m);
      }
    }
  }
  return out;
}

}  // namespace mlops

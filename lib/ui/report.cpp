#include "ui/report.hpp"

#include <chrono>
#include <set>

#include <fmt/format.h>

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

// The newest `n` runs the filter keeps (select_runs lists newest first).
std::vector<Run> newest_runs(RunStore& store, const ReportOptions& opt) {
  auto runs = select_runs(store, {}, opt.filter);
  if (runs.size() > opt.detailed_runs) runs.resize(opt.detailed_runs);
  return runs;
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
  std::string body = fmt::format("<h1>mlops report</h1>\n<p class=\"muted\">{} · made {}{}</p>\n",
                                 html_escape(repo.root().filename().string()), html_escape(now_text()),
                                 opt.filter.empty() ? "" : " · runs matching " + html_escape(opt.filter));
  body += "<h2 id=\"runs\">Runs</h2>\n" + runs_view(store, q, links);
  auto detailed = newest_runs(store, opt);
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
      body += fmt::format("<h2>Metrics of the newest {} runs</h2>\n<div class=\"charts\">\n{}</div>\n", detailed.size(), charts);
    for (const auto& r : detailed) body += "<section>\n" + run_view(repo, r, links, false) + "</section>\n";
  }
  if (opt.models) body += models_view(repo, links);
  if (opt.pipeline) body += pipeline_view(repo, opt.rev);
  return html_page("report", body, links);
}

std::string report_markdown(Repo& repo, const ReportOptions& opt) {
  RunStore store(repo.db());
  auto runs = select_runs(store, {}, opt.filter, RunStore::Details::ParamsAndMetrics);
  auto cols = run_columns(runs, opt.columns.empty() ? "name,id,status,params.*,metrics.*" : opt.columns);
  std::string out = fmt::format("## Runs{}\n\n", opt.filter.empty() ? "" : " matching " + markdown_cell(opt.filter));
  if (runs.empty()) {
    out += "No runs.\n";
  } else {
    std::vector<std::optional<double>> best(cols.size());
    for (std::size_t c = 0; c < cols.size(); ++c)
      if (runs.size() > 1 && (cols[c].kind == RunField::Kind::Last || cols[c].kind == RunField::Kind::Best))
        best[c] = best_value(runs, cols[c]);
    std::vector<std::vector<std::string>> rows(1);
    for (const auto& c : cols) rows[0].push_back(c.name);
    for (const auto& r : runs) {
      rows.emplace_back();
      for (std::size_t c = 0; c < cols.size(); ++c) {
        std::string text = run_cell(r, cols[c], false);
        if (best[c] && cols[c].number(r) == best[c]) text += " ★";
        rows.back().push_back(std::move(text));
      }
    }
    out += markdown_table(rows) + "\n★ best in its column (lowest for losses and errors, else highest)\n";
  }
  if (opt.models) {
    Registry reg(repo);
    std::vector<std::vector<std::string>> rows = {{"model", "version", "stages", "aliases", "run", "registered"}};
    for (const auto& m : reg.store().models()) {
      auto stages = reg.store().stages(m);
      auto aliases = reg.store().aliases(m);
      for (const auto& v : reg.store().versions(m)) {
        std::string in, named;
        for (const auto& [s, vs] : stages)
          for (const auto& x : vs)
            if (x == v.version) in += (in.empty() ? "" : ", ") + s;
        for (const auto& [a, x] : aliases)
          if (x == v.version) named += (named.empty() ? "@" : ", @") + a;
        rows.push_back({m, v.version, in, named, v.run_id.substr(0, 8), local_time(v.created_at)});
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

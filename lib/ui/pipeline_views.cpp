#include "ui/pipeline_views.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "core/text.hpp"
#include "data/diff.hpp"
#include "data/tracked.hpp"
#include "data/tracked_source.hpp"
#include "tracking/tracking.hpp"
#include "pipeline/dag.hpp"
#include "pipeline/pipeline_file.hpp"
#include "pipeline/runner.hpp"
#include "pipeline/values_diff.hpp"
#include "repo/repo.hpp"

namespace mlops {

namespace {

std::string h(const std::string& s) { return html_escape(s); }

// Stages in columns by depth (longest chain of stages before them), edges
// from each stage to those that need it; stale stages outlined in red.
std::string dag_svg(const Pipeline& p, const Dag& d, const std::map<std::string, bool>& stale) {
  const double box_w = 170, box_h = 34, gap_x = 60, gap_y = 22, pad = 10;
  std::vector<std::size_t> depth(p.stages.size(), 0), row(p.stages.size(), 0);
  std::map<std::size_t, std::size_t> per_depth;
  for (auto i : d.order) {
    for (auto u : d.upstream[i]) depth[i] = std::max(depth[i], depth[u] + 1);
    row[i] = per_depth[depth[i]]++;
  }
  std::size_t cols = 0, rows = 0;
  for (auto [dep, n] : per_depth) cols = std::max(cols, dep + 1), rows = std::max(rows, n);
  auto x = [&](std::size_t i) { return pad + static_cast<double>(depth[i]) * (box_w + gap_x); };
  auto y = [&](std::size_t i) { return pad + static_cast<double>(row[i]) * (box_h + gap_y); };
  double w = pad * 2 + static_cast<double>(cols) * (box_w + gap_x) - gap_x;
  double hgt = pad * 2 + static_cast<double>(rows) * (box_h + gap_y) - gap_y;
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n",
      w, hgt);
  for (auto i : d.order)
    for (auto u : d.upstream[i])
      out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#888\"/>"
                         "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"#888\"/>\n",
                         x(u) + box_w, y(u) + box_h / 2, x(i), y(i) + box_h / 2, x(i), y(i) + box_h / 2);
  for (auto i : d.order) {
    const std::string& name = p.stages[i].name;
    bool is_stale = stale.count(name) && stale.at(name);
    std::string label = name.size() > 24 ? name.substr(0, 23) + "…" : name;
    out += fmt::format(
        "<g><title>{0}</title><rect x=\"{1}\" y=\"{2}\" width=\"{3}\" height=\"{4}\" rx=\"5\" fill=\"{5}\" "
        "stroke=\"{6}\"/><text x=\"{7}\" y=\"{8}\" text-anchor=\"middle\">{9}</text></g>\n",
        h(name), x(i), y(i), box_w, box_h, is_stale ? "#fdecea" : "#e8f5e9", is_stale ? "#b3261e" : "#137333",
        x(i) + box_w / 2, y(i) + box_h / 2 + 4, h(label));
  }
  return out + "</svg>\n";
}

std::string values_table(const std::vector<ValueChange>& changes, const std::string& from) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : changes) {
    bool changed = c.old_value != c.new_value;
    auto cell = [&](const std::optional<std::string>& v) {
      std::string t = v ? h(*v) : "<span class=\"muted\">–</span>";
      return changed ? "<span class=\"differs\">" + t + "</span>" : t;
    };
    rows.push_back({h(c.file), h(c.key), cell(c.old_value), cell(c.new_value)});
  }
  return html_table({"file", "key", h(from), "workspace"}, rows);
}

}  // namespace

std::string pipeline_view(Repo& repo, const std::string& rev_given) {
  std::string out = "<h1 id=\"pipeline\">Pipeline</h1>\n";
  if (!has_pipeline(repo)) return out + "<p>No pipeline yet: there is no mlops.yaml.</p>\n";
  Pipeline p = load_pipeline(repo);
  Dag d = build_dag(p);
  std::string rev = rev_given.empty() ? "HEAD" : rev_given;
  std::map<std::string, bool> stale;
  std::map<std::string, std::vector<std::string>> reasons;
  for (const auto& s : pipeline_status(repo, PipelineOptions{})) {
    stale[s.name] = !s.reasons.empty() && s.outcome != StageOutcome::Frozen;
    reasons[s.name] = s.reasons;
  }
  out += dag_svg(p, d, stale);
  std::vector<std::vector<std::string>> rows;
  for (auto i : d.order) {
    const Stage& s = p.stages[i];
    std::vector<std::string> needs;
    for (auto u : d.upstream[i]) needs.push_back(h(p.stages[u].name));
    std::string state = s.frozen ? "frozen"
                        : stale[s.name] ? "<span class=\"error\">stale</span>: " + h(fmt::format("{}", fmt::join(reasons[s.name], "; ")))
                                        : "<span class=\"best\">up to date</span>";
    std::vector<std::string> deps, outs;
    for (const auto& x : s.deps) deps.push_back(h(x));
    for (const auto& x : s.outputs()) outs.push_back(h(x));
    rows.push_back({h(s.name), state, "<code>" + h(s.cmd) + "</code>", fmt::format("{}", fmt::join(needs, ", ")),
                    fmt::format("{}", fmt::join(deps, "<br>")), fmt::format("{}", fmt::join(outs, "<br>"))});
  }
  out += html_table({"stage", "state", "command", "needs", "deps", "outputs"}, rows);
  out += fmt::format("<h2>Params (against {})</h2>\n", h(rev));
  auto pf = params_files(p);
  auto params = diff_values(values_at(repo, pf, rev), values_at(repo, pf, ""), true);
  out += params.empty() ? "<p class=\"muted\">No params.</p>\n" : values_table(params, rev);
  out += fmt::format("<h2>Metrics (against {})</h2>\n", h(rev));
  auto mf = metrics_files(p);
  auto metrics = diff_values(values_at(repo, mf, rev), values_at(repo, mf, ""), true);
  out += metrics.empty() ? "<p class=\"muted\">No metrics files yet.</p>\n" : values_table(metrics, rev);
  return out;
}

std::string data_view(Repo& repo, const std::string& from, const std::optional<std::string>& to, const UiLinks& links) {
  std::string out = "<h1 id=\"data\">Data</h1>\n";
  TrackedSources sources = tracked_sources();
  auto tracked = tracked_in_workspace(repo, sources);
  if (tracked.empty()) out += "<p>No tracked data yet (track some with <code>mlops add PATH</code>).</p>\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : tracked)
    rows.push_back({h(t.rel), t.ptr.kind == Kind::Dir ? "folder" : "file", std::to_string(t.ptr.size),
                    std::to_string(t.ptr.files), "<code>" + h(t.ptr.id.str().substr(0, 23)) + "</code>", h(t.where())});
  if (!rows.empty())
    out += html_table({"path", "kind", "bytes", "files", "version", "recorded in"}, rows, {"", "", "num", "num", "", ""});
  if (links.served)
    out += fmt::format(
        "<h2>Changes</h2>\n<form method=\"get\" action=\"/data\"><label>from <input type=\"text\" name=\"from\" "
        "value=\"{}\" placeholder=\"HEAD~1\"></label> <label>to <input type=\"text\" name=\"to\" value=\"{}\" "
        "placeholder=\"workspace\"></label> <button>Diff</button></form>\n",
        h(from), h(to.value_or("")));
  if (from.empty()) return out;
  DataDiff diff = diff_data(repo, from, to, {}, sources, nullptr);
  std::vector<std::vector<std::string>> changes;
  auto size = [](const std::optional<FileVersion>& v) { return v ? std::to_string(v->size) : std::string(); };
  for (const auto& i : diff.added) changes.push_back({"added", h(i.path), "", size(i.after)});
  for (const auto& i : diff.modified) changes.push_back({"modified", h(i.path), size(i.before), size(i.after)});
  for (const auto& i : diff.deleted) changes.push_back({"deleted", h(i.path), size(i.before), ""});
  out += fmt::format("<p>{} → {}: {} added, {} modified, {} deleted</p>\n", h(from), h(to.value_or("workspace")),
                     diff.added.size(), diff.modified.size(), diff.deleted.size());
  if (!changes.empty()) out += html_table({"change", "path", "bytes before", "bytes after"}, changes, {"", "", "num", "num"});
  for (const auto& p : diff.not_in_store)
    out += fmt::format("<p class=\"muted\">{} was compared as a whole: a folder listing is not in the store</p>\n", h(p));
  return out;
}

}  // namespace mlops

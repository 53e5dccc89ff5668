// mlops exp list, show, compare, diff, best, export, plot: reading runs back.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "context.hpp"
#include "core/error.hpp"
#include "core/fs.hpp"
#include "core/heap.hpp"
#include "exp/metric_goal.hpp"
#include "exp/plot.hpp"
#include "exp/run_fields.hpp"
#include "exp/run_filter.hpp"
#include "exp/run_store.hpp"
#include "output.hpp"
#include "run_format.hpp"
#include "store/object_store.hpp"

namespace mlops::cli {

namespace {

using nlohmann::json;

struct ViewArgs {
  std::vector<std::string> runs;
  std::string filter, sort, columns, metric, output;
  bool desc = false, json = false, csv = false, min = false, max = false, all = false, any_step = false,
       diff = false;
  std::size_t limit = 0;
  int width = 0, height = 0;
};

// Runs named on the command line (all must resolve), else every run; then the filter.
std::vector<Run> select_runs(RunStore& store, const std::vector<std::string>& refs, const std::string& filter_text,
                             RunStore::Details details = RunStore::Details::All) {
  RunFilter filter = RunFilter::parse(filter_text, [&](const std::string& ref) -> std::optional<std::string> {
    try {
      return store.get(ref, false).id;
    } catch (const Error&) {
      return std::nullopt;  // no such run, or several: compared as written
    }
  });
  std::vector<Run> runs;
  if (refs.empty()) runs = store.list(details);
  else
    for (const auto& ref : refs) runs.push_back(store.get(ref));
  std::erase_if(runs, [&](const Run& r) { return !filter.matches(r); });
  return runs;
}

// A field named on the command line; Error(Usage) naming the option when unknown.
RunField field_arg(const std::string& name, const char* option) {
  auto f = RunField::parse(name);
  if (!f) fail(ExitCode::Usage, "{}: unknown field '{}' (use {})", option, name, run_field_help());
  return *f;
}

// For fields the code itself names.
RunField field(const std::string& name) { return *RunField::parse(name); }

// A run's field as a table shows it.
std::string cell(const Run& r, const RunField& f, bool full_id) {
  using K = RunField::Kind;
  switch (f.kind) {
    case K::Id: return full_id ? r.id : r.short_id();
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

// --columns: names and wildcards (params.*, metrics.*, best.*, tags.*).
std::vector<RunField> list_columns(const std::vector<Run>& runs, const std::string& spec) {
  // Keys, and the metrics whose best step is not the last for some run.
  std::set<std::string> params, metrics, tags, best_differs;
  std::map<std::string, std::pair<bool, bool>> steps_differ;  // metric -> (min != last, max != last) for some run
  // Runs mostly share their keys: inserting in order with a hint finds each in constant time.
  auto collect = [](auto& keys, const auto& map) {
    for (auto hint = keys.begin(); const auto& kv : map) hint = std::next(keys.insert(hint, kv.first));
  };
  for (const auto& r : runs) {
    collect(params, r.params);
    collect(tags, r.tags);
    for (auto hint = steps_differ.begin(); const auto& [k, m] : r.metrics) {
      auto it = steps_differ.try_emplace(hint, k);
      it->second.first |= m.min != m.last;
      it->second.second |= m.max != m.last;
      hint = std::next(it);
    }
  }
  for (const auto& [k, d] : steps_differ) {
    metrics.insert(k);
    if (default_goal(k) == Goal::Min ? d.first : d.second) best_differs.insert(k);
  }
  std::vector<RunField> out;
  auto add_all = [&](const std::set<std::string>& keys, const std::string& prefix) {
    for (const auto& k : keys) out.push_back(field(prefix + k));
  };
  if (spec.empty()) {
    for (const char* name : {"id", "name", "experiment", "status", "started", "duration"}) out.push_back(field(name));
    add_all(params, "params.");
    for (const auto& k : metrics) {
      out.push_back(field("metrics." + k));
      if (best_differs.count(k)) out.push_back(field("best." + k));
    }
    return out;
  }
  std::size_t start = 0;
  while (start <= spec.size()) {
    std::size_t comma = spec.find(',', start);
    std::string col = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    col.erase(0, col.find_first_not_of(' '));
    col.erase(col.find_last_not_of(' ') + 1);
    if (col == "params.*") add_all(params, "params.");
    else if (col == "metrics.*") add_all(metrics, "metrics.");
    else if (col == "best.*") add_all(metrics, "best.");
    else if (col == "tags.*") add_all(tags, "tags.");
    else if (auto f = RunField::parse(col)) out.push_back(*f);
    else
      fail(ExitCode::Usage, "--columns: unknown column '{}' (use {}, or params.*, metrics.*, best.*, tags.*)", col,
           run_field_help());
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

void sort_runs(std::vector<Run>& runs, const RunField& key, bool desc) {
  // Each run's value read once, not once per comparison.
  struct Keyed {
    std::optional<std::string> text;
    std::optional<double> num;
    Run* run;
  };
  std::vector<Keyed> keyed;
  for (auto& r : runs) {
    auto num = key.number(r);
    keyed.push_back({num ? std::nullopt : key.text(r), num, &r});
  }
  std::stable_sort(keyed.begin(), keyed.end(), [&](const Keyed& x, const Keyed& y) {
    bool hx = x.num || x.text, hy = y.num || y.text;
    if (hx != hy) return hx;  // runs without the key go last
    if (!hx) return false;
    if (x.num && y.num) return desc ? *x.num > *y.num : *x.num < *y.num;
    if (x.num != y.num) return x.num.has_value();  // numbers before text
    return desc ? *x.text > *y.text : *x.text < *y.text;
  });
  std::vector<Run> sorted;
  sorted.reserve(runs.size());
  for (auto& k : keyed) sorted.push_back(std::move(*k.run));
  runs = std::move(sorted);
}

// The best value of a metric field among `runs`.
std::optional<double> best_value(const std::vector<Run>& runs, const RunField& f) {
  Goal goal = default_goal(f.key);
  std::optional<double> best;
  for (const auto& r : runs)
    if (auto v = f.number(r); v && (!best || better(goal, *v, *best))) best = v;
  return best;
}

int run_list(Context& ctx, const ViewArgs& a) {
  prefer_huge_pages(64u << 20);  // thousands of runs make tens of MB of small objects
  RunStore store(ctx.repo().db());
  // Tags are read only when something shows or tests them (a scan less over many runs).
  bool tags = a.json || (a.filter + a.columns + a.sort).find("tags.") != std::string::npos;
  auto runs = select_runs(store, {}, a.filter, tags ? RunStore::Details::All : RunStore::Details::ParamsAndMetrics);
  if (!a.sort.empty()) sort_runs(runs, field_arg(a.sort, "--sort"), a.desc);
  if (a.limit && runs.size() > a.limit) runs.resize(a.limit);
  auto cols = list_columns(runs, a.columns);
  if (a.json) {
    json arr = json::array();
    for (const auto& r : runs) arr.push_back(run_json(r));
    print_json(arr);
    return 0;
  }
  if (a.csv) {
    std::vector<std::string> names;
    for (const auto& c : cols) names.push_back(c.name);
    fmt::print("{}\n", csv_line(names));
    for (const auto& r : runs) {
      std::vector<std::string> row;
      for (const auto& c : cols) row.push_back(cell(r, c, true));
      fmt::print("{}\n", csv_line(row));
    }
    return 0;
  }
  if (runs.empty()) {
    if (ctx.quiet) return 0;
    if (a.filter.empty() && a.runs.empty()) fmt::print("No runs yet (start one with 'mlops exp run -- COMMAND').\n");
    else fmt::print("No runs match the filter.\n");
    return 0;
  }
  std::vector<std::string> header;
  for (const auto& c : cols) {
    std::string h = c.name;
    if (h.find('.') == std::string::npos)
      std::transform(h.begin(), h.end(), h.begin(), [](unsigned char ch) { return std::toupper(ch); });
    header.push_back(h);
  }
  // Metric columns are read once; with two runs or more the best value of each
  // metrics./best. column is marked.
  using K = RunField::Kind;
  std::vector<std::vector<std::optional<double>>> values(cols.size());
  std::vector<std::optional<double>> best(cols.size());
  for (std::size_t c = 0; c < cols.size(); ++c) {
    if (!cols[c].is_metric()) continue;
    Goal goal = default_goal(cols[c].key);
    values[c].reserve(runs.size());
    for (const auto& r : runs) {
      auto v = cols[c].number(r);
      values[c].push_back(v);
      bool marks = runs.size() > 1 && (cols[c].kind == K::Last || cols[c].kind == K::Best);
      if (marks && v && (!best[c] || better(goal, *v, *best[c]))) best[c] = v;
    }
  }
  Table t(header);
  bool marked = false;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    std::vector<std::string> row;
    row.reserve(cols.size());
    for (std::size_t c = 0; c < cols.size(); ++c) {
      if (!cols[c].is_metric()) {
        row.push_back(cell(runs[i], cols[c], false));
        continue;
      }
      const auto& v = values[c][i];
      std::string text = v ? number(*v) : "";
      if (v && v == best[c]) text = paint(text + "*", "1;32"), marked = true;
      row.push_back(std::move(text));
    }
    t.add(std::move(row));
  }
  t.print();
  if (marked && !ctx.quiet) fmt::print("* best in its column (lowest for losses and errors, else highest)\n");
  leave_to_exit(std::move(runs));
  leave_to_exit(std::move(t));
  return 0;
}

int run_show(Context& ctx, const ViewArgs& a) {
  Repo& repo = ctx.repo();
  RunStore store(repo.db());
  Run r = store.get(a.runs.at(0));
  if (a.diff) {
    if (r.git_diff_id.empty()) {
      if (!ctx.quiet) fmt::print(stderr, "run {} had no uncommitted changes\n", r.name);
      return 0;
    }
    fmt::print("{}", repo.store().read_verified(ObjectId::parse(r.git_diff_id)));
    return 0;
  }
  std::vector<Run> children;
  for (auto& c : store.list())
    if (c.parent_id == r.id) children.push_back(std::move(c));
  if (a.json) {
    json j = run_json(r);
    j["children"] = json::array();
    for (const auto& c : children) j["children"].push_back(c.id);
    print_json(j);
    return 0;
  }
  fmt::print("run        {} ({})\nid         {}\nexperiment {}\nstatus     {}{}\ncommand    {}\n", r.name, r.short_id(),
             r.id, r.experiment, r.status, r.exit_code ? fmt::format(" (exit code {})", *r.exit_code) : "", r.command);
  if (!r.parent_id.empty()) {
    std::string parent = r.parent_id.substr(0, 8);
    try {
      parent = store.get(r.parent_id).name + " (" + parent + ")";
    } catch (const Error&) {
    }
    fmt::print("sweep      {}\n", parent);
  }
  fmt::print("started    {}\nduration   {}\ngit        {}{}\n", started(r), duration(r),
             r.git_commit.empty() ? "(no commit)" : r.git_commit.substr(0, 12),
             r.git_dirty ? " + uncommitted changes (mlops exp show --diff " + r.name + ")" : "");
  fmt::print("user       {}@{}\n", r.user, r.host);
  if (!r.os.empty())
    fmt::print("machine    {}; {} x {}; {} memory\n", r.os, r.cpus, r.cpu,
               human_size(static_cast<std::uint64_t>(r.memory_bytes)));
  if (r.peak_rss_kib) fmt::print("peak RSS   {}\n", human_size(static_cast<std::uint64_t>(*r.peak_rss_kib) * 1024));
  if (!r.params.empty()) {
    fmt::print("\nparams\n");
    for (const auto& [k, v] : r.params) fmt::print("  {} = {}\n", k, v);
  }
  if (!r.metrics.empty()) {
    Table t({"METRIC", "LAST", "STEP", "BEST", "MIN", "MAX", "POINTS"});
    for (const auto& [k, m] : r.metrics)
      t.add({k, number(m.last), std::to_string(m.step), number(*field("best." + k).number(r)), number(m.min),
             number(m.max), std::to_string(m.count)});
    fmt::print("\n");
    t.print();
  }
  std::vector<std::pair<std::string, std::string>> data, tags;
  for (const auto& [k, v] : r.tags) (k.starts_with("data.") ? data : tags).emplace_back(k, v);
  if (!tags.empty()) {
    fmt::print("\ntags\n");
    for (const auto& [k, v] : tags) fmt::print("  {} = {}\n", k, v);
  }
  if (!data.empty()) {
    fmt::print("\ndata\n");
    for (const auto& [k, v] : data) fmt::print("  {}  {}\n", k.substr(5), v);
  }
  if (!r.artifacts.empty()) {
    fmt::print("\nartifacts\n");
    for (const auto& [k, v] : r.artifacts) fmt::print("  {}  {}\n", k, v);
  }
  if (!children.empty()) {
    fmt::print("\nruns of the sweep\n");
    for (const auto& c : children) {
      std::string ps;
      for (const auto& [k, v] : c.params) ps += fmt::format(" {}={}", k, v);
      fmt::print("  {} ({}) {}{}\n", c.name, c.short_id(), c.status, ps);
    }
  }
  return 0;
}

// ---- compare / diff ---------------------------------------------------------
struct CompareRow {
  std::string key;
  std::vector<std::optional<std::string>> values;  // per run
  std::set<std::size_t> best;                      // metric rows: the runs with the best value
  bool differs() const {
    return std::any_of(values.begin(), values.end(), [&](const auto& v) { return v != values.front(); });
  }
};

std::vector<CompareRow> compare_rows(const std::vector<Run>& runs) {
  std::set<std::string> params, metrics;
  for (const auto& r : runs) {
    for (const auto& [k, v] : r.params) params.insert(k);
    for (const auto& [k, v] : r.metrics) metrics.insert(k);
  }
  std::vector<CompareRow> rows;
  for (const auto& k : params) {
    CompareRow row{"params." + k, {}, {}};
    RunField f = field(row.key);
    for (const auto& r : runs) row.values.push_back(f.text(r));
    rows.push_back(std::move(row));
  }
  for (const auto& k : metrics) {
    CompareRow row{"metrics." + k, {}, {}};
    RunField f = field(row.key);
    auto best = best_value(runs, f);
    for (std::size_t i = 0; i < runs.size(); ++i) {
      auto v = f.number(runs[i]);
      row.values.push_back(v ? std::optional<std::string>(number(*v)) : std::nullopt);
      if (runs.size() > 1 && v && v == best) row.best.insert(i);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

int run_compare(Context& ctx, const ViewArgs& a) {
  RunStore store(ctx.repo().db());
  std::vector<Run> runs;
  for (const auto& ref : a.runs) runs.push_back(store.get(ref));
  auto rows = compare_rows(runs);
  if (a.json) {
    json j = {{"runs", json::array()}, {"rows", json::array()}};
    for (const auto& r : runs) j["runs"].push_back({{"id", r.id}, {"name", r.name}});
    for (const auto& row : rows) {
      json values = json::object();
      for (std::size_t i = 0; i < runs.size(); ++i) values[runs[i].name] = row.values[i] ? json(*row.values[i]) : json();
      json best = json::array();
      for (auto i : row.best) best.push_back(runs[i].name);
      j["rows"].push_back({{"key", row.key}, {"values", values}, {"differs", row.differs()}, {"best", best}});
    }
    print_json(j);
    return 0;
  }
  std::vector<std::string> header = {"", "KEY"};
  for (const auto& r : runs) header.push_back(r.name);
  Table t(header);
  t.add([&] {
    std::vector<std::string> row = {"", "status"};
    for (const auto& r : runs) row.push_back(r.status);
    return row;
  }());
  for (const auto& row : rows) {
    bool differs = row.differs();
    std::vector<std::string> out = {differs ? "≠" : "", differs ? paint(row.key, "33") : row.key};
    for (std::size_t i = 0; i < runs.size(); ++i) {
      std::string v = row.values[i].value_or("-");
      if (row.best.count(i)) v = paint(v + "*", "1;32");
      out.push_back(v);
    }
    t.add(std::move(out));
  }
  t.print();
  if (!ctx.quiet) fmt::print("≠ differs between the runs; * best (lowest for losses and errors, else highest)\n");
  return 0;
}

// Two runs: only what changed, with the change of each metric.
int run_diff(Context& ctx, const ViewArgs& a) {
  RunStore store(ctx.repo().db());
  if (a.runs.size() != 2) fail(ExitCode::Usage, "exp diff takes two runs, not {}", a.runs.size());
  Run x = store.get(a.runs[0]), y = store.get(a.runs[1]);
  struct Change {
    std::string key;
    std::optional<std::string> old_value, new_value;
    std::optional<double> delta;
  };
  std::vector<Change> changes;
  auto keys_of = [](const Run& r) {
    std::set<std::string> keys = {"commit"};
    for (const auto& [k, v] : r.params) keys.insert("params." + k);
    for (const auto& [k, v] : r.metrics) keys.insert("metrics." + k);
    for (const auto& [k, v] : r.tags) keys.insert("tags." + k);
    return keys;
  };
  std::set<std::string> keys = keys_of(x);
  keys.merge(keys_of(y));
  // params first, then metrics, then tags and data versions, then the commit.
  std::vector<std::string> ordered;
  for (const char* p : {"params.", "metrics.", "tags.", "commit"})
    for (const auto& k : keys)
      if (k.starts_with(p)) ordered.push_back(k);
  for (const auto& k : ordered) {
    RunField f = field(k);
    auto u = f.text(x), v = f.text(y);
    bool is_metric = f.is_metric();
    auto nu = f.number(x), nv = f.number(y);
    bool same = is_metric ? nu == nv : u == v;
    if (same && !a.all) continue;
    Change c{k, u, v, std::nullopt};
    if (is_metric && nu && nv) c.delta = *nv - *nu;
    if (is_metric) {
      if (nu) c.old_value = number(*nu);
      if (nv) c.new_value = number(*nv);
    }
    changes.push_back(std::move(c));
  }
  if (a.json) {
    json arr = json::array();
    for (const auto& c : changes)
      arr.push_back({{"key", c.key},
                     {"old", c.old_value ? json(*c.old_value) : json()},
                     {"new", c.new_value ? json(*c.new_value) : json()},
                     {"change", c.delta ? json(*c.delta) : json()}});
    print_json({{"old", x.id}, {"new", y.id}, {"changes", arr}});
    return 0;
  }
  if (changes.empty()) {
    if (!ctx.quiet) fmt::print("No differences between {} and {}.\n", x.name, y.name);
    return 0;
  }
  Table t({"KEY", x.name, y.name, "CHANGE"});
  for (const auto& c : changes) {
    std::string delta;
    if (c.delta) {
      std::string metric = c.key.substr(8);
      bool improved = *c.delta != 0 && better(default_goal(metric), *c.delta, 0);
      delta = fmt::format("{}{}", *c.delta > 0 ? "+" : "", number(*c.delta));
      if (*c.delta != 0) delta = paint(delta, improved ? "32" : "31");
    }
    t.add({c.key, c.old_value.value_or("-"), c.new_value.value_or("-"), delta});
  }
  t.print();
  return 0;
}

// ---- best / export ----------------------------------------------------------
int run_best(Context& ctx, const ViewArgs& a) {
  if (a.metric.empty()) fail(ExitCode::Usage, "name the metric: exp best --metric NAME");
  RunStore store(ctx.repo().db());
  auto runs = select_runs(store, {}, a.filter);
  Goal goal = a.min ? Goal::Min : a.max ? Goal::Max : default_goal(a.metric);
  // The run's final value, or with --any-step its best step.
  RunField f = field_arg((a.any_step ? (goal == Goal::Min ? "min." : "max.") : "metrics.") + a.metric, "--metric");
  const Run* winner = nullptr;
  std::optional<double> best;
  std::size_t with_metric = 0;
  for (const auto& r : runs) {
    auto v = f.number(r);
    if (!v) continue;
    ++with_metric;
    if (!best || better(goal, *v, *best)) best = v, winner = &r;
  }
  if (!winner)
    fail(ExitCode::Input, "no run{} has a metric '{}'", a.filter.empty() ? "" : " matching the filter", a.metric);
  if (a.json) {
    json j = run_json(*winner);
    j["best"] = {{"metric", a.metric}, {"value", *best}, {"goal", goal_name(goal)}, {"runs", with_metric}};
    print_json(j);
  } else if (ctx.quiet) {
    fmt::print("{}\n", winner->id);
  } else {
    fmt::print("{} ({})  {} = {}  ({} of {}{})\n", winner->name, winner->short_id(), a.metric, number(*best),
               goal == Goal::Min ? "lowest" : "highest", plural(with_metric, "run", "runs"),
               a.any_step ? ", any step" : "");
  }
  return 0;
}

int run_export(Context& ctx, const ViewArgs& a) {
  RunStore store(ctx.repo().db());
  auto runs = select_runs(store, a.runs, a.filter);
  std::string out;
  if (a.csv) {
    out = "run_id,run_name,experiment,metric,step,value,timestamp_ms\n";
    for (const auto& r : runs)
      for (const auto& p : store.history(r.id))
        out += csv_line({r.id, r.name, r.experiment, p.key, std::to_string(p.step), fmt::format("{}", p.value),
                         std::to_string(p.ts)}) + "\n";
  } else {
    json arr = json::array();
    for (const auto& r : runs) {
      json j = run_json(r);
      json history = json::object();
      for (const auto& p : store.history(r.id)) history[p.key].push_back({{"step", p.step}, {"value", p.value}, {"ts", p.ts}});
      j["history"] = history;
      arr.push_back(std::move(j));
    }
    out = json_text(arr) + "\n";
  }
  if (a.output.empty() || a.output == "-") fmt::print("{}", out);
  else atomic_write(ctx.cwd() / a.output, out);
  return 0;
}

// ---- plot ---------------------------------------------------------------------
int run_plot(Context& ctx, const ViewArgs& a) {
  if (a.metric.empty()) fail(ExitCode::Usage, "name the metric: exp plot RUN... --metric NAME");
  std::string format = "terminal";
  if (!a.output.empty()) {
    fs::path ext = fs::path(a.output).extension();
    if (ext == ".svg") format = "svg";
    else if (ext == ".html" || ext == ".htm") format = "html";
    else fail(ExitCode::Usage, "-o {}: write a .svg or .html file", a.output);
  }
  RunStore store(ctx.repo().db());
  std::vector<PlotSeries> series;
  std::vector<std::string> without;
  for (const auto& ref : a.runs) {
    Run r = store.get(ref);
    PlotSeries s{r.name, {}, {}};
    for (const auto& p : store.history(r.id, a.metric)) {
      s.x.push_back(static_cast<double>(p.step));
      s.y.push_back(p.value);
    }
    if (s.x.empty()) without.push_back(r.name);
    series.push_back(std::move(s));
  }
  if (series.size() == without.size())
    fail(ExitCode::Input, "no metric '{}' in {}", a.metric, fmt::join(without, ", "));
  for (const auto& name : without) fmt::print(stderr, "mlops: warning: run {} has no metric '{}'\n", name, a.metric);
  PlotOptions opt;
  opt.title = a.metric;
  opt.width = a.width > 0 ? a.width : terminal_width();
  opt.height = a.height > 0 ? a.height : 16;
  opt.colour = use_colour();
  if (format == "terminal") {
    fmt::print("{}", plot_terminal(series, opt));
    return 0;
  }
  fs::path dest = ctx.cwd() / a.output;
  atomic_write(dest, format == "svg" ? plot_svg(series, opt) : plot_html(series, opt));
  if (!ctx.quiet) fmt::print(stderr, "wrote {}\n", a.output);
  return 0;
}

CLI::App* with_runs(CLI::App* sub, ViewArgs& a, bool required, const char* help = "Run ids, id prefixes or names") {
  auto* opt = sub->add_option("runs", a.runs, help)->type_name("RUN");
  if (required) opt->required();
  return sub;
}

}  // namespace

void register_exp_view_commands(CLI::App* exp, Context& ctx) {
  command(exp, "list", "List runs with params and last/best metric values", [&ctx](CLI::App* sub) {
    auto a = std::make_shared<ViewArgs>();
    sub->add_option("--filter", a->filter, "Only runs matching EXPR, e.g. 'metrics.acc > 0.9 and params.lr = 0.01'")
        ->type_name("EXPR");
    sub->add_option("--sort", a->sort, "Sort by a field: name, started, params.KEY, metrics.KEY, best.KEY, ...")
        ->type_name("KEY");
    sub->add_flag("--desc", a->desc, "Sort in descending order");
    sub->add_option("--limit", a->limit, "Show at most N runs")->type_name("N");
    sub->add_option("--columns", a->columns, "Columns, comma-separated: name,params.lr,metrics.*,best.acc,...")
        ->type_name("LIST");
    auto* j = sub->add_flag("--json", a->json, "Print JSON");
    sub->add_flag("--csv", a->csv, "Print CSV")->excludes(j);
    bind(sub, ctx, a, run_list);
  });
  command(exp, "show", "Show one run: params, metrics, tags, code and data versions, machine", [&ctx](CLI::App* sub) {
    auto a = std::make_shared<ViewArgs>();
    sub->add_option("run", a->runs, "Run id, id prefix or name")->required()->expected(1)->type_name("RUN");
    sub->add_flag("--diff", a->diff, "Print the uncommitted changes the run ran with, as a patch");
    sub->add_flag("--json", a->json, "Print JSON");
    bind(sub, ctx, a, run_show);
  });
  command(exp, "compare", "Params and metrics of runs side by side, differences and best marked",
          [&ctx](CLI::App* sub) {
            auto a = std::make_shared<ViewArgs>();
            with_runs(sub, *a, true)->get_option("runs")->expected(2, 1 << 20);
            sub->add_flag("--json", a->json, "Print JSON");
            bind(sub, ctx, a, run_compare);
          });
  command(exp, "diff", "What changed from one run to another: params, metrics, tags, data, commit",
          [&ctx](CLI::App* sub) {
            auto a = std::make_shared<ViewArgs>();
            with_runs(sub, *a, true, "Two runs: old and new")->get_option("runs")->expected(2);
            sub->add_flag("-a,--all", a->all, "Show unchanged values too");
            sub->add_flag("--json", a->json, "Print JSON");
            bind(sub, ctx, a, run_diff);
          });
  command(exp, "best", "The run with the best value of a metric", [&ctx](CLI::App* sub) {
    auto a = std::make_shared<ViewArgs>();
    sub->add_option("-m,--metric", a->metric, "Metric name")->required()->type_name("NAME");
    auto* mn = sub->add_flag("--min", a->min, "Lower is better (default for losses and errors)");
    sub->add_flag("--max", a->max, "Higher is better (default for other metrics)")->excludes(mn);
    sub->add_flag("--any-step", a->any_step, "Compare each run's best step, not its final value");
    sub->add_option("--filter", a->filter, "Only among runs matching EXPR")->type_name("EXPR");
    sub->add_flag("--json", a->json, "Print the run as JSON");
    sub->footer("With -q only the run's id is printed: mlops exp show $(mlops -q exp best -m acc)");
    bind(sub, ctx, a, run_best);
  });
  command(exp, "export", "Runs with every metric point, as JSON or CSV", [&ctx](CLI::App* sub) {
    auto a = std::make_shared<ViewArgs>();
    with_runs(sub, *a, false, "Runs to export (default: all)");
    sub->add_option("--filter", a->filter, "Only runs matching EXPR")->type_name("EXPR");
    auto* j = sub->add_flag("--json", a->json, "JSON: runs with their full metric history (the default)");
    sub->add_flag("--csv", a->csv, "CSV: one row per metric point")->excludes(j);
    sub->add_option("-o,--output", a->output, "Write to FILE instead of stdout")->type_name("FILE");
    bind(sub, ctx, a, run_export);
  });
  command(exp, "plot", "Chart a metric over steps, in the terminal or as an SVG/HTML file", [&ctx](CLI::App* sub) {
    auto a = std::make_shared<ViewArgs>();
    with_runs(sub, *a, true, "Runs to overlay");
    sub->add_option("-m,--metric", a->metric, "Metric name")->required()->type_name("NAME");
    sub->add_option("-o,--output", a->output, "Write FILE.svg or FILE.html instead of drawing in the terminal")
        ->type_name("FILE");
    sub->add_option("--width", a->width, "Columns (default: the terminal's width)")->check(CLI::Range(20, 1000));
    sub->add_option("--height", a->height, "Rows of the chart (default: 16)")->check(CLI::Range(4, 200));
    bind(sub, ctx, a, run_plot);
  });
}

}  // namespace mlops::cli

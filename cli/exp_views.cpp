// mlops exp list, show, compare, diff, best, export, plot: reading runs back.
#include <unistd.h>

#include <algorithm>
#include <tuple>
#include <set>

#include <fmt/format.h>

#include "context.hpp"
#include "core/error.hpp"
#include "core/fs.hpp"
#include "core/heap.hpp"
#include "core/text.hpp"
#include "exp/metric_goal.hpp"
#include "exp/plot.hpp"
#include "exp/run_fields.hpp"
#include "exp/run_filter.hpp"
#include "exp/run_query.hpp"
#include "exp/run_sharing.hpp"
#include "exp/run_store.hpp"
#include "output.hpp"
#include "exp/run_format.hpp"
#include "store/object_store.hpp"

namespace mlops::cli {

namespace {

using nlohmann::json;

struct ViewArgs {
  std::vector<std::string> runs;
  std::string filter, sort, columns, metric, output;
  bool desc = false, json = false, csv = false, min = false, max = false, all = false, any_step = false,
       diff = false, md = false;
  std::size_t limit = 0;
  int width = 0, height = 0;
  bool remote = false;      // --remote: read a remote's runs
  std::string remote_name;  // -r NAME (implies --remote)
  bool from_remote() const { return remote || !remote_name.empty(); }
};

// Runs a remote holds (exp list/show --remote); pages that fail their checks
// are named on stderr, the rest shown.
std::vector<Run> runs_on_remote(Context& ctx, const ViewArgs& a) {
  auto rr = remote_runs(ctx.repo(), a.remote_name);
  for (const auto& bad : rr.bad_pages) note("mlops: warning: remote {}: {}; skipped\n", rr.remote, bad);
  for (const auto& stray : rr.strays) note("mlops: warning: remote {}: {} is not a run page; ignored\n", rr.remote, stray);
  return std::move(rr.runs);
}

// Names that more than one of `runs` has (runs pulled from others): shown
// with their origin.
std::set<std::string> shared_names(const std::vector<Run>& runs) {
  std::set<std::string> seen, twice;
  for (const auto& r : runs)
    if (!seen.insert(r.name).second) twice.insert(r.name);
  return twice;
}

// A field named on the command line; Error(Usage) naming the option when unknown.

// For fields the code itself names.
RunField field(const std::string& name) { return *RunField::parse(name); }

// A value as compare and diff show it: a metric with the shortest exact
// digits, anything else as recorded; nullopt when the run has none.
std::optional<std::string> shown(const std::optional<std::string>& text, const std::optional<double>& num) {
  return num ? std::optional<std::string>(number(*num)) : text;
}
json json_or_null(const std::optional<std::string>& v) { return v ? json(*v) : json(); }

int run_list(Context& ctx, const ViewArgs& a) {
  prefer_huge_pages(64u << 20);  // thousands of runs make tens of MB of small objects
  RunStore store(ctx.repo().db());
  // Tags are read only when something shows or tests them (a scan less over many runs).
  auto details = a.json ? RunStore::Details::All : details_for(a.filter, a.columns, a.sort);
  std::vector<Run> runs;
  if (a.from_remote()) {
    runs = runs_on_remote(ctx, a);
    filter_runs(runs, a.filter);
    if (!a.sort.empty()) sort_runs(runs, field_named(a.sort, "--sort"), a.desc);
  } else {
    runs = select_sorted_runs(store, a.filter, a.sort, a.desc, details, "--sort");
  }
  if (a.limit && runs.size() > a.limit) runs.resize(a.limit);
  auto cols = run_columns(runs, a.columns);
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
      for (const auto& c : cols) row.push_back(run_cell(r, c, true));
      fmt::print("{}\n", csv_line(row));
    }
    return 0;
  }
  if (runs.empty()) {
    if (ctx.quiet) return 0;
    if (a.from_remote() && a.filter.empty()) fmt::print("No runs on the remote yet (send some with 'mlops exp push').\n");
    else if (a.filter.empty() && a.runs.empty()) fmt::print("No runs yet (start one with 'mlops exp run -- COMMAND').\n");
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
  // metrics./best. column is marked (the run that has it is in the table).
  MetricColumns metrics(runs, cols);
  std::vector<bool> marked(cols.size());
  for (std::size_t c = 0; c < cols.size(); ++c) marked[c] = metrics.best[c].has_value();
  auto twice = shared_names(runs);
  Table t(header);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    std::vector<std::string> row;
    row.reserve(cols.size());
    for (std::size_t c = 0; c < cols.size(); ++c) {
      if (!cols[c].is_metric()) {
        row.push_back(run_cell(runs[i], cols[c], false, twice));
        continue;
      }
      const auto& v = metrics.values[c][i];
      std::string text = v ? number(*v) : "";
      if (v && v == metrics.best[c]) text = paint(text + "*", "1;32");
      row.push_back(std::move(text));
    }
    t.add(std::move(row));
  }
  using K = RunField::Kind;
  // On a terminal the table fits its width: the when and where columns go
  // first, then tags and params (from the right), then the status; metrics,
  // what runs are compared by, go last. ID and NAME stay. Piped, every
  // column is printed.
  Table::Fit fit;
  if (::isatty(STDOUT_FILENO)) {
    fit.width = static_cast<std::size_t>(terminal_width());
    fit.keep = std::min<std::size_t>(2, cols.size());
    for (K k : {K::Started, K::Duration, K::Experiment, K::User, K::Host, K::Command, K::Commit, K::Parent, K::Tag,
                K::Param, K::Status})
      for (std::size_t c = cols.size(); c-- > 0;)
        if (cols[c].kind == k) fit.drop_first.push_back(c);
  }
  std::vector<bool> shown;
  std::size_t hidden = t.print(fit, &shown);
  bool any_marked = false;
  for (std::size_t c = 0; c < cols.size(); ++c) any_marked |= marked[c] && shown[c];
  if (any_marked && !ctx.quiet) fmt::print("* best in its column (lowest for losses and errors, else highest)\n");
  if (hidden && !ctx.quiet)
    fmt::print("({} of {} columns hidden to fit the terminal: choose them with --columns, or pipe the output for all)\n",
               hidden, cols.size());
  leave_to_exit(std::move(runs));
  leave_to_exit(std::move(t));
  return 0;
}

int run_show(Context& ctx, const ViewArgs& a) {
  Repo& repo = ctx.repo();
  RunStore store(repo.db());
  std::vector<Run> others;  // with --remote: the runs the remote holds
  Run r;
  if (a.from_remote()) {
    others = runs_on_remote(ctx, a);
    std::vector<const Run*> all;
    for (const auto& o : others) all.push_back(&o);
    r = others[find_run(all, a.runs.at(0), "on the remote")];
  } else {
    r = store.get(a.runs.at(0));
  }
  if (a.diff) {
    if (r.git_diff_id.empty()) {
      if (!ctx.quiet) note("run {} had no uncommitted changes\n", r.name);
      return 0;
    }
    if (a.from_remote() && !repo.store().has(ObjectId::parse(r.git_diff_id)))
      fail(ExitCode::Usage, "--diff reads the store: pull the run first (mlops exp pull {})", r.short_id());
    fmt::print("{}", repo.store().read_verified(ObjectId::parse(r.git_diff_id)));
    return 0;
  }
  std::vector<Run> children;
  if (a.from_remote()) {
    for (auto& c : others)
      if (c.parent_id == r.id) children.push_back(std::move(c));
    sort_sweep_order(children);
  } else {
    children = store.children(r.id);
  }
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
    for (const auto& o : others)
      if (o.id == r.parent_id) parent = o.name + " (" + parent + ")";
    fmt::print("sweep      {}\n", parent);
  }
  fmt::print("started    {}\nduration   {}\ngit        {}{}\n", started(r), duration(r),
             r.git_commit.empty() ? "(no commit)" : r.git_commit.substr(0, 12),
             r.git_dirty ? " + uncommitted changes (mlops exp show --diff " + r.name + ")" : "");
  fmt::print("user       {}{}\n", r.user, r.host.empty() ? "" : "@" + r.host);
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
int run_compare(Context& ctx, const ViewArgs& a) {
  RunStore store(ctx.repo().db());
  std::vector<Run> runs;
  for (const auto& ref : a.runs) runs.push_back(store.get(ref));
  auto rows = compare_runs(runs);
  auto value = [](const CompareRow& row, std::size_t i) {
    return row.metric ? shown(std::nullopt, row.number[i]) : row.text[i];
  };
  if (a.json) {
    json j = {{"runs", json::array()}, {"rows", json::array()}};
    for (const auto& r : runs) j["runs"].push_back({{"id", r.id}, {"name", r.name}});
    for (const auto& row : rows) {
      json values = json::object();
      for (std::size_t i = 0; i < runs.size(); ++i) values[runs[i].name] = json_or_null(value(row, i));
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
      std::string v = value(row, i).value_or("-");
      if (row.best.count(i)) v = paint(v + "*", "1;32");
      out.push_back(v);
    }
    t.add(std::move(out));
  }
  if (a.md) fmt::print("{}\n", t.markdown());
  else t.print();
  if (!ctx.quiet || a.md) fmt::print("≠ differs between the runs; * best (lowest for losses and errors, else highest)\n");
  return 0;
}

// Two runs: only what changed, with the change of each metric.
int run_diff(Context& ctx, const ViewArgs& a) {
  RunStore store(ctx.repo().db());
  if (a.runs.size() != 2) fail(ExitCode::Usage, "exp diff takes two runs, not {}", a.runs.size());
  Run x = store.get(a.runs[0]), y = store.get(a.runs[1]);
  std::vector<RunChange> changes = diff_runs(x, y, a.all);
  if (a.json) {
    json arr = json::array();
    for (const auto& c : changes)
      arr.push_back({{"key", c.key},
                     {"old", json_or_null(shown(c.old_text, c.old_number))},
                     {"new", json_or_null(shown(c.new_text, c.new_number))},
                     {"change", c.delta ? json(*c.delta) : json()}});
    print_json({{"old", x.id}, {"new", y.id}, {"changes", arr}});
    return 0;
  }
  if (changes.empty()) {
    if (!ctx.quiet || a.md) fmt::print("No differences between {} and {}.\n", a.md ? markdown_cell(x.name) : x.name,
                                       a.md ? markdown_cell(y.name) : y.name);
    return 0;
  }
  Table t({"KEY", x.name, y.name, "CHANGE"});
  for (const auto& c : changes) {
    std::string delta;
    if (c.delta) {
      delta = fmt::format("{}{}", *c.delta > 0 ? "+" : "", number(*c.delta));
      if (*c.delta != 0) delta = paint(delta, c.improved() ? "32" : "31");
    }
    t.add({c.key, shown(c.old_text, c.old_number).value_or("-"), shown(c.new_text, c.new_number).value_or("-"), delta});
  }
  if (a.md) fmt::print("{}", t.markdown());
  else t.print();
  return 0;
}

// ---- best / export ----------------------------------------------------------
int run_best(Context& ctx, const ViewArgs& a) {
  if (a.metric.empty()) fail(ExitCode::Usage, "name the metric: exp best --metric NAME");
  RunStore store(ctx.repo().db());
  auto runs = select_runs(store, {}, a.filter);
  Goal goal = a.min ? Goal::Min : a.max ? Goal::Max : default_goal(a.metric);
  // The run's final value, or with --any-step its best step.
  RunField f = field_named((a.any_step ? (goal == Goal::Min ? "min." : "max.") : "metrics.") + a.metric, "--metric");
  auto index = best_run(runs, f, goal);
  const Run* winner = index ? &runs[*index] : nullptr;
  std::optional<double> best = winner ? f.number(*winner) : std::nullopt;
  std::size_t with_metric = std::count_if(runs.begin(), runs.end(), [&](const Run& r) { return f.number(r).has_value(); });
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
  for (const auto& name : without) note("mlops: warning: run {} has no metric '{}'\n", name, a.metric);
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
  if (!ctx.quiet) note("wrote {}\n", a.output);
  return 0;
}

CLI::App* with_runs(CLI::App* sub, ViewArgs& a, bool required, const char* help = "Run ids, id prefixes or names") {
  auto* opt = sub->add_option("runs", a.runs, help)->type_name("RUN");
  if (required) opt->required();
  return sub;
}

void with_remote(CLI::App* sub, ViewArgs& a, const char* help) {
  sub->add_flag("--remote", a.remote, help);
  sub->add_option("-r", a.remote_name, "The remote for --remote (default: the default remote)")->type_name("NAME");
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
    with_remote(sub, *a, "List the runs a remote holds (default: the default remote), without pulling them");
    bind(sub, ctx, a, run_list);
  });
  command(exp, "show", "Show one run: params, metrics, tags, code and data versions, machine", [&ctx](CLI::App* sub) {
    auto a = std::make_shared<ViewArgs>();
    sub->add_option("run", a->runs, "Run id, id prefix or name")->required()->expected(1)->type_name("RUN");
    sub->add_flag("--diff", a->diff, "Print the uncommitted changes the run ran with, as a patch");
    sub->add_flag("--json", a->json, "Print JSON");
    with_remote(sub, *a, "Show a run a remote holds, without pulling it");
    bind(sub, ctx, a, run_show);
  });
  command(exp, "compare", "Params and metrics of runs side by side, differences and best marked",
          [&ctx](CLI::App* sub) {
            auto a = std::make_shared<ViewArgs>();
            with_runs(sub, *a, true)->get_option("runs")->expected(2, 1 << 20);
            auto* j = sub->add_flag("--json", a->json, "Print JSON");
            sub->add_flag("--md", a->md, "Print a GitHub-flavoured Markdown table")->excludes(j);
            bind(sub, ctx, a, run_compare);
          });
  command(exp, "diff", "What changed from one run to another: params, metrics, tags, data, commit",
          [&ctx](CLI::App* sub) {
            auto a = std::make_shared<ViewArgs>();
            with_runs(sub, *a, true, "Two runs: old and new")->get_option("runs")->expected(2);
            sub->add_flag("-a,--all", a->all, "Show unchanged values too");
            auto* j = sub->add_flag("--json", a->json, "Print JSON");
            sub->add_flag("--md", a->md, "Print a GitHub-flavoured Markdown table")->excludes(j);
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

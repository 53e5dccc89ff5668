// mlops exp: run commands as experiment runs, log to them, list and show them.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include <fmt/format.h>

#include "context.hpp"
#include "core/error.hpp"
#include "exp/run_command.hpp"
#include "exp/run_filter.hpp"
#include "exp/run_store.hpp"
#include "output.hpp"

namespace mlops::cli {

namespace {

using nlohmann::json;

std::map<std::string, std::string> key_values(const std::vector<std::string>& items, const char* what) {
  std::map<std::string, std::string> out;
  for (const auto& kv : items) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      fail(ExitCode::Usage, "{} '{}' is not KEY=VALUE", what, kv);
    out[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return out;
}

std::string duration(const Run& r) {
  if (!r.ended_at) return "";
  return fmt::format("{:.1f}s", static_cast<double>(r.ended_at - r.started_at) / 1000.0);
}

std::string started(const Run& r) {
  std::time_t t = static_cast<std::time_t>(r.started_at / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string number(double v) { return fmt::format("{:.6g}", v); }

json run_json(const Run& r) {
  json metrics = json::object();
  for (const auto& [k, m] : r.metrics)
    metrics[k] = {{"last", m.last}, {"step", m.step}, {"min", m.min}, {"max", m.max}, {"count", m.count}};
  return {{"id", r.id},
          {"name", r.name},
          {"experiment", r.experiment},
          {"status", r.status},
          {"command", r.command},
          {"git_commit", r.git_commit},
          {"git_dirty", r.git_dirty},
          {"started_at", r.started_at},
          {"ended_at", r.ended_at ? json(r.ended_at) : json()},
          {"exit_code", r.exit_code ? json(*r.exit_code) : json()},
          {"user", r.user},
          {"host", r.host},
          {"peak_rss_kib", r.peak_rss_kib ? json(*r.peak_rss_kib) : json()},
          {"params", r.params},
          {"tags", r.tags},
          {"metrics", metrics}};
}

// ---- run --------------------------------------------------------------------
struct RunArgs {
  std::string name, experiment = "default", metrics;
  std::vector<std::string> params, tags, artifacts;
  bool json = false;
};

int run_run(Context& ctx, const RunArgs& a) {
  Repo& repo = ctx.repo();
  RunSpec spec;
  spec.command = ctx.command;
  spec.name = a.name;
  spec.experiment = a.experiment;
  spec.params = key_values(a.params, "param");
  spec.tags = key_values(a.tags, "tag");
  for (const auto& p : a.artifacts) spec.artifacts.push_back(repo.relative_path(p, ctx.cwd()));
  if (!a.metrics.empty()) spec.metrics_file = repo.relative_path(a.metrics, ctx.cwd());
  RunSinks sinks{[](const char* d, std::size_t n) { (void)::write(STDOUT_FILENO, d, n); },
                 [](const char* d, std::size_t n) { (void)::write(STDERR_FILENO, d, n); }};
  RunResult r = run_experiment(repo, spec, sinks);
  for (const auto& w : r.warnings) fmt::print(stderr, "mlops: warning: {}\n", w);
  if (a.json) print_json(run_json(r.run));
  else if (!ctx.quiet)
    fmt::print(stderr, "mlops: run {} ({}) {} in {}{}\n", r.run.name, r.run.short_id(), r.run.status, duration(r.run),
               r.run.exit_code ? fmt::format(", exit code {}", *r.run.exit_code) : "");
  return r.exit_status;
}

// ---- log --------------------------------------------------------------------
struct LogArgs {
  std::string kind, key, value, run;
  long long step = -1;
};

int run_log(Context& ctx, const LogArgs& a) {
  std::string ref = a.run;
  if (ref.empty())
    if (const char* env = std::getenv("MLOPS_RUN_ID")) ref = env;
  if (ref.empty()) fail(ExitCode::Usage, "which run? give --run RUN, or call this from inside 'mlops exp run'");
  RunStore runs(ctx.repo().db());
  Run run = runs.get(ref);
  if (a.kind == "metric") {
    char* end = nullptr;
    double v = std::strtod(a.value.c_str(), &end);
    if (a.value.empty() || *end != '\0') fail(ExitCode::Usage, "metric {}: '{}' is not a number", a.key, a.value);
    std::int64_t step = a.step;
    if (step < 0) step = run.metrics.count(a.key) ? run.metrics[a.key].step + 1 : 0;
    runs.log_metrics(run.id, {{a.key, step, v, now_ms()}});
  } else if (a.kind == "param") {
    runs.set_params(run.id, {{a.key, a.value}});
  } else if (a.kind == "tag") {
    runs.set_tags(run.id, {{a.key, a.value}});
  } else {
    fail(ExitCode::Usage, "exp log takes metric, param or tag, not '{}'", a.kind);
  }
  return 0;
}

// ---- list / show ------------------------------------------------------------
struct ListArgs {
  std::string sort, filter;
  bool desc = false, json = false, csv = false;
  std::size_t limit = 0;
  std::string run;
};

// The value a sort key names in a run; numbers sort as numbers.
std::pair<bool, std::string> sort_value(const Run& r, const std::string& key, double& num) {
  if (key.rfind("metrics.", 0) == 0) {
    auto it = r.metrics.find(key.substr(8));
    if (it == r.metrics.end()) return {false, {}};
    num = it->second.last;
    return {true, {}};
  }
  std::string v = key == "name" ? r.name : key == "status" ? r.status : key == "started" ? std::to_string(r.started_at) : "";
  if (key.rfind("params.", 0) == 0 && r.params.count(key.substr(7))) v = r.params.at(key.substr(7));
  if (key.rfind("tags.", 0) == 0 && r.tags.count(key.substr(5))) v = r.tags.at(key.substr(5));
  char* end = nullptr;
  num = std::strtod(v.c_str(), &end);
  return {!v.empty() && *end == '\0', v};
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

int run_list(Context& ctx, const ListArgs& a) {
  RunFilter filter = RunFilter::parse(a.filter);  // before any work: a typo fails fast
  auto runs = RunStore(ctx.repo().db()).list();
  if (!a.filter.empty()) std::erase_if(runs, [&](const Run& r) { return !filter.matches(r); });
  if (!a.sort.empty()) {
    static const std::set<std::string> plain = {"name", "status", "started"};
    if (!plain.count(a.sort) && a.sort.rfind("metrics.", 0) && a.sort.rfind("params.", 0) && a.sort.rfind("tags.", 0))
      fail(ExitCode::Usage, "cannot sort by '{}': use name, status, started, params.KEY, metrics.KEY or tags.KEY", a.sort);
    std::stable_sort(runs.begin(), runs.end(), [&](const Run& x, const Run& y) {
      double nx = 0, ny = 0;
      auto [okx, sx] = sort_value(x, a.sort, nx);
      auto [oky, sy] = sort_value(y, a.sort, ny);
      bool has_x = okx || !sx.empty(), has_y = oky || !sy.empty();
      if (has_x != has_y) return has_x;  // runs without the key go last
      bool less = okx && oky ? nx < ny : sx < sy;
      bool greater = okx && oky ? nx > ny : sx > sy;
      return a.desc ? greater : less;
    });
  }
  if (a.limit && runs.size() > a.limit) runs.resize(a.limit);
  std::set<std::string> param_keys, metric_keys;
  for (const auto& r : runs) {
    for (const auto& [k, v] : r.params) param_keys.insert(k);
    for (const auto& [k, v] : r.metrics) metric_keys.insert(k);
  }
  if (a.json) {
    json arr = json::array();
    for (const auto& r : runs) arr.push_back(run_json(r));
    print_json(arr);
    return 0;
  }
  std::vector<std::string> header = {"ID", "NAME", "EXPERIMENT", "STATUS", "STARTED", "DURATION"};
  for (const auto& k : param_keys) header.push_back("params." + k);
  for (const auto& k : metric_keys) header.push_back("metrics." + k);
  auto row_of = [&](const Run& r) {
    std::vector<std::string> row = {r.short_id(), r.name, r.experiment, r.status, started(r), duration(r)};
    for (const auto& k : param_keys) row.push_back(r.params.count(k) ? r.params.at(k) : "");
    for (const auto& k : metric_keys) row.push_back(r.metrics.count(k) ? number(r.metrics.at(k).last) : "");
    return row;
  };
  if (a.csv) {
    for (auto& h : header)
      if (h.find('.') == std::string::npos)
        std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::tolower(c); });
    auto print_row = [](const std::vector<std::string>& row) {
      std::string line;
      for (const auto& f : row) line += (line.empty() ? "" : ",") + csv_field(f);
      fmt::print("{}\n", line);
    };
    print_row(header);
    for (const auto& r : runs) {
      auto row = row_of(r);
      row[0] = r.id;
      print_row(row);
    }
    return 0;
  }
  if (runs.empty()) {
    if (!ctx.quiet) fmt::print("No runs yet (start one with 'mlops exp run -- COMMAND').\n");
    return 0;
  }
  Table t(header);
  for (const auto& r : runs) t.add(row_of(r));
  t.print();
  return 0;
}

int run_show(Context& ctx, const ListArgs& a) {
  Run r = RunStore(ctx.repo().db()).get(a.run);
  if (a.json) {
    print_json(run_json(r));
    return 0;
  }
  fmt::print("run        {} ({})\nid         {}\nexperiment {}\nstatus     {}{}\ncommand    {}\n", r.name, r.short_id(),
             r.id, r.experiment, r.status, r.exit_code ? fmt::format(" (exit code {})", *r.exit_code) : "", r.command);
  fmt::print("started    {}\nduration   {}\ngit        {}{}\nuser       {}@{}\n", started(r), duration(r),
             r.git_commit.empty() ? "(no commit)" : r.git_commit.substr(0, 12), r.git_dirty ? " (dirty)" : "", r.user,
             r.host);
  if (r.peak_rss_kib) fmt::print("peak RSS   {}\n", human_size(static_cast<std::uint64_t>(*r.peak_rss_kib) * 1024));
  if (!r.params.empty()) {
    fmt::print("\nparams\n");
    for (const auto& [k, v] : r.params) fmt::print("  {} = {}\n", k, v);
  }
  if (!r.metrics.empty()) {
    Table t({"METRIC", "LAST", "STEP", "MIN", "MAX", "POINTS"});
    for (const auto& [k, m] : r.metrics)
      t.add({k, number(m.last), std::to_string(m.step), number(m.min), number(m.max), std::to_string(m.count)});
    fmt::print("\n");
    t.print();
  }
  if (!r.tags.empty()) {
    fmt::print("\ntags\n");
    for (const auto& [k, v] : r.tags) fmt::print("  {} = {}\n", k, v);
  }
  return 0;
}

// ---- tag / rename / rm ------------------------------------------------------
struct EditArgs {
  std::string run, name;
  std::vector<std::string> runs, tags;
};

int run_tag(Context& ctx, const EditArgs& a) {
  RunStore runs(ctx.repo().db());
  Run r = runs.get(a.run);
  runs.set_tags(r.id, key_values(a.tags, "tag"));
  return 0;
}

int run_rename(Context& ctx, const EditArgs& a) {
  RunStore runs(ctx.repo().db());
  Run r = runs.get(a.run);
  runs.rename(r.id, a.name);
  if (!ctx.quiet) fmt::print("renamed {} ({}) to {}\n", r.name, r.short_id(), a.name);
  return 0;
}

int run_rm(Context& ctx, const EditArgs& a) {
  RunStore runs(ctx.repo().db());
  std::vector<Run> found;
  for (const auto& ref : a.runs) found.push_back(runs.get(ref));  // all resolve, or nothing is removed
  std::vector<std::string> ids;
  for (const auto& r : found) ids.push_back(r.id);
  runs.remove(ids);
  if (!ctx.quiet)
    for (const auto& r : found) fmt::print("removed run {} ({})\n", r.name, r.short_id());
  return 0;
}

}  // namespace

void register_exp_commands(CLI::App& app, Context& ctx) {
  auto* exp = app.add_subcommand("exp", "Experiment runs: run commands as runs, log to them, list and show them");
  exp->require_subcommand(1);
  {
    auto a = std::make_shared<RunArgs>();
    auto* sub = exp->add_subcommand("run", "Run a command as an experiment run: mlops exp run [OPTIONS] -- CMD ARGS...");
    sub->add_option("-n,--name", a->name, "Run name (default: generated)");
    sub->add_option("-e,--experiment", a->experiment, "Experiment the run belongs to")->capture_default_str();
    sub->add_option("-p,--param", a->params, "Parameter KEY=VALUE (repeatable)")->type_name("KEY=VALUE");
    sub->add_option("--tag", a->tags, "Tag KEY=VALUE (repeatable)")->type_name("KEY=VALUE");
    sub->add_option("--artifact", a->artifacts, "File or folder to keep with the run (repeatable)")->type_name("PATH");
    sub->add_option("--metrics", a->metrics, "JSON or YAML file of final metrics, read at the end")->type_name("FILE");
    sub->add_flag("--json", a->json, "Print the run as JSON at the end");
    sub->footer("The command and its arguments follow '--': mlops exp run -p lr=0.1 -- python train.py");
    bind(sub, ctx, a, run_run);
  }
  {
    auto a = std::make_shared<LogArgs>();
    auto* sub = exp->add_subcommand("log", "Log a metric, param or tag to a run (default: $MLOPS_RUN_ID)");
    sub->add_option("kind", a->kind, "metric, param or tag")->required()->check(CLI::IsMember({"metric", "param", "tag"}));
    sub->add_option("key", a->key, "Name")->required();
    sub->add_option("value", a->value, "Value")->required();
    sub->add_option("--step", a->step, "Step of a metric (default: the next one)")->check(CLI::NonNegativeNumber);
    sub->add_option("--run", a->run, "Run id, id prefix or name")->type_name("RUN");
    bind(sub, ctx, a, run_log);
  }
  {
    auto a = std::make_shared<ListArgs>();
    auto* sub = exp->add_subcommand("list", "List runs with params and last metric values");
    sub->add_option("--filter", a->filter, "Only runs matching EXPR, e.g. 'metrics.acc > 0.9 and params.lr = 0.01'")
        ->type_name("EXPR");
    sub->add_option("--sort", a->sort, "Sort by name, status, started, params.KEY, metrics.KEY or tags.KEY")->type_name("KEY");
    sub->add_flag("--desc", a->desc, "Sort in descending order");
    sub->add_option("--limit", a->limit, "Show at most N runs")->type_name("N");
    auto* j = sub->add_flag("--json", a->json, "Print JSON");
    sub->add_flag("--csv", a->csv, "Print CSV")->excludes(j);
    bind(sub, ctx, a, run_list);
  }
  {
    auto a = std::make_shared<EditArgs>();
    auto* sub = exp->add_subcommand("tag", "Set tags on a run");
    sub->add_option("run", a->run, "Run id, id prefix or name")->required();
    sub->add_option("tags", a->tags, "KEY=VALUE")->required()->type_name("KEY=VALUE");
    bind(sub, ctx, a, run_tag);
  }
  {
    auto a = std::make_shared<EditArgs>();
    auto* sub = exp->add_subcommand("rename", "Give a run a new name");
    sub->add_option("run", a->run, "Run id, id prefix or name")->required();
    sub->add_option("name", a->name, "New name (unique)")->required();
    bind(sub, ctx, a, run_rename);
  }
  {
    auto a = std::make_shared<EditArgs>();
    auto* sub = exp->add_subcommand("rm", "Delete runs (their artifacts stay in the store until gc)");
    sub->add_option("runs", a->runs, "Run ids, id prefixes or names")->required()->type_name("RUN");
    bind(sub, ctx, a, run_rm);
  }
  {
    auto a = std::make_shared<ListArgs>();
    auto* sub = exp->add_subcommand("show", "Show one run: params, metrics, tags, code and data versions");
    sub->add_option("run", a->run, "Run id, id prefix or name")->required();
    sub->add_flag("--json", a->json, "Print JSON");
    bind(sub, ctx, a, run_show);
  }
}

}  // namespace mlops::cli

// mlops run (bring the pipeline up to date), mlops dag (show its graph),
// mlops params diff and mlops metrics show|diff.
#include <charconv>
#include <cmath>
#include <functional>
#include <fmt/format.h>

#include "context.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "output.hpp"
#include "data/checkout.hpp"
#include "exp/run_store.hpp"
#include "pipeline/dag.hpp"
#include "exp/run_format.hpp"
#include "pipeline/runner.hpp"
#include "pipeline/values_diff.hpp"
#include "tracking/tracking.hpp"

namespace mlops::cli {

namespace {

using nlohmann::json;

struct RunArgs {
  std::vector<std::string> stages, set_params, tags;
  std::string name, experiment, parent;
  unsigned jobs = 1;
  bool force = false, dry_run = false, downstream = false, keep_going = false, json = false;
};

json report_json(const StageReport& r) {
  return {{"stage", r.name}, {"outcome", outcome_name(r.outcome)}, {"reasons", r.reasons}, {"seconds", r.seconds}};
}

int run_run(Context& ctx, const RunArgs& a) {
  Repo& repo = ctx.repo();
  PipelineOptions opts;
  opts.targets = a.stages;
  opts.jobs = a.jobs;
  opts.force = a.force;
  opts.dry_run = a.dry_run;
  opts.downstream = a.downstream;
  opts.keep_going = a.keep_going;
  for (const auto& s : a.set_params) opts.set_params.push_back(parse_param_setting(s));
  opts.run_name = a.name;
  opts.experiment = a.experiment;
  opts.tags = key_values(a.tags, "tag");
  if (!a.parent.empty()) {
    // A run of a pipeline sweep, in its fresh worktree: the data first.
    opts.parent_id = RunStore(repo.db()).get(a.parent).id;
    checkout(repo, {}, CheckoutOptions{}, tracked_sources(), nullptr);
  }
  bool quiet = ctx.quiet || a.json;
  PipelineCallbacks cb;
  cb.on_start = [&](const std::string& stage, const std::vector<std::string>& reasons) {
    if (!quiet) fmt::print("Running stage {} ({})\n", stage, fmt::join(reasons, "; "));
    std::fflush(stdout);
  };
  cb.on_done = [&](const StageReport& r) {
    if (!r.output.empty() && !a.json) {
      fmt::print("--- output of stage {} ---\n{}", r.name, r.output);
      if (r.output.back() != '\n') fmt::print("\n");
    }
    if (quiet && r.outcome != StageOutcome::Failed) return;
    switch (r.outcome) {
      case StageOutcome::UpToDate: fmt::print("Stage {} is up to date\n", r.name); break;
      case StageOutcome::Frozen: fmt::print("Stage {} is frozen\n", r.name); break;
      case StageOutcome::Restored:
        fmt::print("Restored the outputs of stage {} from the run cache ({})\n", r.name, fmt::join(r.reasons, "; "));
        break;
      case StageOutcome::Ran: fmt::print("Stage {} ran in {:.2f}s\n", r.name, r.seconds); break;
      case StageOutcome::Failed:
        note("mlops: error: stage {} failed: {}\n", r.name, fmt::join(r.reasons, "; "));
        break;
      case StageOutcome::Skipped: fmt::print("Stage {} skipped: {}\n", r.name, fmt::join(r.reasons, "; ")); break;
      case StageOutcome::Interrupted: note("mlops: stage {} interrupted\n", r.name); break;
      case StageOutcome::WouldRun: break;
    }
    std::fflush(stdout);
  };
  PipelineResult res = run_pipeline(repo, opts, cb);
  if (a.dry_run) {
    if (a.json) {
      json arr = json::array();
      for (const auto& r : res.stages) arr.push_back(report_json(r));
      print_json(arr);
    } else {
      for (const auto& r : res.stages) {
        if (r.outcome == StageOutcome::WouldRun) fmt::print("Would run stage {}: {}\n", r.name, fmt::join(r.reasons, "; "));
        else fmt::print("Stage {} is {}\n", r.name, outcome_name(r.outcome));
      }
    }
    return 0;
  }
  if (a.json) {
    json arr = json::array();
    for (const auto& r : res.stages) arr.push_back(report_json(r));
    print_json({{"ok", res.ok}, {"stages", arr}, {"run", res.run_id.empty() ? json() : json(res.run_id)}});
  } else if (!ctx.quiet && !res.run_id.empty()) {
    fmt::print("Recorded as run {} ({}); see 'mlops exp show {}'\n", res.run_name, res.run_id.substr(0, 8), res.run_name);
    if (a.parent.empty()) print_git_hint(res.git_files, false);  // a sweep's worktree goes away
  } else if (!ctx.quiet && (!a.name.empty() || !a.tags.empty())) {
    note("mlops: no stage command ran, so no run was recorded (named or tagged)\n");
  } else if (!ctx.quiet && res.stages.empty()) {
    fmt::print("No stages in mlops.yaml: nothing to run.\n");
  }
  return res.exit_code();
}

struct DagArgs {
  bool dot = false, mermaid = false, json = false;
};

int run_dag(Context& ctx, const DagArgs& a) {
  Pipeline p = load_pipeline(ctx.repo());
  Dag d = build_dag(p);
  auto name = [&](std::size_t i) { return p.stages[i].name; };
  if (a.json) {
    json stages = json::array();
    for (auto i : d.order) {
      json needs = json::array();
      for (auto u : d.upstream[i]) needs.push_back(name(u));
      stages.push_back({{"stage", name(i)}, {"cmd", p.stages[i].cmd}, {"needs", needs}, {"deps", p.stages[i].deps},
                        {"outs", p.stages[i].outs}});
    }
    print_json(stages);
  } else if (a.dot) {
    fmt::print("digraph pipeline {{\n  rankdir=LR;\n");
    for (auto i : d.order) fmt::print("  \"{}\";\n", name(i));
    for (auto i : d.order)
      for (auto u : d.upstream[i]) fmt::print("  \"{}\" -> \"{}\";\n", name(u), name(i));
    fmt::print("}}\n");
  } else if (a.mermaid) {
    fmt::print("flowchart LR\n");
    for (auto i : d.order) fmt::print("  s{}[\"{}\"]\n", i, name(i));
    for (auto i : d.order)
      for (auto u : d.upstream[i]) fmt::print("  s{} --> s{}\n", u, i);
  } else if (p.stages.empty()) {
    if (!ctx.quiet) fmt::print("No stages in mlops.yaml.\n");
  } else {
    Table t({"STAGE", "NEEDS", "OUTS"});
    for (auto i : d.order) {
      std::vector<std::string> needs;
      for (auto u : d.upstream[i]) needs.push_back(name(u));
      t.add({name(i), needs.empty() ? "-" : fmt::format("{}", fmt::join(needs, ", ")),
             fmt::format("{}", fmt::join(p.stages[i].outs, ", "))});
    }
    t.print();
  }
  return 0;
}

// ---- params diff / metrics show / metrics diff -------------------------------
struct ValuesArgs {
  std::vector<std::string> revs, targets;
  bool all = false, json = false, md = false;
};

std::optional<double> as_number(const std::optional<std::string>& s) { return s ? parse_number(*s) : std::nullopt; }

// A flattened value as JSON: a finite number stays a number (so that a CI gate
// like jq '.acc > 0.99' works); anything else is a string.
json value_json(const std::optional<std::string>& s) {
  if (!s) return json();
  if (auto x = parse_number(*s); x && std::isfinite(*x)) {
    std::int64_t whole = 0;
    auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), whole);
    if (ec == std::errc() && end == s->data() + s->size()) return json(whole);
    return json(*x);
  }
  return json(*s);
}

// REV..workspace by default HEAD..workspace; two revisions compare each other.
// The files are those named (as dvc's --targets), else those each side's own
// mlops.yaml names (`of`). A file that does not parse on one side is left
// out with a warning, and the rest compared.
int print_diff(Context& ctx, const ValuesArgs& a, std::vector<std::string> (*of)(const Pipeline&), bool numbers) {
  if (a.revs.size() > 2) fail(ExitCode::Usage, "give at most two revisions");
  Repo& repo = ctx.repo();
  std::string from = a.revs.empty() ? "HEAD" : a.revs[0], to = a.revs.size() > 1 ? a.revs[1] : "";
  std::vector<std::string> notes;
  std::vector<std::string> files = a.targets.empty() ? pipeline_files_at(repo, {from, to}, of, notes)
                                                     : ctx.rel_paths(a.targets);
  FileValues old_values = values_at(repo, files, from, &notes), new_values = values_at(repo, files, to, &notes);
  for (const auto& n : notes) note("mlops: warning: {}\n", n);
  std::string to_label = to.empty() ? "workspace" : to;
  // Files named (--targets) must be somewhere: a typo is not "no changes".
  std::vector<std::string> nowhere;
  if (!a.targets.empty())
    for (const auto& f : files)
      if (!old_values.count(f) && !new_values.count(f)) nowhere.push_back(f);
  if (!nowhere.empty())
    fail(ExitCode::Input, "not in {} nor {}: {}", from, to_label, fmt::join(nowhere, ", "));
  auto changes = diff_values(old_values, new_values, a.all);
  if (a.json) {
    json arr = json::array();
    for (const auto& c : changes) {
      json o = {{"file", c.file}, {"key", c.key}, {"old", value_json(c.old_value)}, {"new", value_json(c.new_value)}};
      if (numbers)
        if (auto x = as_number(c.old_value), y = as_number(c.new_value); x && y) o["change"] = *y - *x;
      arr.push_back(o);
    }
    print_json({{"old", from}, {"new", to_label}, {"changes", arr}});
    return 0;
  }
  if (changes.empty()) {
    if (!ctx.quiet || a.md) fmt::print("No changes between {} and {}.\n", a.md ? markdown_cell(from) : from,
                                       a.md ? markdown_cell(to_label) : to_label);
    return 0;
  }
  std::vector<std::string> header = {"FILE", "KEY", from, to_label};
  if (numbers) header.push_back("CHANGE");
  Table t(header);
  for (const auto& c : changes) {
    std::vector<std::string> row = {c.file, c.key, c.old_value.value_or("-"), c.new_value.value_or("-")};
    if (numbers) {
      auto x = as_number(c.old_value), y = as_number(c.new_value);
      row.push_back(x && y ? fmt::format("{:+.6g}", *y - *x) : "");
    }
    t.add(row);
  }
  if (a.md) fmt::print("{}", t.markdown());
  else t.print();
  return 0;
}

// The files named (as dvc's --targets), else the pipeline's.
std::vector<std::string> files_or(Context& ctx, const ValuesArgs& a,
                                  const std::function<std::vector<std::string>(const Pipeline&)>& of_pipeline) {
  if (!a.targets.empty()) return ctx.rel_paths(a.targets);
  return of_pipeline(load_pipeline(ctx.repo()));
}

int run_params_diff(Context& ctx, const ValuesArgs& a) { return print_diff(ctx, a, params_files, false); }

int run_metrics_diff(Context& ctx, const ValuesArgs& a) { return print_diff(ctx, a, metrics_files, true); }

int run_metrics_show(Context& ctx, const ValuesArgs& a) {
  std::vector<std::string> files = files_or(ctx, a, metrics_files);
  FileValues v = values_at(ctx.repo(), files, "");
  std::vector<std::string> missing;  // files named that are not there: an error, not "no metrics yet"
  if (!a.targets.empty())
    for (const auto& f : files)
      if (!v.count(f)) missing.push_back(f);
  if (!missing.empty()) fail(ExitCode::Input, "no such metrics file: {}", fmt::join(missing, ", "));
  if (a.json) {
    json out = json::object();
    for (const auto& [file, kv] : v)
      for (const auto& [k, value] : kv) out[file][k] = value_json(value);
    print_json(out);
    return 0;
  }
  if (v.empty()) {
    if (!ctx.quiet) fmt::print("No metrics files yet (run 'mlops run').\n");
    return 0;
  }
  Table t({"FILE", "KEY", "VALUE"});
  for (const auto& [file, kv] : v)
    for (const auto& [k, val] : kv) t.add({file, k, val});
  t.print();
  return 0;
}

}  // namespace

void register_pipeline_commands(CLI::App& app, Context& ctx) {
  command(&app, "run", "Bring the pipeline in mlops.yaml up to date (stages in dependency order)",
          [&ctx](CLI::App* sub) {
            auto a = std::make_shared<RunArgs>();
            sub->add_option("stages", a->stages, "Stages to bring up to date, with what they depend on (default: all)")
                ->type_name("STAGE");
            sub->add_option("-j,--jobs", a->jobs, "Stages to run at once")->check(CLI::Range(1u, 256u));
            sub->add_flag("-f,--force", a->force, "Run the stages even when they are up to date");
            sub->add_flag("-n,--dry-run", a->dry_run, "Only say what would run, and why");
            sub->add_flag("--downstream", a->downstream, "The stages named and everything that depends on them");
            sub->add_flag("-k,--keep-going", a->keep_going, "After a failure, run the stages that do not depend on it");
            sub->add_option("-S,--set-param", a->set_params,
                            "Set [FILE:]KEY=VALUE in a params file (default params.yaml) first, and record it")
                ->type_name("[FILE:]KEY=VALUE");
            sub->add_option("--name", a->name, "Name the experiment run it records")->type_name("NAME");
            sub->add_option("--experiment", a->experiment, "Record the run in this experiment (default: pipeline)")
                ->type_name("NAME");
            sub->add_option("--tag", a->tags, "Tag the run it records (repeatable)")->type_name("KEY=VALUE");
            sub->add_option("--parent", a->parent,
                            "Record the run as part of the sweep RUN, after a checkout (exp run --pipeline sets it)")
                ->type_name("RUN");
            sub->add_flag("--json", a->json, "Print JSON");
            bind(sub, ctx, a, run_run);
          });
  command(&app, "dag", "Show the pipeline's stages and what each needs", [&ctx](CLI::App* sub) {
    auto a = std::make_shared<DagArgs>();
    auto* dot = sub->add_flag("--dot", a->dot, "Graphviz dot");
    auto* mer = sub->add_flag("--mermaid", a->mermaid, "Mermaid flowchart")->excludes(dot);
    sub->add_flag("--json", a->json, "Print JSON")->excludes(dot)->excludes(mer);
    bind(sub, ctx, a, run_dag);
  });
  command(&app, "params", "The pipeline's params: what changed since a revision", [&ctx](CLI::App* params) {
    params->require_subcommand(1);
    command(params, "diff", "Params changed from REV (default HEAD) to the work tree, or between two revisions",
            [&ctx](CLI::App* sub) {
              auto a = std::make_shared<ValuesArgs>();
              sub->add_option("revs", a->revs, "REV [REV]")->type_name("REV");
              sub->add_option("--targets", a->targets, "Params files to compare (default: the pipeline's; repeatable)")
                  ->type_name("FILE");
              sub->add_flag("-a,--all", a->all, "Show unchanged values too");
              auto* j = sub->add_flag("--json", a->json, "Print JSON");
              sub->add_flag("--md", a->md, "Print a GitHub-flavoured Markdown table")->excludes(j);
              bind(sub, ctx, a, run_params_diff);
            });
  });
  command(&app, "metrics", "The pipeline's metrics files: show them, or what changed", [&ctx](CLI::App* metrics) {
    metrics->require_subcommand(1);
    command(metrics, "show", "The values in the stages' metrics files", [&ctx](CLI::App* show) {
      auto s = std::make_shared<ValuesArgs>();
      show->add_option("targets", s->targets, "Metrics files to show (default: the pipeline's)")->type_name("FILE");
      show->add_flag("--json", s->json, "Print JSON");
      bind(show, ctx, s, run_metrics_show);
    });
    command(metrics, "diff", "Metrics changed from REV (default HEAD) to the work tree, or between two revisions",
            [&ctx](CLI::App* sub) {
              auto a = std::make_shared<ValuesArgs>();
              sub->add_option("revs", a->revs, "REV [REV]")->type_name("REV");
              sub->add_option("--targets", a->targets, "Metrics files to compare (default: the pipeline's; repeatable)")
                  ->type_name("FILE");
              sub->add_flag("-a,--all", a->all, "Show unchanged values too");
              auto* j = sub->add_flag("--json", a->json, "Print JSON");
              sub->add_flag("--md", a->md, "Print a GitHub-flavoured Markdown table")->excludes(j);
              bind(sub, ctx, a, run_metrics_diff);
            });
  });
}

}  // namespace mlops::cli

// mlops exp: run commands as experiment runs (one, or a sweep of them), log
// to them, tag, rename and remove them. Reading runs back: exp_views.cpp.
#include <unistd.h>

#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "context.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "exp/artifact_get.hpp"
#include "exp/run_command.hpp"
#include "exp/run_journal.hpp"
#include "exp/run_names.hpp"
#include "exp/run_sharing.hpp"
#include "exp/run_store.hpp"
#include "tracking/pipeline_sweep.hpp"
#include "tracking/run_apply.hpp"
#include "exp/sweep.hpp"
#include "output.hpp"
#include "exp/run_format.hpp"

namespace mlops::cli {

void register_exp_view_commands(CLI::App* exp, Context& ctx);
void register_exp_share_commands(CLI::App* exp, Context& ctx);

namespace {

// ---- run --------------------------------------------------------------------
struct RunArgs {
  std::string name, experiment, metrics, parent;
  std::vector<std::string> params, tags, artifacts, set_params, stages;
  int jobs = 1;
  bool json = false, pipeline = false;
  std::string experiment_or(const char* fallback) const { return experiment.empty() ? fallback : experiment; }
};

int run_one(Context& ctx, const RunArgs& a, std::map<std::string, std::string> params) {
  Repo& repo = ctx.repo();
  RunSpec spec;
  spec.command = ctx.command;
  spec.name = a.name;
  spec.experiment = a.experiment_or("default");
  spec.params = std::move(params);
  spec.tags = key_values(a.tags, "tag");
  if (!a.parent.empty()) spec.parent_id = RunStore(repo.db()).get(a.parent).id;
  for (const auto& p : a.artifacts) spec.artifacts.push_back(repo.relative_path(p, ctx.cwd()));
  if (!a.metrics.empty()) spec.metrics_file = repo.relative_path(a.metrics, ctx.cwd());
  RunSinks sinks{[](const char* d, std::size_t n) { (void)::write(STDOUT_FILENO, d, n); },
                 [](const char* d, std::size_t n) { (void)::write(STDERR_FILENO, d, n); }};
  RunResult r = run_experiment(repo, spec, sinks);
  for (const auto& w : r.warnings) note("mlops: warning: {}\n", w);
  leave_sweep_warnings(repo, spec.parent_id, r.run.name, r.warnings);
  if (a.json) print_json(run_json(r.run));
  else if (!ctx.quiet)
    note("mlops: run {} ({}) {} in {}{}\n", r.run.name, r.run.short_id(), r.run.status, duration(r.run),
               r.run.exit_code ? fmt::format(", exit code {}", *r.run.exit_code) : "");
  return r.exit_status;
}

// A sweep (lib/exp/sweep.hpp): one line as it starts, one per run that ends
// (with -j), one at the end.
SweepCallbacks sweep_callbacks(Context& ctx, const RunArgs& a, const ParamGrid& g) {
  SweepCallbacks cb;
  cb.on_start = [&ctx, &a, &g](const Run& parent) {
    if (!ctx.quiet)
      note("mlops: sweep {} ({}): {} over {}\n", parent.name, parent.short_id(), plural(g.size(), "run", "runs"),
           plural(std::min<std::size_t>(a.jobs, g.size()), "job", "jobs"));
  };
  cb.on_run_end = [&ctx, &a, &g](const SweepRunEnd& end) {
    for (const auto& w : end.warnings) note("mlops: warning: run {}: {}\n", end.name, w);
    if (!end.output_tail.empty() && !end.interrupted) {
      note("mlops: run {} failed; the end of its output:\n", end.name);
      for (const auto& line : end.output_tail) note("  | {}\n", line);
    }
    if (ctx.quiet || a.jobs == 1) return;  // one at a time, each run printed its own
    std::string params;
    for (const auto& [k, v] : g[end.index]) params += fmt::format(" {}={}", k, v);
    note("mlops: [{}/{}] run {}{} {}\n", end.done, g.size(), end.name, params,
         end.exit_code == 0 ? std::string("finished")
         : end.interrupted  ? std::string("interrupted")
                            : fmt::format("failed (exit code {})", end.exit_code));
  };
  return cb;
}

int finish_sweep(Context& ctx, const RunArgs& a, const SweepResult& r, std::size_t runs) {
  if (!ctx.quiet)
    note("mlops: sweep {} ({}) {}: {} of {} finished{}{}{}\n", r.parent.name, r.parent.short_id(), r.parent.status,
         r.done - r.failed, runs, r.failed > r.interrupted ? fmt::format(", {} failed", r.failed - r.interrupted) : "",
         r.interrupted ? fmt::format(", {} interrupted", r.interrupted) : "",
         r.done < runs ? fmt::format(", {} not started", runs - r.done) : "");
  if (a.json) print_json(run_json(r.parent));
  return r.exit_code();
}

int run_sweep_command(Context& ctx, const RunArgs& a, ParamGrid grid) {
  SweepSpec spec;
  spec.name = a.name;
  spec.experiment = a.experiment_or("default");
  spec.command = ctx.command;
  spec.param_lists = key_values(a.params, "param");  // the parent's params are the swept lists as given
  spec.tags = key_values(a.tags, "tag");
  for (const auto& t : a.tags) spec.run_options.insert(spec.run_options.end(), {"--tag", t});
  for (const auto& p : a.artifacts) spec.run_options.insert(spec.run_options.end(), {"--artifact", p});
  if (!a.metrics.empty()) spec.run_options.insert(spec.run_options.end(), {"--metrics", a.metrics});
  spec.jobs = a.jobs;
  spec.quiet = ctx.quiet;
  spec.grid = std::move(grid);
  SweepResult r = run_sweep(ctx.repo(), spec, sweep_callbacks(ctx, a, spec.grid));
  return finish_sweep(ctx, a, r, spec.grid.size());
}

// exp run --pipeline: each combination of -S values a pipeline run in a
// worktree of its own (lib/tracking/pipeline_sweep.hpp).
int run_pipeline_sweep_command(Context& ctx, const RunArgs& a) {
  if (!ctx.command.empty())
    fail(ExitCode::Usage, "exp run --pipeline runs the pipeline in mlops.yaml: drop the command after --");
  if (!a.params.empty()) fail(ExitCode::Usage, "with --pipeline, set params files with -S [FILE:]KEY=VALUE, not -p");
  if (!a.artifacts.empty() || !a.metrics.empty())
    fail(ExitCode::Usage, "with --pipeline, the stages' outputs and metrics files are recorded: drop --artifact and --metrics");
  PipelineSweepSpec spec;
  spec.name = a.name;
  spec.experiment = a.experiment_or("pipeline");
  spec.grid = expand_grid(a.set_params);
  spec.settings = a.set_params;
  spec.stages = a.stages;
  spec.param_lists = key_values(a.set_params, "param");
  spec.tags = key_values(a.tags, "tag");
  spec.jobs = a.jobs;
  spec.quiet = ctx.quiet;
  SweepResult r = run_pipeline_sweep(ctx.repo(), spec, sweep_callbacks(ctx, a, spec.grid));
  return finish_sweep(ctx, a, r, spec.grid.size());
}

int run_run(Context& ctx, const RunArgs& a) {
  if (a.pipeline) return run_pipeline_sweep_command(ctx, a);
  if (!a.set_params.empty())
    fail(ExitCode::Usage, "-S sets params of the pipeline: add --pipeline (a command's params are -p KEY=VALUE)");
  if (!a.stages.empty())
    fail(ExitCode::Usage, "the command follows '--': mlops exp run [OPTIONS] -- {} (stages go with --pipeline)",
         fmt::join(a.stages, " "));
  // A child of a sweep takes its values whole; otherwise lists make a grid.
  if (!a.parent.empty()) return run_one(ctx, a, key_values(a.params, "param"));
  ParamGrid grid = expand_grid(a.params);
  if (grid.size() == 1) return run_one(ctx, a, grid[0]);
  return run_sweep_command(ctx, a, std::move(grid));
}

// ---- log --------------------------------------------------------------------
struct LogArgs {
  std::string kind, key, value, run;
  long long step = -1;
  bool sync = false;
};

int run_log(Context& ctx, const LogArgs& a) {
  bool artifact = a.kind == "artifact";
  if (artifact && !a.value.empty()) fail(ExitCode::Usage, "exp log artifact takes one PATH, not '{} {}'", a.key, a.value);
  if (!artifact && a.value.empty()) fail(ExitCode::Usage, "exp log {} needs a KEY and a VALUE", a.kind);
  if (!artifact) check_run_text(a.kind, a.key, a.kind == "metric" ? "" : a.value);
  JournalEntry entry;
  entry.key = a.key;
  entry.ts = now_ms();
  if (a.kind == "metric") {
    auto v = parse_number(a.value);
    if (!v) fail(ExitCode::Usage, "metric {}: '{}' is not a number", a.key, a.value);
    if (!std::isfinite(*v)) fail(ExitCode::Usage, "metric {}: '{}' is not a finite number", a.key, a.value);
    entry.value = *v;
    entry.step = a.step;
  } else {
    entry.kind = a.kind == "param" ? JournalEntry::Kind::Param : JournalEntry::Kind::Tag;
    entry.text = a.value;
  }
  // Inside `mlops exp run`, through the run's journal: no database to open.
  if (!artifact && !a.sync)
    if (auto journal = current_run_journal(a.run); journal && append_to_journal(*journal, entry)) return 0;

  std::string ref = a.run;
  if (ref.empty())
    if (const char* env = std::getenv("MLOPS_RUN_ID")) ref = env;
  if (ref.empty()) fail(ExitCode::Usage, "which run? give --run RUN, or call this from inside 'mlops exp run'");
  Repo& repo = ctx.repo();
  RunStore runs(repo.db());
  Run run = runs.get(ref, false);  // called once per value: only the id is needed
  // A live run named by name or id prefix: through its journal too, so that
  // default steps keep the order of the calls.
  if (!artifact && !a.sync && append_to_journal(run_journal_path(repo, run.id), entry)) return 0;
  if (artifact) {
    std::string rel = repo.relative_path(a.key, ctx.cwd());
    if (!log_artifact(repo, run.id, rel)) fail(ExitCode::Input, "{}: no such file or folder", a.key);
  } else if (entry.kind == JournalEntry::Kind::Metric) {
    runs.log_metrics(run.id, {{entry.key, entry.step, entry.value, entry.ts}});
  } else if (entry.kind == JournalEntry::Kind::Param) {
    runs.set_params(run.id, {{entry.key, entry.text}});
  } else {
    runs.set_tags(run.id, {{entry.key, entry.text}});
  }
  return 0;
}

// ---- tag / rename / rm ------------------------------------------------------
struct EditArgs {
  std::string run, name, remote, path, output;
  std::vector<std::string> runs, tags;
  bool force = false, from_remote = false;
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

// Every artifact of a run goes to a folder named after it.
std::string runs_name_for_output(Context& ctx, const std::string& ref) { return RunStore(ctx.repo().db()).get(ref, false).name; }

int run_get(Context& ctx, const EditArgs& a) {
  std::string run = a.run, path = a.path;
  if (run.starts_with("runs:/")) {  // MLflow's runs:/RUN/PATH
    if (!path.empty()) fail(ExitCode::Usage, "give runs:/RUN/PATH, or RUN PATH, not both");
    std::string rest = run.substr(6);
    run = rest.substr(0, rest.find('/'));
    path = rest.find('/') == std::string::npos ? "" : rest.substr(rest.find('/') + 1);
  }
  std::string name = fs::path(path).filename().string();
  if (name.empty()) name = fs::path(path.substr(0, path.find_last_not_of('/') + 1)).filename().string();
  std::string out = !a.output.empty() ? a.output : !path.empty() ? name : runs_name_for_output(ctx, run);
  auto got = get_run_artifact(ctx.repo(), run, path, ctx.cwd() / out, a.force);
  if (!ctx.quiet)
    fmt::print("{} of {} ({}) -> {} ({})\n", got.path.empty() ? "the artifacts" : got.path, got.run_name,
               got.run_id.substr(0, 8), out, human_size(got.size));
  return 0;
}

int run_exp_rm(Context& ctx, const EditArgs& a) {
  if (a.from_remote || !a.remote.empty()) {
    auto removed = remove_remote_runs(ctx.repo(), a.remote, a.runs);
    if (!ctx.quiet)
      for (const auto& r : removed) fmt::print("removed run {} from the remote (its objects go at the next gc -r)\n", r.text());
    return 0;
  }
  RunStore runs(ctx.repo().db());
  std::vector<Run> found;
  for (const auto& ref : a.runs) found.push_back(runs.get(ref));  // all resolve, or nothing is removed
  std::vector<std::string> ids;
  for (const auto& r : found) ids.push_back(r.id);
  runs.remove(ids);
  for (const auto& r : found)
    if (r.status != "running") remove_run_scratch(ctx.repo(), r.id);
  if (!ctx.quiet)
    for (const auto& r : found) fmt::print("removed run {} ({})\n", r.name, r.short_id());
  return 0;
}

int run_apply(Context& ctx, const EditArgs& a) {
  auto r = apply_run(ctx.repo(), a.run, a.force, a.remote);
  if (ctx.quiet) {
    for (const auto& w : r.warnings) note("mlops: warning: {}\n", w);
    return 0;
  }
  fmt::print("Applied run {} ({}): {}{}.\n", r.run_name, r.run_id.substr(0, 8),
             r.files.empty() ? "params and mlops.lock as they were" : fmt::format("wrote {}", fmt::join(r.files, ", ")),
             r.outputs.empty() ? "" : fmt::format("; restored {}", fmt::join(r.outputs, ", ")));
  if (!r.files.empty()) print_git_hint(r.files, false);
  for (const auto& w : r.warnings) note("mlops: warning: {}\n", w);
  return 0;
}

}  // namespace

void register_exp_commands(CLI::App& app, Context& ctx) {
  command(
      &app, "exp", "Experiment runs: run commands as runs, log to them, list, compare and plot them",
      [&ctx](CLI::App* exp) {
        exp->require_subcommand(1);
        command(
            exp, "run", "Run a command as an experiment run: mlops exp run [OPTIONS] -- CMD ARGS...",
            [&ctx](CLI::App* sub) {
              auto a = std::make_shared<RunArgs>();
              sub->add_option("-n,--name", a->name, "Run name (default: generated)");
              sub->add_option("-e,--experiment", a->experiment,
                              "Experiment the run belongs to (default: default; pipeline with --pipeline)");
              sub->add_option("-p,--param", a->params, "Parameter KEY=VALUE; KEY=V1,V2,... sweeps (repeatable)")
                  ->type_name("KEY=VALUE");
              sub->add_option("-j,--jobs", a->jobs, "Runs of a sweep at once")->check(CLI::Range(1, 256));
              sub->add_option("--tag", a->tags, "Tag KEY=VALUE (repeatable)")->type_name("KEY=VALUE");
              sub->add_option("--artifact", a->artifacts, "File or folder to keep with the run (repeatable)")
                  ->type_name("PATH");
              sub->add_option("--metrics", a->metrics, "JSON or YAML file of final metrics, read at the end")
                  ->type_name("FILE");
              sub->add_option("--parent", a->parent,
                              "Record the run as part of the sweep RUN (param values taken whole)")
                  ->type_name("RUN");
              sub->add_option("stages", a->stages, "With --pipeline: the stages to run (default: all)")
                  ->type_name("STAGE");
              sub->add_flag("--pipeline", a->pipeline,
                            "Run the pipeline (mlops.yaml) instead of a command, in a git worktree per combination");
              sub->add_option("-S,--set-param", a->set_params,
                              "With --pipeline: [FILE:]KEY=V1,V2,... set in a params file; lists sweep (repeatable)")
                  ->type_name("[FILE:]KEY=VALUE");
              sub->add_flag("--json", a->json, "Print the run as JSON at the end");
              sub->footer(
                  "The command and its arguments follow '--': mlops exp run -p lr=0.1 -- python train.py\n"
                  "Sweep: mlops exp run -p lr=0.1,0.01 -p batch=32,64 -j 2 -- python train.py ('\\,' keeps a comma)\n"
                  "Pipeline sweep: mlops exp run --pipeline -S train.lr=0.1,0.01 -S train.depth=3,5 -j 2");
              bind(sub, ctx, a, run_run);
            });
        command(exp, "log", "Log a metric, param, tag or artifact to a run (default: $MLOPS_RUN_ID)",
                [&ctx](CLI::App* sub) {
                  auto a = std::make_shared<LogArgs>();
                  sub->add_option("kind", a->kind, "metric, param, tag or artifact")
                      ->required()
                      ->check(CLI::IsMember({"metric", "param", "tag", "artifact"}));
                  sub->add_option("key", a->key, "Name (artifact: the PATH to keep)")->required();
                  sub->add_option("value", a->value, "Value");
                  sub->add_option("--step", a->step, "Step of a metric (default: the next one)")
                      ->check(CLI::NonNegativeNumber);
                  sub->add_option("--run", a->run, "Run id, id prefix or name")->type_name("RUN");
                  sub->add_flag("--sync", a->sync,
                                "Write to the state database before returning (inside a run, values otherwise "
                                "reach it through the run's journal within a second)");
                  bind(sub, ctx, a, run_log);
                });
        register_exp_view_commands(exp, ctx);
        register_exp_share_commands(exp, ctx);
        command(exp, "tag", "Set tags on a run", [&ctx](CLI::App* sub) {
          auto a = std::make_shared<EditArgs>();
          sub->add_option("run", a->run, "Run id, id prefix or name")->required();
          sub->add_option("tags", a->tags, "KEY=VALUE")->required()->type_name("KEY=VALUE");
          bind(sub, ctx, a, run_tag);
        });
        command(exp, "rename", "Give a run a new name", [&ctx](CLI::App* sub) {
          auto a = std::make_shared<EditArgs>();
          sub->add_option("run", a->run, "Run id, id prefix or name")->required();
          sub->add_option("name", a->name, "New name (unique)")->required();
          bind(sub, ctx, a, run_rename);
        });
        command(exp, "apply", "Bring a pipeline run's params, mlops.lock and outputs into the workspace",
                [&ctx](CLI::App* sub) {
                  auto a = std::make_shared<EditArgs>();
                  sub->add_option("run", a->run, "Run id, id prefix or name")->required();
                  sub->add_flag("-f,--force", a->force, "Overwrite changes not committed to git");
                  sub->add_option("-r,--remote", a->remote, "Remote to fetch missing outputs from")->type_name("NAME");
                  bind(sub, ctx, a, run_apply);
                });
        command(exp, "get", "Copy a run's artifact (a file or folder kept with it) out of the store",
                [&ctx](CLI::App* sub) {
                  auto a = std::make_shared<EditArgs>();
                  sub->add_option("run", a->run, "Run id, id prefix or name; or runs:/RUN/PATH")->required();
                  sub->add_option("path", a->path,
                                  "The artifact, as exp show lists it, or a path inside a folder artifact (default: all)");
                  sub->add_option("-o,--output", a->output, "Where to put it (default: its name, or the run's, here)")
                      ->type_name("PATH");
                  sub->add_flag("-f,--force", a->force, "Replace what is at the output path");
                  bind(sub, ctx, a, run_get);
                });
        command(exp, "rm", "Delete runs (their artifacts stay in the store until gc)", [&ctx](CLI::App* sub) {
          auto a = std::make_shared<EditArgs>();
          sub->add_option("runs", a->runs, "Run ids, id prefixes or names")->required()->type_name("RUN");
          sub->add_flag("--remote", a->from_remote, "Remove the runs from the remote instead (this clone keeps its copies)");
          sub->add_option("-r", a->remote, "The remote for --remote (default: the default remote)")->type_name("NAME");
          bind(sub, ctx, a, run_exp_rm);
        });
      });
}

}  // namespace mlops::cli

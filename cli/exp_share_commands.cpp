// mlops exp push, exp pull: sharing runs through a remote.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "context.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "exp/run_sharing.hpp"
#include "output.hpp"
#include "progress_bar.hpp"

namespace mlops::cli {

namespace {

using nlohmann::json;

struct ShareArgs {
  std::string remote, experiment;
  std::vector<std::string> runs;
  bool all = false, json = false, force = false;
  unsigned jobs = 0;
  RunSelection selection() const {
    if (all && (!runs.empty() || !experiment.empty()))
      fail(ExitCode::Usage, "--all takes every run: name runs or -e EXPERIMENT without it");
    return RunSelection{runs, experiment, false};
  }
};

json labels(const std::vector<RunLabel>& runs) {
  json arr = json::array();
  for (const auto& r : runs) arr.push_back({{"id", r.id}, {"name", r.name}, {"user", r.user}});
  return arr;
}

std::string texts(const std::vector<RunLabel>& runs) {
  std::vector<std::string> out;
  for (const auto& r : runs) out.push_back(r.text());
  return list_some(out);
}

int run_exp_push(Context& ctx, const ShareArgs& a) {
  ExpPushResult r;
  {
    ProgressBar bar("pushing runs", ctx.quiet || a.json);
    r = push_runs(ctx.repo(), a.remote, a.selection(), a.jobs, bar.get());
  }
  for (const auto& run : r.running)
    note("mlops: warning: run {} is still running; not pushed (push it once it ends)\n", run.text());
  if (a.json) {
    print_json({{"remote", r.remote}, {"pushed", labels(r.pushed)}, {"updated", labels(r.updated)},
                {"already", r.already}, {"running", labels(r.running)}, {"incomplete", r.incomplete},
                {"objects", r.objects}, {"bytes", r.bytes}});
  } else if (!ctx.quiet) {
    fmt::print("Pushed {} to {} ({}, {}){}; {} there already.\n", plural(r.pushed.size(), "run", "runs"), r.remote,
               plural(r.objects, "object", "objects"), human_size(r.bytes),
               r.updated.empty() ? "" : fmt::format(", updated {}", plural(r.updated.size(), "run", "runs")), r.already);
  }
  if (!r.incomplete.empty())
    throw Error(ExitCode::Missing,
                fmt::format("{} not pushed:{}", plural(r.incomplete.size(), "run", "runs"), list_some(r.incomplete, 5)),
                "the others were");
  return 0;
}

int run_exp_pull(Context& ctx, const ShareArgs& a) {
  ExpPullResult r;
  {
    ProgressBar bar("pulling runs", ctx.quiet || a.json);
    r = pull_runs(ctx.repo(), a.remote, a.selection(), a.force, a.jobs, bar.get());
  }
  for (const auto& stray : r.strays)
    note("mlops: warning: remote {}: {} is not a run page; ignored\n", r.remote, stray);
  if (a.json) {
    print_json({{"remote", r.remote}, {"pulled", labels(r.pulled)}, {"updated", labels(r.updated)},
                {"differ", labels(r.differ)}, {"already", r.already}, {"failed", r.failed},
                {"bad_pages", r.bad_pages}, {"objects", r.objects}, {"bytes", r.bytes}});
  } else if (!ctx.quiet) {
    fmt::print("Pulled {} from {} ({}, {}){}; {} here already.\n", plural(r.pulled.size(), "run", "runs"), r.remote,
               plural(r.objects, "object", "objects"), human_size(r.bytes),
               r.updated.empty() ? "" : fmt::format(", updated {}", plural(r.updated.size(), "run", "runs")), r.already);
    if (!r.differ.empty())
      fmt::print("{} differ on {} (changed there or here since); kept as they are here:{}\n"
                 "'mlops exp pull --force' takes the remote's, 'mlops exp push' sends yours.\n",
                 plural(r.differ.size(), "run", "runs"), r.remote, texts(r.differ));
  }
  // Everything that could be imported was; then what could not is an error.
  std::vector<std::string> problems = r.bad_pages;
  problems.insert(problems.end(), r.failed.begin(), r.failed.end());
  if (!problems.empty())
    throw Error(ExitCode::Remote,
                fmt::format("remote {}: {} not imported:{}", r.remote,
                            plural(problems.size(), "run record was", "run records were"), list_some(problems)),
                "nothing of a damaged record is imported; an absent object comes back when the run's pusher runs "
                "'mlops exp push' again");
  return 0;
}

void share_options(CLI::App* sub, ShareArgs& a, const char* runs_help) {
  sub->add_option("runs", a.runs, runs_help)->type_name("RUN");
  sub->add_flag("--all", a.all, "Every run (the default when no run is named)");
  sub->add_option("-e,--experiment", a.experiment, "Only the runs of this experiment")->type_name("NAME");
  sub->add_option("-r,--remote", a.remote, "Remote (default: the default remote)")->type_name("NAME");
  sub->add_option("-j,--jobs", a.jobs, "Objects in flight at once")->check(CLI::Range(1, 256));
  if (std::string(sub->get_name()) == "pull")
    sub->add_flag("-f,--force", a.force, "Runs here that differ from the remote's take the remote's");
  sub->add_flag("--json", a.json, "Print JSON");
}

}  // namespace

void register_exp_share_commands(CLI::App* exp, Context& ctx) {
  command(exp, "push", "Send finished runs to a remote, for others to pull", [&ctx](CLI::App* sub) {
    auto a = std::make_shared<ShareArgs>();
    share_options(sub, *a, "Runs to send: ids, id prefixes or names (default: every finished run)");
    sub->footer("Runs are sent with every metric point, their artifacts, log and uncommitted diff.\n"
                "A run on the remote already is sent again only when it changed here (tags, metrics, name).");
    bind(sub, ctx, a, run_exp_push);
  });
  command(exp, "pull", "Bring runs from a remote into this clone", [&ctx](CLI::App* sub) {
    auto a = std::make_shared<ShareArgs>();
    share_options(sub, *a, "Runs to bring: ids, id prefixes, names or NAME@USER (default: every run)");
    sub->footer("Runs here that differ from the remote's are kept unless --force.\n"
                "'mlops exp list --remote' lists what a remote holds.");
    bind(sub, ctx, a, run_exp_pull);
  });
}

}  // namespace mlops::cli

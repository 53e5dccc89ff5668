// mlops exp push, exp pull: sharing runs through a remote.
#include <fmt/format.h>

#include "context.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "exp/run_sharing.hpp"
#include "output.hpp"
#include "progress_bar.hpp"

namespace mlops::cli {

namespace {

struct ShareArgs {
  std::string remote, experiment;
  std::vector<std::string> runs;
  bool all = false, json = false;
  unsigned jobs = 0;
  RunSelection selection() const {
    if (all && (!runs.empty() || !experiment.empty()))
      fail(ExitCode::Usage, "--all takes every run: name runs or -e EXPERIMENT without it");
    return RunSelection{runs, experiment};
  }
};

int run_exp_push(Context& ctx, const ShareArgs& a) {
  ExpPushResult r;
  {
    ProgressBar bar("pushing runs", ctx.quiet || a.json);
    r = push_runs(ctx.repo(), a.remote, a.selection(), a.jobs, bar.get());
  }
  for (const auto& name : r.running)
    note("mlops: warning: run {} is still running; not pushed (push it once it ends)\n", name);
  if (a.json) {
    print_json({{"remote", r.remote}, {"pushed", r.pushed}, {"already", r.already}, {"running", r.running},
                {"objects", r.objects}, {"bytes", r.bytes}});
  } else if (!ctx.quiet) {
    fmt::print("Pushed {} to {} ({}, {}); {} there already.\n", plural(r.pushed.size(), "run", "runs"), r.remote,
               plural(r.objects, "object", "objects"), human_size(r.bytes), r.already);
  }
  return 0;
}

int run_exp_pull(Context& ctx, const ShareArgs& a) {
  ExpPullResult r;
  {
    ProgressBar bar("pulling runs", ctx.quiet || a.json);
    r = pull_runs(ctx.repo(), a.remote, a.selection(), a.jobs, bar.get());
  }
  if (a.json) {
    print_json({{"remote", r.remote}, {"pulled", r.pulled}, {"already", r.already}, {"failed", r.failed},
                {"bad_pages", r.bad_pages}, {"objects", r.objects}, {"bytes", r.bytes}});
  } else if (!ctx.quiet) {
    fmt::print("Pulled {} from {} ({}, {}); {} here already.\n", plural(r.pulled.size(), "run", "runs"), r.remote,
               plural(r.objects, "object", "objects"), human_size(r.bytes), r.already);
  }
  // Everything that could be imported was; then what could not is an error.
  std::vector<std::string> problems = r.bad_pages;
  problems.insert(problems.end(), r.failed.begin(), r.failed.end());
  if (!problems.empty())
    throw Error(ExitCode::Remote,
                fmt::format("remote {}: {} not imported:{}", r.remote,
                            plural(problems.size(), "run record was", "run records were"), list_some(problems)),
                "nothing of a damaged record is imported; 'mlops fsck -r " + r.remote +
                    "' and the pusher's 'mlops exp push' can mend absent objects");
  return 0;
}

void share_options(CLI::App* sub, ShareArgs& a, const char* runs_help) {
  sub->add_option("runs", a.runs, runs_help)->type_name("RUN");
  sub->add_flag("--all", a.all, "Every run (the default when no run is named)");
  sub->add_option("-e,--experiment", a.experiment, "Only the runs of this experiment")->type_name("NAME");
  sub->add_option("-r,--remote", a.remote, "Remote (default: the default remote)")->type_name("NAME");
  sub->add_option("-j,--jobs", a.jobs, "Objects in flight at once")->check(CLI::Range(1, 256));
  sub->add_flag("--json", a.json, "Print JSON");
}

}  // namespace

void register_exp_share_commands(CLI::App* exp, Context& ctx) {
  command(exp, "push", "Send finished runs to a remote, for others to pull", [&ctx](CLI::App* sub) {
    auto a = std::make_shared<ShareArgs>();
    share_options(sub, *a, "Runs to send: ids, id prefixes or names (default: every finished run)");
    sub->footer("Runs are sent with every metric point, their artifacts, log and uncommitted diff.\n"
                "A run on the remote already is not sent again.");
    bind(sub, ctx, a, run_exp_push);
  });
  command(exp, "pull", "Bring runs from a remote into this clone", [&ctx](CLI::App* sub) {
    auto a = std::make_shared<ShareArgs>();
    share_options(sub, *a, "Runs to bring: ids, id prefixes, names or NAME@USER (default: every run)");
    sub->footer("Runs here already are left as they are. 'mlops exp list --remote' lists what a remote holds.");
    bind(sub, ctx, a, run_exp_pull);
  });
}

}  // namespace mlops::cli

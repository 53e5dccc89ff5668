// mlops ui (a read-only web UI served by mlops itself) and mlops report (its
// views as one HTML file, or Markdown for CI).
#include <spawn.h>
#include <sys/wait.h>

#include <cstdio>

#include <fmt/format.h>

#include "context.hpp"
#include "core/error.hpp"
#include "core/fs.hpp"
#include "exp/run_names.hpp"
#include "output.hpp"
#include "repo/repo.hpp"
#include "ui/report.hpp"
#include "ui/ui_site.hpp"

extern char** environ;

namespace mlops::cli {

namespace {

struct UiArgs {
  std::string host = "127.0.0.1";
  int port = 8484;
  bool open = false, no_token = false;
};

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

void open_browser(const std::string& url) {
  const char* argv[] = {"xdg-open", url.c_str(), nullptr};
  pid_t pid = 0;
  if (::posix_spawnp(&pid, "xdg-open", nullptr, nullptr, const_cast<char**>(argv), environ) != 0)
    note("mlops: warning: could not run xdg-open; open {} yourself\n", url);
}

int run_ui(Context& ctx, const UiArgs& a) {
  Repo& repo = ctx.repo();
  repo.db();  // a repository whose state cannot be opened is refused now, not on the first page
  std::string token;
  if (!is_loopback(a.host)) {
    note("mlops: warning: serving on {}: anyone who can reach this address can read every run, param, metric,\n"
         "model and artifact of this repository{}\n",
         a.host, a.no_token ? ", without a token (--no-token)" : " who has the token below");
    if (!a.no_token) token = new_run_id() + new_run_id();
  }
  UiSite site(repo.root(), token);
  HttpServeOptions opt;
  opt.host = a.host;
  opt.port = a.port;
  opt.handler = [&site](const UiRequest& req) { return site.handle(req); };
  opt.listening = [&](int port) {
    std::string host = a.host.find(':') != std::string::npos ? "[" + a.host + "]" : a.host;
    std::string url = fmt::format("http://{}:{}/{}", host, port, token.empty() ? "" : "?token=" + token);
    fmt::print("mlops ui: serving {} at {}\n", repo.root().string(), url);
    if (!ctx.quiet) fmt::print("(read-only; Ctrl-C stops it)\n");
    std::fflush(stdout);
    if (a.open) open_browser(url);
  };
  try {
    serve_http(opt);
  } catch (const Error& e) {
    if (std::string(e.what()).starts_with("cannot listen"))
      throw Error(ExitCode::Io, e.what(), "is the port taken? --port 0 picks a free one");
    throw;
  }
  return 0;
}

struct ReportArgs {
  std::string output, filter, columns, rev;
  bool md = false, models = false, pipeline = false;
  std::size_t runs = 10;
};

int run_report(Context& ctx, const ReportArgs& a) {
  ReportOptions opt;
  opt.filter = a.filter;
  opt.columns = a.columns;
  opt.models = a.models;
  opt.pipeline = a.pipeline;
  opt.rev = a.rev;
  opt.detailed_runs = a.runs;
  std::string text = a.md ? report_markdown(ctx.repo(), opt) : report_html(ctx.repo(), opt);
  std::string out = a.output.empty() ? (a.md ? "-" : "report.html") : a.output;
  if (out == "-") {
    fmt::print("{}", text);
    return 0;
  }
  atomic_write(ctx.cwd() / out, text);
  if (!ctx.quiet) note("wrote {} ({})\n", out, human_size(text.size()));
  return 0;
}

}  // namespace

void register_ui_commands(CLI::App& app, Context& ctx) {
  command(&app, "ui", "Serve a read-only web UI: runs, charts, compare, models, pipeline, data", [&ctx](CLI::App* sub) {
    auto a = std::make_shared<UiArgs>();
    sub->add_option("-p,--port", a->port, "Port (default 8484; 0: any free port)")->check(CLI::Range(0, 65535));
    sub->add_option("--host", a->host, "Address to listen on (default 127.0.0.1; others need a token)")
        ->type_name("ADDR");
    sub->add_flag("--open", a->open, "Open the page in a browser (xdg-open)");
    sub->add_flag("--no-token", a->no_token, "With --host: serve without a token (anyone who reaches it can read)");
    sub->footer("Only GET and HEAD are answered; nothing is ever changed. Stop it with Ctrl-C.");
    bind(sub, ctx, a, run_ui);
  });
  command(&app, "report", "One self-contained HTML file (or Markdown) of runs, charts, models and pipeline",
          [&ctx](CLI::App* sub) {
            auto a = std::make_shared<ReportArgs>();
            sub->add_option("-o,--output", a->output, "Write FILE (default report.html; with --md stdout; - for stdout)")
                ->type_name("FILE");
            sub->add_option("--filter", a->filter, "Only runs matching EXPR (exp list's filter language)")->type_name("EXPR");
            sub->add_option("--columns", a->columns, "Columns of the runs table, as exp list --columns")->type_name("LIST");
            sub->add_flag("--models", a->models, "Add the model registry");
            sub->add_flag("--pipeline", a->pipeline, "Add the pipeline: stages, state, params and metrics");
            sub->add_option("--rev", a->rev, "With --pipeline: compare params and metrics with REV (default HEAD)")
                ->type_name("REV");
            sub->add_option("--runs", a->runs, "Runs shown in full and charted together, newest first (default 10)")
                ->type_name("N")->check(CLI::Range(0, 1000));
            sub->add_flag("--md", a->md, "GitHub-flavoured Markdown (for $GITHUB_STEP_SUMMARY or a pull request)");
            bind(sub, ctx, a, run_report);
          });
}

}  // namespace mlops::cli

// mlops ui (a read-only web UI served by mlops itself) and mlops report (its
// views as one HTML file, or Markdown for CI).
#include <arpa/inet.h>
#include <spawn.h>
#include <unistd.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "context.hpp"
#include "core/error.hpp"
#include "core/fs.hpp"
#include "core/heap.hpp"
#include "core/text.hpp"
#include "exp/run_names.hpp"
#include "output.hpp"
#include "repo/repo.hpp"
#include "pipeline/pipeline_file.hpp"
#include "pipeline/plot_table.hpp"
#include "pipeline/values_diff.hpp"
#include "ui/html_page.hpp"
#include "ui/plots_view.hpp"
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

// An address of the loopback interface (127.0.0.0/8, ::1), or localhost;
// names that only look like one (127.example) are not.
bool is_loopback(const std::string& host) {
  if (host == "localhost") return true;
  unsigned char addr[16];
  if (::inet_pton(AF_INET, host.c_str(), addr) == 1) return addr[0] == 127;
  static const unsigned char kOne[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return ::inet_pton(AF_INET6, host.c_str(), addr) == 1 && std::memcmp(addr, kOne, 16) == 0;
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
    note("mlops: warning: serving on {}: {} can read every run, param, metric, model and artifact\n"
         "of this repository\n",
         a.host, a.no_token ? "anyone who can reach this address (--no-token: no token is asked)"
                            : "anyone who can reach this address and has the token below");
    if (!a.no_token) token = new_run_id() + new_run_id();
  }
  bool loopback = is_loopback(a.host);
  UiSite site(repo.root(), token, loopback);
  HttpServeOptions opt;
  opt.host = a.host;
  opt.port = a.port;
  opt.handler = [&site](const UiRequest& req) { return site.handle(req); };
  opt.listening = [&](int port) {
    site.set_port(port);
    // 0.0.0.0 and :: are not addresses to open: the machine's name is.
    std::string host = a.host;
    if (host == "0.0.0.0" || host == "::") {
      char name[256] = {};
      host = ::gethostname(name, sizeof name - 1) == 0 && name[0] ? name : "localhost";
    }
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    std::string url = fmt::format("http://{}:{}/{}", host, port, token.empty() ? "" : "?token=" + token);
    fmt::print("mlops ui: serving {} at {}\n", repo.root().string(), url);
    if (!ctx.quiet) fmt::print("(read-only; Ctrl-C stops it)\n");
    std::fflush(stdout);
    if (a.open) open_browser(url);
  };
  keep_heap_warm();
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
  std::string output, filter, columns, rev, sort;
  bool desc = false;
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
  opt.sort = a.sort;
  opt.desc = a.desc;
  std::string text = a.md ? report_markdown(ctx.repo(), opt) : report_html(ctx.repo(), opt);
  std::string out = a.output.empty() ? (a.md ? "-" : "report.html") : a.output;
  if (out == "-") {
    fmt::print("{}", text);
    return 0;
  }
  if (auto why = output_path_problem(ctx.repo(), ctx.cwd() / out, false); !why.empty()) throw Error(ExitCode::Input, why);
  atomic_write(ctx.cwd() / out, text);
  if (!ctx.quiet) note("wrote {} ({})\n", out, human_size(text.size()));
  return 0;
}

struct PlotsArgs {
  std::vector<std::string> files, revs;
  std::string output;
  PlotProperties given;
  int width = 0;
  bool output_given = false;
};

// plots show: the workspace; plots diff: HEAD and the workspace, REV and the
// workspace, or the revisions named.
int run_plots(Context& ctx, const PlotsArgs& a, bool diff) {
  for (const auto& rev : a.revs)
    if (rev.empty()) fail(ExitCode::Usage, "an empty revision (name one: HEAD, main, a commit)");
  if (a.output_given && a.output.empty()) fail(ExitCode::Usage, "--output: an empty folder name");
  PlotsRequest r;
  r.names = ctx.rel_paths(a.files);
  r.typed = a.files;
  if (!diff) r.revs = {{"workspace", ""}};
  else if (a.revs.empty()) r.revs = {{"HEAD", "HEAD"}, {"workspace", ""}};
  else if (a.revs.size() == 1) r.revs = {{a.revs[0], a.revs[0]}, {"workspace", ""}};
  else
    for (const auto& rev : a.revs)  // each once
      if (std::find_if(r.revs.begin(), r.revs.end(), [&](const auto& x) { return x.second == rev; }) == r.revs.end())
        r.revs.emplace_back(rev, rev);
  r.given = a.given;
  r.html = !a.output.empty();
  r.width = a.width ? a.width : terminal_width();
  r.colour = use_colour();
  DrawnPlots d = draw_plots(ctx.repo(), r);
  for (const auto& w : d.warnings) note("mlops: warning: {}\n", w);
  if (r.html && !d.figures.empty()) {  // a page only when something is on it
    fs::path dir = ctx.cwd() / a.output;
    if (auto why = output_path_problem(ctx.repo(), dir, true); !why.empty()) throw Error(ExitCode::Input, why);
    fs::create_directories(dir);
    for (const auto& [name, bytes] : d.images) atomic_write(dir / name, bytes);
    UiLinks links;
    links.served = false;
    atomic_write(dir / "index.html",
                 html_page("plots", "<h1>Plots</h1>\n<div class=\"charts\">\n" + fmt::format("{}", fmt::join(d.figures, "")) + "</div>\n", links));
    if (!ctx.quiet) note("wrote {}\n", (fs::path(a.output) / "index.html").string());
  } else if (!r.html) {
    for (const auto& f : d.figures) fmt::print("{}\n", f);
  }
  // Plots that could not be drawn, and files named that are nowhere, are
  // errors, after the rest is shown.
  if (!d.missing.empty()) d.errors.push_back(fmt::format("no such plots file: {}", fmt::join(d.missing, ", ")));
  if (!d.errors.empty()) throw Error(ExitCode::Input, fmt::format("{}", fmt::join(d.errors, "\nmlops: error: ")));
  return 0;
}

void plot_options(CLI::App* sub, PlotsArgs& a) {
  sub->add_option("-o,--output", a.output, "Write DIR/index.html (charts as SVG, images copied) instead of drawing in the terminal")
      ->type_name("DIR")
      ->each([&a](const std::string&) { a.output_given = true; });
  sub->add_option("-x", a.given.x, "The x field (default: step, else the row number; confusion: actual)")->type_name("FIELD");
  sub->add_option("-y", a.given.y, "The y fields, comma-separated (default: the last field; confusion: predicted)")
      ->type_name("FIELD[,FIELD]");
  sub->add_option("-t,--template", a.given.kind, "line (default), scatter, bar, confusion; DVC's: bar_horizontal[_sorted], confusion_normalized, linear, ...")
      ->type_name("KIND");
  sub->add_option("--title", a.given.title, "The chart's title (default: the file, or the plot's name)")->type_name("TEXT");
  sub->add_option("--x-label", a.given.x_label, "What x is called (default: the x field)")->type_name("TEXT");
  sub->add_option("--y-label", a.given.y_label, "What y is called")->type_name("TEXT");
  sub->add_option("--width", a.width, "Terminal columns (default: the terminal's width)")->check(CLI::Range(20, 1000));
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
            sub->add_option("--runs", a->runs, "Runs shown in full and charted together: the first N (default 10)")
                ->type_name("N")->check(CLI::Range(0, 1000));
            sub->add_option("--sort", a->sort, "Order of the runs (default: newest first), e.g. metrics.acc with --desc")
                ->type_name("KEY");
            sub->add_flag("--desc", a->desc, "Sort in descending order");
            sub->add_flag("--md", a->md, "GitHub-flavoured Markdown (for $GITHUB_STEP_SUMMARY or a pull request)");
            bind(sub, ctx, a, run_report);
          });
  command(&app, "plots", "The pipeline's plots files as charts: now, or across revisions", [&ctx](CLI::App* plots) {
    plots->require_subcommand(1);
    command(plots, "show", "Draw plots (default: mlops.yaml's, top-level first) in the terminal or as a page",
            [&ctx](CLI::App* sub) {
              auto a = std::make_shared<PlotsArgs>();
              sub->add_option("files", a->files, "Plots files (.json, .jsonl, .csv, .tsv, images) or top-level plot names")
                  ->type_name("FILE|NAME");
              plot_options(sub, *a);
              bind(sub, ctx, a, [](Context& c, const PlotsArgs& x) { return run_plots(c, x, false); });
            });
    command(plots, "diff", "Plots at revisions overlaid (default: HEAD and the workspace)", [&ctx](CLI::App* sub) {
      auto a = std::make_shared<PlotsArgs>();
      sub->add_option("revs", a->revs, "REV [REV...]: one compares with the workspace")->type_name("REV");
      sub->add_option("--targets", a->files, "Plots files or top-level plot names (default: mlops.yaml's plots)")
          ->type_name("FILE|NAME");
      plot_options(sub, *a);
      bind(sub, ctx, a, [](Context& c, const PlotsArgs& x) { return run_plots(c, x, true); });
    });
  });
}

}  // namespace mlops::cli

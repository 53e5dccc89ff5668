// mlops: parse the command line, run one command, turn errors into exit codes.
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "context.hpp"
#include "core/error.hpp"

namespace {

int report(const mlops::Error& e) {
  fmt::print(stderr, "mlops: error: {}\n", e.what());
  if (!e.hint().empty()) fmt::print(stderr, "hint: {}\n", e.hint());
  return static_cast<int>(e.code());
}

}  // namespace

int main(int argc, char** argv) {
  using namespace mlops;
  cli::Context ctx;
  CLI::App app{"mlops: version data and models beside git, fast", "mlops"};
  app.set_version_flag("--version", fmt::format("mlops {}", MLOPS_VERSION), "Print the version and exit");
  app.add_option("-C", ctx.chdir, "Run as if started in DIR")->type_name("DIR");
  app.add_flag("-q,--quiet", ctx.quiet, "Print only errors");
  app.add_flag("-v,--verbose", ctx.verbose, "Print more detail");
  app.require_subcommand(1);
  app.fallthrough();  // -q / -v also work after the command name, as with git add -q
  app.footer("Run 'mlops help COMMAND' for a command's options; exit codes are listed in mlops(1).");
  cli::register_data_commands(app, ctx);
  cli::register_history_commands(app, ctx);
  cli::register_remote_commands(app, ctx);
  cli::register_exp_commands(app, ctx);
  cli::register_model_commands(app, ctx);
  cli::register_pipeline_commands(app, ctx);
  cli::register_misc_commands(app, ctx);

  // `mlops exp run [OPTIONS] -- CMD ARGS...`: everything after "--" is the
  // command, untouched by option parsing (global flags such as -q fall through
  // to the parent parser, which would otherwise lose track of "--").
  std::vector<std::string> args(argv + 1, argv + argc);
  auto dashes = std::find(args.begin(), args.end(), "--");
  auto exp_word = std::find(args.begin(), dashes, "exp");
  if (dashes != args.end() && exp_word != dashes && std::find(exp_word, dashes, "run") != dashes) {
    ctx.command.assign(dashes + 1, args.end());
    args.erase(dashes, args.end());
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments in reverse order
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "mlops: error: {}\nhint: run 'mlops help' for usage\n", e.what());
    return static_cast<int>(ExitCode::Usage);
  }
  try {
    if (!ctx.chdir.empty() && ::chdir(ctx.chdir.c_str()) != 0)
      fail(ExitCode::Usage, "-C {}: {}", ctx.chdir, std::strerror(errno));
    return ctx.action ? ctx.action() : 0;
  } catch (const Error& e) {
    return report(e);
  } catch (const std::exception& e) {
    return report(Error(ExitCode::Internal, fmt::format("internal error: {}", e.what()),
                        "please report this with the output of 'mlops --version'"));
  }
}

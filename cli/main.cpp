// mlops: parse the command line, run one command, turn errors into exit codes.
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "command_tree.hpp"
#include "context.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "output.hpp"

namespace {

// Messages name files and values that came from others: nothing in them may
// drive the terminal.
int report(const mlops::Error& e) {
  mlops::cli::note("mlops: error: {}\n", mlops::escaped_text(e.what(), true));
  if (!e.hint().empty()) mlops::cli::note("hint: {}\n", mlops::escaped_text(e.hint(), true));
  return static_cast<int>(e.code());
}

// Output that never reached standard output (a full disk, a closed pipe's
// EPIPE with SIGPIPE ignored) is an error, as in git.
int check_stdout(int code, const std::string& known_why = "") {
  errno = 0;
  if (std::fflush(stdout) == 0 && !std::ferror(stdout)) return code;
  int err = errno;
  std::string why = err ? std::strerror(err) : !known_why.empty() ? known_why : "an earlier write failed";
  mlops::cli::note("mlops: error: write failure on standard output: {}\n", why);
  return code ? code : static_cast<int>(mlops::ExitCode::Io);
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
  cli::register_import_commands(app, ctx);
  cli::register_ui_commands(app, ctx);
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
  // An unknown command, at any level, is named with the one likely meant;
  // option errors point to the command's own help.
  std::string command_path = "mlops";
  try {
    cli::follow_commands(app, cli::command_words(args), command_path);
  } catch (const Error& e) {
    return report(e);
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments in reverse order
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return check_stdout(app.exit(e));
  } catch (const CLI::CallForAllHelp& e) {
    return check_stdout(app.exit(e));
  } catch (const CLI::CallForVersion& e) {
    return check_stdout(app.exit(e));
  } catch (const CLI::ParseError& e) {
    mlops::cli::note("mlops: error: {}\nhint: run 'mlops help{}' for usage\n", e.what(),
               command_path == "mlops" ? "" : command_path.substr(5));
    return static_cast<int>(ExitCode::Usage);
  }
  try {
    if (!ctx.chdir.empty() && ::chdir(ctx.chdir.c_str()) != 0)
      fail(ExitCode::Usage, "-C {}: {}", ctx.chdir, std::strerror(errno));
    return check_stdout(ctx.action ? ctx.action() : 0);
  } catch (const Error& e) {
    return report(e);
  } catch (const std::filesystem::filesystem_error& e) {
    // Not a bug but the file system saying no (a deleted working folder, a
    // permission): the I/O class, with the paths it names.
    std::string what = e.what();
    if (what.rfind("filesystem error: ", 0) == 0) what.erase(0, 18);  // libstdc++'s prefix; paths follow in [ ]
    std::error_code ec;
    (void)std::filesystem::current_path(ec);
    return report(Error(ExitCode::Io, what, ec ? "the current folder no longer exists: cd to the repository again" : ""));
  } catch (const std::exception& e) {
    // fmt throws when a write to standard output fails (a full disk, once
    // its buffer is flushed): the same error as at exit, not a bug.
    if (std::ferror(stdout)) {
      auto* sys = dynamic_cast<const std::system_error*>(&e);
      return check_stdout(0, sys ? sys->code().message() : "");
    }
    return report(Error(ExitCode::Internal, fmt::format("internal error: {}", e.what()),
                        "please report this with the output of 'mlops --version'"));
  }
}

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
#include <map>

#include "context.hpp"
#include "core/error.hpp"
#include "core/suggest.hpp"

namespace {

int report(const mlops::Error& e) {
  fmt::print(stderr, "mlops: error: {}\n", e.what());
  if (!e.hint().empty()) fmt::print(stderr, "hint: {}\n", e.hint());
  return static_cast<int>(e.code());
}

// The first word that is not a global option: the command's name, or empty.
std::string command_word(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-C") {
      ++i;
      continue;
    }
    if (a == "--") return {};
    if (a.empty() || a[0] != '-') return a;
  }
  return {};
}

// Refuses a command name mlops does not have, with the likely meant one:
// first what the word means in DVC, MLflow or git, then the close spellings.
void check_command_word(CLI::App& app, const std::vector<std::string>& args) {
  std::string word = command_word(args);
  if (word.empty()) return;
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->check_name(word)) return;
    names.push_back(sub->get_name());
  }
  static const std::map<std::string, std::string> elsewhere = {
      {"repro", "run"},        {"plots", "exp plot"},     {"experiments", "exp"}, {"commit", "add"},
      {"install", "install-hooks"}, {"version", "--version"}, {"get", "model get"},   {"models", "model"},
      {"runs", "exp list"},    {"stage", "run"},          {"unprotect", "checkout"}};
  std::vector<std::string> meant;
  if (auto it = elsewhere.find(word); it != elsewhere.end()) meant.push_back(it->second);
  for (auto& w : mlops::similar_words(word, names))
    if (std::find(meant.begin(), meant.end(), w) == meant.end()) meant.push_back(std::move(w));
  std::string hint = "run 'mlops help' for the list of commands";
  if (meant.size() == 1) hint = fmt::format("did you mean 'mlops {}'? ({})", meant[0], hint);
  else if (!meant.empty()) hint = fmt::format("did you mean one of: mlops {}? ({})", fmt::join(meant, ", mlops "), hint);
  throw mlops::Error(mlops::ExitCode::Usage, fmt::format("'{}' is not a mlops command", word), hint);
}

// Output that never reached standard output (a full disk, a closed pipe's
// EPIPE with SIGPIPE ignored) is an error, as in git.
int check_stdout(int code) {
  errno = 0;
  if (std::fflush(stdout) == 0 && !std::ferror(stdout)) return code;
  int err = errno;
  std::string why = err ? std::strerror(err) : "an earlier write failed";
  fmt::print(stderr, "mlops: error: write failure on standard output: {}\n", why);
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
  try {
    check_command_word(app, args);
  } catch (const Error& e) {
    return report(e);
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
    return report(Error(ExitCode::Internal, fmt::format("internal error: {}", e.what()),
                        "please report this with the output of 'mlops --version'"));
  }
}

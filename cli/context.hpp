#pragma once
// What every command sees: global options and the repository, opened on demand.
#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "repo/repo.hpp"

namespace mlops::cli {

struct Context {
  std::string chdir;  // -C DIR
  bool quiet = false;
  bool verbose = false;
  // After "--" on an `exp run` command line: the command to run.
  std::vector<std::string> command;
  // Set by the chosen subcommand's parse callback; run after parsing.
  std::function<int()> action;

  fs::path cwd() const { return fs::current_path(); }
  Repo& repo() {
    if (!repo_) repo_.emplace(Repo::discover(cwd()));
    return *repo_;
  }
  // User paths as repo-relative paths.
  std::vector<std::string> rel_paths(const std::vector<std::string>& paths) {
    std::vector<std::string> out;
    for (const auto& p : paths) out.push_back(repo().relative_path(p, cwd()));
    return out;
  }

private:
  std::optional<Repo> repo_;
};

// Makes `run(ctx, args)` the action when the subcommand is chosen.
template <typename Args, typename Run>
void bind(CLI::App* sub, Context& ctx, std::shared_ptr<Args> args, Run run) {
  sub->callback([&ctx, args, run] { ctx.action = [&ctx, args, run] { return run(ctx, *args); }; });
}

// A subcommand whose options (and subcommands) `define` adds only when CLI11
// meets its name on the command line: building every option of every command
// was most of the work of a short command such as `mlops exp log`. Help for
// the whole tree (help, __cli) calls define_all first.
CLI::App* command(CLI::App* parent, std::string name, std::string description, std::function<void(CLI::App*)> define);
void define_all(CLI::App* app);
// Defines one command's options and subcommands now (not its subcommands').
void define_command(CLI::App* app);

// One registration function per command group.
void register_data_commands(CLI::App& app, Context& ctx);
void register_misc_commands(CLI::App& app, Context& ctx);
void register_history_commands(CLI::App& app, Context& ctx);
void register_remote_commands(CLI::App& app, Context& ctx);
void register_exp_commands(CLI::App& app, Context& ctx);
void register_model_commands(CLI::App& app, Context& ctx);
void register_pipeline_commands(CLI::App& app, Context& ctx);
void register_import_commands(CLI::App& app, Context& ctx);
void register_ui_commands(CLI::App& app, Context& ctx);

// fsck --remote (remote_commands.cpp): re-checks on REMOTE the objects push
// would send; exit status as fsck's.
int run_fsck_remote(Context& ctx, const std::string& remote, unsigned jobs, bool json);

}  // namespace mlops::cli

// Commands whose options are defined only when they are used (see context.hpp).
#include <map>

#include "context.hpp"

namespace mlops::cli {

namespace {

std::map<const CLI::App*, std::function<void(CLI::App*)>>& pending() {
  static std::map<const CLI::App*, std::function<void(CLI::App*)>> definitions;
  return definitions;
}

void define_now(CLI::App* sub) {
  auto it = pending().find(sub);
  if (it == pending().end()) return;
  auto define = std::move(it->second);
  pending().erase(it);
  define(sub);
  // One value per occurrence of an option, as git and dvc read them: in
  // `mlops run -S lr=1 train` the stage is a positional (a repeatable CLI11
  // option would otherwise take every word that follows it).
  for (CLI::Option* opt : sub->get_options())
    if (!opt->get_positional()) opt->allow_extra_args(false);
}

}  // namespace

CLI::App* command(CLI::App* parent, std::string name, std::string description, std::function<void(CLI::App*)> define) {
  auto* sub = parent->add_subcommand(std::move(name), std::move(description));
  pending().emplace(sub, std::move(define));
  // CLI11 calls this when it meets the command's name, before it reads the
  // command's own arguments.
  sub->preparse_callback([sub](std::size_t) { define_now(sub); });
  return sub;
}

void define_command(CLI::App* app) { define_now(app); }

void define_all(CLI::App* app) {
  define_now(app);
  for (CLI::App* sub : app->get_subcommands([](CLI::App*) { return true; })) define_all(sub);
}

}  // namespace mlops::cli

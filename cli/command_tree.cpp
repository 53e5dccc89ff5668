#include "command_tree.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "context.hpp"
#include "core/error.hpp"
#include "core/suggest.hpp"

namespace mlops::cli {

std::vector<std::string> command_words(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") break;
    if (a == "-C") ++i;
    else if (!a.empty() && a[0] != '-') out.push_back(a);
  }
  return out;
}

namespace {

// What a word means in DVC, MLflow, GTO or git, as an mlops command.
const std::map<std::string, std::string>& names_elsewhere() {
  static const std::map<std::string, std::string> names = {
      {"repro", "run"},        {"experiments", "exp"}, {"commit", "add"},
      {"install", "install-hooks"}, {"version", "--version"}, {"get", "model get"},   {"models", "model"},
      {"runs", "exp list"},    {"stage", "run"},              {"unprotect", "checkout"}, {"assign", "model promote"},
      {"deprecate", "model demote"}, {"artifacts", "exp show"}};
  return names;
}

Error unknown_command(const std::string& path, const std::string& word, const std::vector<std::string>& names,
                      bool top) {
  std::vector<std::string> meant;
  bool known = false;  // another tool's name for an mlops command: that one alone is meant
  if (top)
    if (auto it = names_elsewhere().find(word); it != names_elsewhere().end())
      meant.push_back("mlops " + it->second), known = true;
  if (!known)
    for (auto& w : similar_words(word, names))
      if (std::string full = path + " " + w; std::find(meant.begin(), meant.end(), full) == meant.end())
        meant.push_back(full);
  std::string hint = fmt::format("run '{}' for the list of commands", top ? "mlops help" : "mlops help " + path.substr(6));
  if (meant.size() == 1) hint = fmt::format("did you mean '{}'? ({})", meant[0], hint);
  else if (!meant.empty()) hint = fmt::format("did you mean one of: {}? ({})", fmt::join(meant, ", "), hint);
  return Error(ExitCode::Usage, fmt::format("'{}' is not an {} command", word, path), hint);
}

}  // namespace

CLI::App* follow_commands(CLI::App& app, const std::vector<std::string>& words, std::string& path, bool exact) {
  CLI::App* at = &app;
  path = "mlops";
  for (const auto& w : words) {
    auto subs = at->get_subcommands([](CLI::App*) { return true; });
    if (subs.empty()) {
      if (exact) throw Error(ExitCode::Usage, fmt::format("{} has no subcommand '{}'", path, w));
      break;
    }
    CLI::App* next = nullptr;
    std::vector<std::string> names;  // what may be suggested: not the hidden helpers
    for (CLI::App* s : subs) {
      if (s->check_name(w)) next = s;
      if (!s->get_group().empty()) names.push_back(s->get_name());
    }
    if (!next) throw unknown_command(path, w, names, at == &app);
    define_command(next);  // its own subcommands exist once defined
    at = next;
    path += " " + w;
  }
  return at;
}

}  // namespace mlops::cli

#pragma once
// Finding a command in the CLI11 tree from the words a user typed, with "did
// you mean" for a word that names none (also DVC's and MLflow's names).
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace mlops::cli {

// The command words of a command line: the words before the first option's
// value is taken (-C DIR skipped) that do not start with '-', up to "--".
std::vector<std::string> command_words(const std::vector<std::string>& args);

// Follows `words` down from `app` while the command reached has subcommands;
// returns the command reached and sets `path` to "mlops exp run". A word
// where a subcommand is needed that names none is refused: Error(Usage)
// "'lsit' is not a mlops exp command", with the commands most likely meant.
// With `exact`, every word must name a command (for `mlops help exp run`).
CLI::App* follow_commands(CLI::App& app, const std::vector<std::string>& words, std::string& path, bool exact = false);

}  // namespace mlops::cli

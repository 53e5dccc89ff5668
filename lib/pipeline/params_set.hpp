#pragma once
// mlops run -S [FILE:]KEY=VALUE: setting values in params files before a
// pipeline run, as `dvc exp run -S` does. VALUE is read as YAML (0.1 is a
// number, true a boolean, [1, 2] a list); KEY is a dotted path into the
// file's mappings, made when absent.
#include <map>
#include <string>
#include <vector>

namespace mlops {

class Repo;

struct ParamSetting {
  std::string file;  // repo-relative; params.yaml by default
  std::string key;   // "train.lr"
  std::string value;
  // As the run records it: KEY for params.yaml, FILE:KEY otherwise.
  std::string recorded_key() const;
};

// Parses "[FILE:]KEY=VALUE"; Error(Usage) naming the argument.
ParamSetting parse_param_setting(const std::string& arg);

// Writes every setting into its file (one write per file, through the safe
// tree), keeping the other keys in their order. YAML comments are not kept.
// Throws Error(Input) naming file and key when a file is not a mapping or a
// key runs through a value that is not one; nothing is written then.
// Returns recorded key -> the value as written.
std::map<std::string, std::string> set_params(Repo& repo, const std::vector<ParamSetting>& settings);

}  // namespace mlops

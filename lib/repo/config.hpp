#pragma once
// .mlops/config in git-config syntax, read and written through libgit2. Only
// known keys are accepted, and each value is checked before it is written.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/fs.hpp"
#include "repo/config_reader.hpp"
#include "repo/git.hpp"

namespace mlops {

struct ConfigKey {
  const char* name;
  const char* description;
  const char* default_value;  // nullptr when unset by default
};

// Every key mlops knows, for validation, `config --list` and completions;
// "remote.*.url" stands for remote.NAME.url.
const std::vector<ConfigKey>& known_config_keys();
const ConfigKey* find_config_key(const std::string& key);
// What a user setting `key` to `value` should know (empty: nothing): a hard
// link or symlink makes the workspace file the store's own copy.
std::string setting_caveat(const std::string& key, const std::string& value);

// Reads with parse_git_config (fast: no libgit2 initialisation); writes with
// libgit2's config API, opened only when something is written.
class Config {
public:
  explicit Config(const fs::path& file);
  std::optional<std::string> get(const std::string& key) const;
  std::string get_or_default(const std::string& key) const;
  // A *.jobs key (core.jobs, remote.NAME.jobs): nullopt when unset. A value
  // written by hand gets the check `set` applies; throws Error(Repo) naming
  // the file and key.
  std::optional<unsigned> get_jobs(const std::string& key) const;
  // Validates key and value; throws Error(Usage) for unknown keys or bad values.
  void set(const std::string& key, const std::string& value);
  // Returns false when the key was not set.
  bool unset(const std::string& key);
  std::vector<std::pair<std::string, std::string>> list() const;
  // For init, which writes core.hash once.
  void set_unchecked(const std::string& key, const std::string& value);

private:
  void load();
  git_config* writer();

  fs::path file_;
  ConfigEntries entries_;
  GitConfigPtr cfg_;  // libgit2's handle, for writes
};

}  // namespace mlops

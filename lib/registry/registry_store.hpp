#pragma once
// The model registry's tables in the state database.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlops {

class Db;

struct ModelVersion {
  std::string model, version;       // version: semver without "v"
  std::string path, object_id, kind;  // what was registered: repo-relative path, store id, "file" or "dir"
  std::uint64_t size = 0;
  std::string run_id, git_commit, description, author;
  std::int64_t created_at = 0;      // ms since the epoch
  std::map<std::string, std::string> tags;
  std::map<std::string, double> metrics;      // the run's last values when registered
  std::map<std::string, std::string> data;    // tracked path -> id, when registered
};

struct ModelEvent {
  std::int64_t seq = 0;
  std::string model, version, action, detail, author, git_tag;
  std::int64_t at = 0;  // ms since the epoch
};

class RegistryStore {
public:
  explicit RegistryStore(Db& db) : db_(db) {}

  std::vector<std::string> models();
  // Oldest first by semver precedence.
  std::vector<ModelVersion> versions(const std::string& model);
  std::optional<ModelVersion> version(const std::string& model, const std::string& version);
  void insert(const ModelVersion& v);

  // stage -> versions in it (oldest assignment first)
  std::map<std::string, std::vector<std::string>> stages(const std::string& model);
  void assign(const std::string& model, const std::string& stage, const std::string& version, std::int64_t at);
  void unassign(const std::string& model, const std::string& stage, const std::string& version);
  // alias -> version
  std::map<std::string, std::string> aliases(const std::string& model);
  void set_alias(const std::string& model, const std::string& alias, const std::string& version);
  void remove_alias(const std::string& model, const std::string& alias);

  void log(const ModelEvent& e);
  std::vector<ModelEvent> events(const std::string& model);
  // Everything about one model (sync rebuilds it from git tags).
  void forget(const std::string& model);

private:
  Db& db_;
};

// The stages a version is in and the aliases naming it, from a model's
// stages() and aliases(), in name order.
struct VersionNames {
  std::vector<std::string> stages, aliases;
  std::string stages_text() const;   // "staging, production"
  std::string aliases_text() const;  // "@champion, @candidate"
};
VersionNames version_names(const std::map<std::string, std::vector<std::string>>& stages,
                           const std::map<std::string, std::string>& aliases, const std::string& version);

}  // namespace mlops

#pragma once
// The model registry: named models with semver versions kept in the store,
// stages, aliases, an append-only history, and GTO-style git tags from which
// a fresh clone rebuilds it all (sync).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/fs.hpp"
#include "registry/model_ref.hpp"
#include "registry/registry_store.hpp"

namespace mlops {

class Repo;
struct Tracked;

struct RegisterSpec {
  std::string model;
  std::string path;         // repo-relative file or folder
  std::string version;      // explicit semver, or empty
  std::string bump;         // major, minor or patch (default: patch, 0.1.0 first)
  std::string run;          // run id, prefix or name; empty: none
  std::string description;
  std::map<std::string, std::string> tags;
  bool git_tag = true;
};

struct RegistryChange {
  ModelVersion version;
  std::string git_tag;                  // created, or empty
  std::vector<std::string> replaced;    // versions a promotion took out of the stage
};

struct SyncResult {
  std::size_t models = 0, versions = 0, events = 0, skipped_tags = 0;
};

class Registry {
public:
  explicit Registry(Repo& repo);

  // Stores the path's content and records the version, in one transaction
  // with its tag. Throws Error(Conflict) for a version that exists or a tag
  // that does, Error(Input) when the path does not exist, Error(Usage) for
  // bad names or versions.
  RegistryChange register_version(const RegisterSpec& spec);
  // Throws Error(Input) naming what is unknown.
  ModelVersion resolve(const ModelRef& ref);
  RegistryChange promote(const std::string& model, const std::string& version, const std::string& stage, bool git_tag);
  RegistryChange demote(const std::string& model, const std::string& version, const std::string& stage, bool git_tag);
  RegistryChange set_alias(const std::string& model, const std::string& alias, const std::string& version,
                           bool git_tag);
  RegistryChange unalias(const std::string& model, const std::string& alias, bool git_tag);
  // A version made elsewhere (an importer), its content stored already and
  // its fields set (created_at and author kept); then its stage (none when
  // empty), as it was there: other versions in the stage stay. With git_tag,
  // GTO tags at HEAD (their names are added to `tags_made`). False when the
  // version is here with the same content (then, with `update`, it is only
  // put in `stage` when it is not); Error(Conflict) when it is here with
  // other content, Error(Usage) for a stage that model.stages lacks.
  bool import_version(const ModelVersion& v, const std::string& stage, bool git_tag, bool update,
                      std::vector<std::string>& tags_made);
  // An alias as it was there (pointing it again at its version is no change).
  void import_alias(const std::string& model, const std::string& alias, const std::string& version, bool git_tag,
                    std::vector<std::string>& tags_made);
  // Rebuilds every model that has registration tags from the git tags.
  SyncResult sync();

  // Puts the version's content at dest (which must not exist unless force).
  // Objects the store lacks are fetched from `remote` (empty: the default);
  // Error(Missing) when no remote is configured.
  void materialize(const ModelVersion& v, const fs::path& dest, bool force, const std::string& remote);
  // The data a model version needs from the store, as transfers take it.
  static Tracked as_tracked(const ModelVersion& v);
  std::vector<Tracked> all_tracked();
  // The runs that registered versions name (their ids, once each).
  std::vector<std::string> run_ids();

  std::vector<std::string> allowed_stages();
  // Whether git tags are wanted (config model.git-tags), for commands' defaults.
  bool git_tags_enabled();
  RegistryStore& store() { return store_; }

private:
  ModelVersion existing(const std::string& model, const std::string& version);
  std::int64_t next_tag_number(const std::string& model);
  Repo& repo_;
  RegistryStore store_;
};

}  // namespace mlops

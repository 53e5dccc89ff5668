#include "registry/registry.hpp"

#include <set>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <memory>
#include <set>

#include "core/error.hpp"
#include "core/json_number.hpp"
#include "core/safe_tree.hpp"
#include "core/text.hpp"
#include "core/link.hpp"
#include "data/tracked.hpp"
#include "data/workspace.hpp"
#include "exp/run_store.hpp"
#include "registry/registry_tags.hpp"
#include "registry/semver.hpp"
#include "remote/remote.hpp"
#include "remote/transfer.hpp"
#include "repo/git_history.hpp"
#include "repo/repo.hpp"
#include "state/db.hpp"
#include "store/object_tree.hpp"
#include "store/object_store.hpp"

namespace mlops {

namespace {

using nlohmann::json;

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// Removes a tag made inside a transaction that then failed.
struct TagGuard {
  GitRepo* git = nullptr;
  std::string name;
  bool keep = false;
  TagGuard() = default;
  TagGuard(const TagGuard&) = delete;
  TagGuard& operator=(const TagGuard&) = delete;
  void arm(GitRepo* g, std::string tag) {
    git = g;
    name = std::move(tag);
  }
  ~TagGuard() {
    if (keep || !git || name.empty()) return;
    try {
      git->delete_tag(name);
    } catch (...) {
    }
  }
};

GitRepo git_for_tags(Repo& repo) {
  auto git = GitRepo::open(repo.root());
  if (!git)
    throw Error(ExitCode::Usage, "git tags need a git repository", "use --no-git-tag, or set model.git-tags false");
  return std::move(*git);
}

std::string who(std::optional<GitRepo>& git) {
  if (git) return git->author();
  const char* user = std::getenv("USER");
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return fmt::format("{}@{}", user && *user ? user : "unknown", host);
}

// Stage and alias tags name the commit the version was registered at (as GTO
// does); HEAD for a version registered outside git.
git_oid tag_target(GitRepo& git, const ModelVersion& v) {
  git_oid target{};
  if (!v.git_commit.empty() && git_oid_fromstr(&target, v.git_commit.c_str()) == 0) return target;
  auto head = git.resolve("HEAD");
  if (!head) throw Error(ExitCode::Usage, "the git repository has no commit to tag yet", "use --no-git-tag");
  return head->oid;
}

// The shape of every stage and alias change: one transaction, git opened when
// tags are made, the tag made before the records change, and taken back again
// unless everything commits.
class TaggedChange {
public:
  TaggedChange(Repo& repo, bool make_tag) : tx_(repo.db()) {
    if (make_tag) git_ = git_for_tags(repo);
  }
  // Tags the change of `v` (nothing without git); returns the tag's name.
  std::string tag(const ModelVersion& v, const std::function<std::string()>& name, const std::string& headline,
                  const json& record = {}) {
    if (!git_) return "";
    std::string tag = name();
    git_->create_tag(tag, tag_target(*git_, v), tag_message(headline, record.is_null() ? json{{"version", v.version}} : record));
    guards_.emplace_back(std::make_unique<TagGuard>());
    guards_.back()->arm(&*git_, tag);
    return tag;
  }
  std::string author() { return who(git_); }
  void commit() {
    tx_.commit();
    for (auto& g : guards_) g->keep = true;
  }

private:
  std::optional<GitRepo> git_;
  Transaction tx_;
  std::vector<std::unique_ptr<TagGuard>> guards_;  // destroyed first: tags go before the transaction rolls back
};

json record_of(const ModelVersion& v) {
  return {{"path", v.path},       {"object_id", v.object_id},   {"size", v.size},     {"kind", v.kind},
          {"run_id", v.run_id},   {"git_commit", v.git_commit}, {"description", v.description},
          {"author", v.author},   {"created_at", v.created_at}, {"tags", v.tags},     {"metrics", json_numbers(v.metrics)},
          {"data", v.data}};
}

}  // namespace

Registry::Registry(Repo& repo) : repo_(repo), store_(repo.db()) {}

std::vector<std::string> Registry::allowed_stages() {
  std::vector<std::string> out;
  std::string list = repo_.config().get_or_default("model.stages");
  std::size_t start = 0;
  while (start <= list.size()) {
    auto comma = list.find(',', start);
    out.push_back(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

bool Registry::git_tags_enabled() { return repo_.config().get_or_default("model.git-tags") != "false"; }

ModelVersion Registry::existing(const std::string& model, const std::string& version) {
  check_model_name(model);
  auto v = SemVer::parse(version);
  if (!v) fail(ExitCode::Usage, "'{}' is not a semantic version such as 1.2.0", version);
  auto found = store_.version(model, v->str());
  if (!found) {
    if (store_.versions(model).empty()) fail(ExitCode::Input, "no model '{}' in the registry", model);
    fail(ExitCode::Input, "model {} has no version {}", model, v->str());
  }
  return *found;
}

std::int64_t Registry::next_tag_number(const std::string& model) {
  std::int64_t n = 0;
  auto git = GitRepo::open(repo_.root());
  if (!git) return 1;
  for (const auto& t : git->tags(model + "[#@]*"))
    if (auto tag = parse_registry_tag(t.name); tag && tag->model == model) n = std::max(n, tag->number);
  return n + 1;
}

RegistryChange Registry::register_version(const RegisterSpec& spec) {
  check_model_name(spec.model);
  std::optional<SemVer> asked;
  if (!spec.version.empty()) {
    asked = SemVer::parse(spec.version);
    if (!asked) fail(ExitCode::Usage, "'{}' is not a semantic version (MAJOR.MINOR.PATCH, such as 1.2.0)", spec.version);
    if (!spec.bump.empty()) fail(ExitCode::Usage, "give --version or --bump, not both");
  }
  if (!spec.bump.empty()) (void)SemVer{}.bumped(spec.bump);  // a typo fails before any work
  WorkTree tree = list_workspace(repo_, spec.path);
  if (tree.shape == Shape::Absent) fail(ExitCode::Input, "{}: no such file or folder", spec.path);
  std::optional<Run> run;
  if (!spec.run.empty()) run = RunStore(repo_.db()).get(spec.run);

  auto git = GitRepo::open(repo_.root());
  std::optional<GitCommitRef> head;
  if (git) head = git->resolve("HEAD");
  if (spec.git_tag) {
    if (!git) throw Error(ExitCode::Usage, "git tags need a git repository", "use --no-git-tag, or set model.git-tags false");
    if (!head)
      throw Error(ExitCode::Usage, "the git repository has no commit to tag yet", "commit first, or use --no-git-tag");
    if (auto changed = git->tracked_changes(); !changed.empty())
      throw Error(ExitCode::Conflict,
                  fmt::format("tracked files have uncommitted changes; the version's tag would not name the code that made it:{}",
                              list_some(changed)),
                  "commit (or stash) them first, or use --no-git-tag");
  }

  ModelVersion v;
  v.model = spec.model;
  v.path = spec.path;
  IdentifyStats stats;
  Pointer p = store_tree(repo_, spec.path, tree, stats, nullptr);
  // A pipeline output links the pipeline run that produced exactly this content.
  if (!run)
    if (auto id = RunStore(repo_.db()).newest_with_tag("output." + spec.path, p.id.str()))
      run = RunStore(repo_.db()).get(*id);
  v.object_id = p.id.str();
  v.size = p.size;
  v.kind = std::string(kind_name(p.kind));
  if (head) v.git_commit = oid_hex(head->oid);
  v.description = spec.description;
  v.author = who(git);
  v.created_at = now_ms();
  v.tags = spec.tags;
  if (run) {
    v.run_id = run->id;
    for (const auto& [k, m] : run->metrics) v.metrics[k] = m.last;
    for (const auto& [k, id] : run->tags)
      if (k.starts_with("data.")) v.data[k.substr(5)] = id;
  } else {
    for (const auto& t : find_tracked(repo_, {})) v.data[t.rel] = t.ptr.id.str();
  }

  Transaction tx(repo_.db());  // versions are chosen and taken under the write lock
  auto versions = store_.versions(spec.model);
  if (asked) {
    v.version = asked->str();
  } else if (versions.empty()) {
    v.version = spec.bump == "major" ? "1.0.0" : spec.bump == "patch" ? "0.0.1" : "0.1.0";
  } else {
    v.version = SemVer::parse(versions.back().version)->bumped(spec.bump.empty() ? "patch" : spec.bump).str();
  }
  if (store_.version(spec.model, v.version))
    throw Error(ExitCode::Conflict, fmt::format("model {} version {} exists already", spec.model, v.version),
                "versions are never replaced; register a new one (--bump patch)");
  RegistryChange change;
  TagGuard guard;
  if (spec.git_tag) {
    change.git_tag = register_tag_name(v.model, v.version);
    git->create_tag(change.git_tag, head->oid,
                    tag_message(fmt::format("Registering model {} version v{}", v.model, v.version), record_of(v)));
    guard.arm(&*git, change.git_tag);
  }
  store_.insert(v);
  store_.log({0, v.model, v.version, "register", fmt::format("{} {}", v.path, v.object_id), v.author, change.git_tag,
              v.created_at});
  tx.commit();
  guard.keep = true;
  change.version = v;
  return change;
}

ModelVersion Registry::resolve(const ModelRef& ref) {
  auto versions = store_.versions(ref.model);
  if (versions.empty()) fail(ExitCode::Input, "no model '{}' in the registry", ref.model);
  std::string version;
  switch (ref.kind) {
    case ModelRef::Kind::Latest: return versions.back();
    case ModelRef::Kind::Version: version = ref.value; break;
    case ModelRef::Kind::Stage: {
      auto stages = store_.stages(ref.model);
      auto it = stages.find(ref.value);
      if (it == stages.end() || it->second.empty()) fail(ExitCode::Input, "model {} has no version in stage {}", ref.model, ref.value);
      version = it->second.back();
      break;
    }
    case ModelRef::Kind::Alias: {
      auto aliases = store_.aliases(ref.model);
      auto it = aliases.find(ref.value);
      if (it == aliases.end()) fail(ExitCode::Input, "model {} has no alias {}", ref.model, ref.value);
      version = it->second;
      break;
    }
  }
  return existing(ref.model, version);
}

RegistryChange Registry::promote(const std::string& model, const std::string& version, const std::string& stage,
                                 bool git_tag) {
  check_label("stage", stage);
  auto allowed = allowed_stages();
  if (!contains(allowed, stage))
    throw Error(ExitCode::Usage, fmt::format("unknown stage '{}' (stages: {})", stage, fmt::join(allowed, ", ")),
                "add it to the model.stages setting to use it");
  TaggedChange step(repo_, git_tag);
  RegistryChange change;
  change.version = existing(model, version);
  const ModelVersion& v = change.version;
  auto stages = store_.stages(model);
  if (stage != "archived" && contains(stages["archived"], v.version))
    throw Error(ExitCode::Conflict, fmt::format("{}@{} is archived and cannot be promoted", model, v.version),
                fmt::format("demote it from archived first: mlops model demote {} {} archived", model, v.version));
  if (contains(stages[stage], v.version))
    fail(ExitCode::Conflict, "{}@{} is in stage {} already", model, v.version, stage);
  std::string author = step.author();
  change.git_tag = step.tag(v, [&] { return stage_tag_name(model, stage, next_tag_number(model), false); },
                            fmt::format("Promoting model {} version v{} to stage {}", model, v.version, stage));
  std::int64_t at = now_ms();
  bool one_per_stage = repo_.config().get_or_default("model.versions-per-stage") != "many";
  for (const auto& [s, in_stage] : stages) {
    // archived holds any number of versions; archiving takes a version out of its other stages.
    bool leaves = (s == stage && one_per_stage && stage != "archived") || (stage == "archived" && s != "archived");
    if (!leaves) continue;
    for (const auto& other : in_stage) {
      if (s != stage && other != v.version) continue;  // archiving takes only this version out of other stages
      store_.unassign(model, s, other);
      store_.log({0, model, other, "demote", fmt::format("{} (replaced by {} in {})", s, v.version, stage), author, "", at});
      if (s == stage) change.replaced.push_back(other);
    }
  }
  store_.assign(model, stage, v.version, at);
  store_.log({0, model, v.version, "promote", stage, author, change.git_tag, at});
  step.commit();
  return change;
}

RegistryChange Registry::demote(const std::string& model, const std::string& version, const std::string& stage,
                                bool git_tag) {
  check_label("stage", stage);
  TaggedChange step(repo_, git_tag);
  RegistryChange change;
  change.version = existing(model, version);
  const ModelVersion& v = change.version;
  if (!contains(store_.stages(model)[stage], v.version)) fail(ExitCode::Input, "{}@{} is not in stage {}", model, v.version, stage);
  change.git_tag = step.tag(v, [&] { return stage_tag_name(model, stage, next_tag_number(model), true); },
                            fmt::format("Taking model {} version v{} out of stage {}", model, v.version, stage));
  store_.unassign(model, stage, v.version);
  store_.log({0, model, v.version, "demote", stage, step.author(), change.git_tag, now_ms()});
  step.commit();
  return change;
}

RegistryChange Registry::set_alias(const std::string& model, const std::string& alias, const std::string& version,
                                   bool git_tag) {
  check_label("alias", alias);
  TaggedChange step(repo_, git_tag);
  RegistryChange change;
  change.version = existing(model, version);
  const ModelVersion& v = change.version;
  auto aliases = store_.aliases(model);
  if (aliases.count(alias) && aliases[alias] == v.version) fail(ExitCode::Conflict, "{}:{} is {} already", model, alias, v.version);
  change.git_tag = step.tag(v, [&] { return alias_tag_name(model, alias, next_tag_number(model), false); },
                            fmt::format("Alias {} of model {} now names version v{}", alias, model, v.version));
  if (aliases.count(alias)) change.replaced.push_back(aliases[alias]);
  store_.set_alias(model, alias, v.version);
  store_.log({0, model, v.version, "alias", alias, step.author(), change.git_tag, now_ms()});
  step.commit();
  return change;
}

RegistryChange Registry::unalias(const std::string& model, const std::string& alias, bool git_tag) {
  check_model_name(model);
  check_label("alias", alias);
  TaggedChange step(repo_, git_tag);
  auto aliases = store_.aliases(model);
  if (!aliases.count(alias)) fail(ExitCode::Input, "model {} has no alias {}", model, alias);
  RegistryChange change;
  change.version = existing(model, aliases[alias]);
  change.git_tag = step.tag(change.version, [&] { return alias_tag_name(model, alias, next_tag_number(model), true); },
                            fmt::format("Removing alias {} of model {}", alias, model));
  store_.remove_alias(model, alias);
  store_.log({0, model, change.version.version, "unalias", alias, step.author(), change.git_tag, now_ms()});
  step.commit();
  return change;
}

bool Registry::import_version(const ModelVersion& in, const std::string& stage, bool git_tag, bool update,
                              std::vector<std::string>& tags_made) {
  check_model_name(in.model);
  if (!stage.empty()) {
    check_label("stage", stage);
    if (auto allowed = allowed_stages(); !contains(allowed, stage))
      throw Error(ExitCode::Usage, fmt::format("unknown stage '{}' (stages: {})", stage, fmt::join(allowed, ", ")),
                  "add it to the model.stages setting to use it");
  }
  auto here = store_.version(in.model, in.version);
  if (here && here->object_id != in.object_id)
    fail(ExitCode::Conflict, "model {} version {} is here already, with other content ({})", in.model, in.version,
         here->object_id);
  TaggedChange step(repo_, git_tag);
  auto put_in_stage = [&](const ModelVersion& v) {
    std::string tag = step.tag(v, [&] { return stage_tag_name(v.model, stage, next_tag_number(v.model), false); },
                               fmt::format("Promoting model {} version v{} to stage {}", v.model, v.version, stage));
    if (!tag.empty()) tags_made.push_back(tag);
    store_.assign(v.model, stage, v.version, now_ms());
    store_.log({0, v.model, v.version, "promote", stage + " (imported)", step.author(), tag, now_ms()});
  };
  if (here) {
    if (update && !stage.empty() && !contains(store_.stages(in.model)[stage], in.version)) {
      put_in_stage(*here);
      step.commit();
    }
    return false;
  }
  ModelVersion v = in;
  std::string reg_tag;
  if (git_tag) {
    auto git = git_for_tags(repo_);
    auto head = git.resolve("HEAD");
    if (!head) throw Error(ExitCode::Usage, "the git repository has no commit to tag yet", "commit first, or leave out --git-tags");
    v.git_commit = oid_hex(head->oid);
    reg_tag = step.tag(v, [&] { return register_tag_name(v.model, v.version); },
                       fmt::format("Registering model {} version v{}", v.model, v.version), record_of(v));
    tags_made.push_back(reg_tag);
  }
  store_.insert(v);
  store_.log({0, v.model, v.version, "register", fmt::format("{} {} (imported)", v.path, v.object_id), v.author, reg_tag,
              v.created_at});
  if (!stage.empty()) put_in_stage(v);
  step.commit();
  return true;
}

void Registry::import_alias(const std::string& model, const std::string& alias, const std::string& version,
                            bool git_tag, std::vector<std::string>& tags_made) {
  check_label("alias", alias);
  TaggedChange step(repo_, git_tag);
  ModelVersion v = existing(model, version);
  auto aliases = store_.aliases(model);
  if (auto it = aliases.find(alias); it != aliases.end() && it->second == v.version) return;
  std::string tag = step.tag(v, [&] { return alias_tag_name(model, alias, next_tag_number(model), false); },
                             fmt::format("Alias {} of model {} now names version v{}", alias, model, v.version));
  if (!tag.empty()) tags_made.push_back(tag);
  store_.set_alias(model, alias, v.version);
  store_.log({0, model, v.version, "alias", alias + " (imported)", step.author(), tag, now_ms()});
  step.commit();
}

SyncResult Registry::sync() {
  GitRepo git = git_for_tags(repo_);
  struct Tagged {
    RegistryTag tag;
    GitTag git;
  };
  std::map<std::string, std::vector<Tagged>> by_model;
  SyncResult r;
  for (auto& t : git.tags("*")) {
    auto parsed = parse_registry_tag(t.name);
    if (!parsed) {
      r.skipped_tags += t.name.find_first_of("@#") != std::string::npos;
      continue;
    }
    by_model[parsed->model].push_back({*parsed, std::move(t)});
  }
  bool one_per_stage = repo_.config().get_or_default("model.versions-per-stage") != "many";
  Transaction tx(repo_.db());
  for (auto& [model, tags] : by_model) {
    bool registered = std::any_of(tags.begin(), tags.end(), [](const Tagged& t) { return t.tag.kind == RegistryTag::Kind::Register; });
    if (!registered) {
      r.skipped_tags += tags.size();
      continue;
    }
    store_.forget(model);
    ++r.models;
    // Versions first, in version order; then stage and alias changes in the order of their numbers.
    std::stable_sort(tags.begin(), tags.end(), [](const Tagged& a, const Tagged& b) {
      bool ra = a.tag.kind == RegistryTag::Kind::Register, rb = b.tag.kind == RegistryTag::Kind::Register;
      if (ra != rb) return ra;
      if (ra) return *SemVer::parse(a.tag.value) < *SemVer::parse(b.tag.value);
      return a.tag.number < b.tag.number;
    });
    std::map<std::string, std::string> version_at_commit;  // commit -> newest version registered there
    for (const auto& [tag, g] : tags) {
      std::int64_t at = g.time * 1000;
      std::string commit = oid_hex(g.target);
      if (tag.kind == RegistryTag::Kind::Register) {
        ModelVersion v;
        v.model = model;
        v.version = tag.value;
        v.kind = "file";
        v.author = g.tagger;
        v.created_at = at;
        v.git_commit = commit;
        if (auto rec = tag_record(g.message, g.name)) read_version_record(*rec, g.name, v);
        store_.insert(v);
        store_.log({0, model, v.version, "register", fmt::format("{} {}", v.path, v.object_id), v.author, g.name, at});
        version_at_commit[commit] = v.version;
        ++r.versions;
        ++r.events;
        continue;
      }
      std::string version;
      if (auto rec = tag_record(g.message, g.name)) version = record_version(*rec, g.name);
      if (version.empty() && version_at_commit.count(commit)) version = version_at_commit[commit];
      if (version.empty() || !store_.version(model, version)) {
        ++r.skipped_tags;
        continue;
      }
      using K = RegistryTag::Kind;
      auto stages = store_.stages(model);
      if (tag.kind == K::Assign) {
        for (const auto& [s, in_stage] : stages)
          for (const auto& other : in_stage)
            if ((s == tag.value && one_per_stage && s != "archived") ||
                (tag.value == "archived" && s != "archived" && other == version))
              store_.unassign(model, s, other);
        store_.assign(model, tag.value, version, at);
      } else if (tag.kind == K::Unassign) {
        store_.unassign(model, tag.value, version);
      } else if (tag.kind == K::Alias) {
        store_.set_alias(model, tag.value, version);
      } else {
        store_.remove_alias(model, tag.value);
      }
      const char* action = tag.kind == K::Assign ? "promote" : tag.kind == K::Unassign ? "demote" : tag.kind == K::Alias ? "alias" : "unalias";
      store_.log({0, model, version, action, tag.value, g.tagger, g.name, at});
      ++r.events;
    }
  }
  tx.commit();
  return r;
}

Tracked Registry::as_tracked(const ModelVersion& v) {
  Tracked t;
  t.rel = fmt::format("{}@{}", v.model, v.version);
  t.ptr.path = v.path;
  t.ptr.id = ObjectId::parse(v.object_id);
  t.ptr.size = v.size;
  t.ptr.kind = v.kind == "dir" ? Kind::Dir : Kind::File;
  return t;
}

std::vector<Tracked> Registry::all_tracked() {
  std::vector<Tracked> out;
  for (const auto& m : store_.models())
    for (const auto& v : store_.versions(m))
      if (!v.object_id.empty()) out.push_back(as_tracked(v));
  return out;
}

std::vector<std::string> Registry::run_ids() {
  std::set<std::string> ids;
  for (const auto& m : store_.models())
    for (const auto& v : store_.versions(m))
      if (!v.run_id.empty()) ids.insert(v.run_id);
  return {ids.begin(), ids.end()};
}

void Registry::materialize(const ModelVersion& v, const fs::path& dest, bool force, const std::string& remote) {
  if (v.object_id.empty())
    throw Error(ExitCode::Missing, fmt::format("{}@{} was registered without mlops's record (its tag has none)", v.model, v.version),
                "register the model again with mlops");
  ObjectStore& store = repo_.store();
  ObjectId id = ObjectId::parse(v.object_id);
  const bool dir = v.kind == "dir";
  const std::string label = v.model + "@" + v.version;
  auto complete = [&] { return has_tree(store, id, dir, label); };
  if (!complete()) {
    if (remote.empty() && remote_names(repo_.config()).empty())
      throw Error(ExitCode::Missing, fmt::format("{}@{} ({}) is not in the store", v.model, v.version, v.object_id),
                  "add the remote it was pushed to: mlops remote add NAME URL --default");
    TransferScope scope;
    scope.extra = {as_tracked(v)};
    scope.only_extra = true;
    fetch(repo_, remote, scope, 0, nullptr);
    if (!complete()) fail(ExitCode::Missing, "{}@{} is not on remote {} either", v.model, v.version, remote);
  }
  copy_tree_out(store, id, dir, v.size, label, dest, force);
}

}  // namespace mlops

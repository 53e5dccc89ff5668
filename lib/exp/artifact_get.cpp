#include "exp/artifact_get.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/safe_tree.hpp"
#include "core/text.hpp"
#include "exp/artifact_source.hpp"
#include "exp/run_store.hpp"
#include "repo/repo.hpp"
#include "state/db.hpp"
#include "store/manifest.hpp"
#include "store/object_store.hpp"
#include "store/object_tree.hpp"

namespace mlops {

namespace {

// Replaces what is at dest (with force), else refuses; dest checked first.
void clear_dest(const fs::path& dest, bool force) {
  fs::path abs = outside_dest(dest);
  if (!lstat_path(abs)) return;
  if (!force) throw Error(ExitCode::Conflict, fmt::format("{} exists", dest.string()), "give --force to replace it");
  SafeTree(abs.parent_path()).remove(abs.filename().string());
}

}  // namespace

GotArtifact get_run_artifact(Repo& repo, const std::string& run_ref, const std::string& path_given, const fs::path& dest,
                             bool force) {
  RunStore runs(repo.db());
  Run run = runs.get(run_ref);
  auto sizes = runs.artifact_sizes(run.id);
  ObjectStore& store = repo.store();
  std::string path = path_given;
  while (path.size() > 1 && path.back() == '/') path.pop_back();  // model/ is model
  GotArtifact got{run.name, run.id, path, false, 0};
  if (path.empty()) {  // every artifact, in a folder
    if (run.artifacts.empty()) fail(ExitCode::Input, "run {} ({}) has no artifacts", run.name, run.short_id());
    clear_dest(dest, force);
    got.dir = true;
    for (const auto& [name, id_text] : run.artifacts) {
      ObjectId id = ObjectId::parse(id_text);
      std::string label = fmt::format("{}:{}", run.name, name);
      Tracked t = run_object(store, label, id, sizes[name]);
      bool dir = t.ptr.kind == Kind::Dir;
      if (!has_tree(store, id, dir, label))
        throw Error(ExitCode::Missing, fmt::format("{}: the artifact's content is not in the store", label),
                    "mlops exp pull brings a run's artifacts from the remote it was pushed to");
      copy_tree_out(store, id, dir, t.ptr.size, label, dest / name, false);
      got.size += t.ptr.size;
    }
    return got;
  }
  std::string label = fmt::format("{}:{}", run.name, path);
  // The artifact itself, or the folder artifact that holds `path`.
  for (const auto& [name, id_text] : run.artifacts) {
    bool exact = name == path;
    if (!exact && !path.starts_with(name + "/")) continue;
    ObjectId id = ObjectId::parse(id_text);
    Tracked t = run_object(store, label, id, sizes[name]);
    bool dir = t.ptr.kind == Kind::Dir;
    if (!has_tree(store, id, dir, label))
      throw Error(ExitCode::Missing, fmt::format("{}: the artifact's content is not in the store", label),
                  "mlops exp pull brings a run's artifacts from the remote it was pushed to");
    if (exact) {
      got.dir = dir;
      got.size = t.ptr.size;
      copy_tree_out(store, id, dir, t.ptr.size, label, dest, force);
      return got;
    }
    if (!dir) break;
    // A file or folder inside a folder artifact: its entries below `rest`.
    std::string rest = path.substr(name.size() + 1);
    Manifest m = Manifest::parse(store.read_verified(id, kMaxManifestBytes), label);
    if (const ManifestEntry* e = m.find(rest)) {
      got.size = e->size;
      copy_tree_out(store, e->id, false, e->size, label, dest, force);
      return got;
    }
    std::vector<const ManifestEntry*> below;
    for (const auto& e : m.entries)
      if (e.path.starts_with(rest + "/")) below.push_back(&e);
    if (below.empty()) {
      std::vector<std::string> inside;
      for (const auto& e : m.entries) inside.push_back(name + "/" + e.path);
      throw Error(ExitCode::Input,
                  fmt::format("run {} ({}): artifact {} has no '{}'", run.name, run.short_id(), name, printable_path(rest)),
                  fmt::format("it holds:{}", list_some(inside, 20)));
    }
    clear_dest(dest, force);
    got.dir = true;
    for (const ManifestEntry* e : below) {
      got.size += e->size;
      copy_tree_out(store, e->id, false, e->size, label, dest / e->path.substr(rest.size() + 1), false);
    }
    return got;
  }
  std::vector<std::string> names;
  for (const auto& [name, id] : run.artifacts) names.push_back(name);
  if (names.empty()) fail(ExitCode::Input, "run {} ({}) has no artifacts", run.name, run.short_id());
  throw Error(ExitCode::Input, fmt::format("run {} ({}) has no artifact '{}'", run.name, run.short_id(), printable_path(path)),
              fmt::format("its artifacts:{}", list_some(names, 20)));
}

std::vector<ArtifactFile> run_artifact_files(Repo& repo, const Run& run, std::size_t max, std::size_t& more) {
  RunStore runs(repo.db());
  auto sizes = runs.artifact_sizes(run.id);
  ObjectStore& store = repo.store();
  std::vector<ArtifactFile> out;
  more = 0;
  auto add = [&](ArtifactFile f) {
    if (out.size() < max) out.push_back(std::move(f));
    else ++more;
  };
  for (const auto& [name, id_text] : run.artifacts) {
    ObjectId id = ObjectId::parse(id_text);
    std::string label = fmt::format("{}:{}", run.name, name);
    Tracked t = run_object(store, label, id, sizes[name]);
    if (t.ptr.kind != Kind::Dir) {
      add({name, id_text, t.ptr.size, store.has(id)});
      continue;
    }
    if (!store.has(id)) {
      add({name + "/", id_text, t.ptr.size, false});
      continue;
    }
    Manifest m = Manifest::parse(store.read_verified(id, kMaxManifestBytes), label);
    for (const auto& e : m.entries) add({name + "/" + e.path, e.id.str(), e.size, store.has(e.id)});
  }
  return out;
}

}  // namespace mlops

#include "data/gc.hpp"

#include <unordered_set>

#include "core/error.hpp"
#include "core/text.hpp"
#include "data/tracked_source.hpp"
#include "repo/git_history.hpp"
#include "repo/repo.hpp"
#include "store/manifest.hpp"
#include "store/object_store.hpp"
#include "store/store_lock.hpp"

namespace mlops {

namespace {

// Error(Usage) unless the options say what to keep.
void check_keep_flags(const GcOptions& o) {
  if (!(o.workspace || o.all_branches || o.all_tags || o.all_commits))
    throw Error(ExitCode::Usage, "say what to keep: --workspace, --all-branches, --all-tags or --all-commits",
                "the workspace and HEAD are always kept; the flags add to them");
}

}  // namespace

bool keep_with_files(std::unordered_set<std::string>& keep, const Tracked& t, const ManifestReader& read_manifest,
                     const std::string& where) {
  keep.insert(t.ptr.id.hex);
  if (t.ptr.kind != Kind::Dir) return true;
  auto text = read_manifest(t.ptr.id);
  if (!text) return false;
  for (const auto& e : Manifest::parse(*text, where + ":" + t.where()).entries) keep.insert(e.id.hex);
  return true;
}

std::unordered_set<std::string> kept_objects(Repo& repo, const GcOptions& o, const TrackedSources& sources,
                                             const ManifestReader& read_manifest, GcResult& r, bool every_kept_known) {
  check_keep_flags(o);
  std::unordered_set<std::string> keep;
  std::vector<std::string> unknown;
  // A revision's folder whose manifest is missing stops gc (its files are
  // unknown); one kept whatever the revision and already incomplete here
  // does not, unless every_kept_known.
  auto keep_tracked = [&](const Tracked& t, const std::string& where) {
    if (!keep_with_files(keep, t, read_manifest, where) && (where != "kept" || every_kept_known))
      unknown.push_back(fmt::format("{} {} ({})", where, t.rel, t.ptr.id.str()));
  };
  for (const auto& source : sources) {
    for (const auto& t : source->in_workspace(repo)) keep_tracked(t, "workspace");
    for (const auto& t : source->kept(repo)) keep_tracked(t, "kept");
  }
  if (auto git = GitRepo::open(repo.root())) {
    auto commits = git->commits(o.all_branches, o.all_tags, o.all_commits);
    r.revisions_kept = commits.size();
    for (const auto& c : commits) {
      std::string where = fmt::format("{} ({})", c.label, c.short_id());
      for (const auto& source : sources)
        for (const auto& t : source->in_commit(repo, *git, c)) keep_tracked(t, where);
    }
  }
  if (!unknown.empty()) {
    throw Error(ExitCode::Missing,
                fmt::format("cannot tell which objects {} kept folder version(s) use: their manifests are not in "
                            "the store{}:{}",
                            unknown.size(), every_kept_known ? " nor on the remote" : "", list_some(unknown)),
                "nothing was removed; fetch the manifests first, or keep fewer revisions");
  }
  return keep;
}

GcResult collect_garbage(Repo& repo, const GcOptions& o, const TrackedSources& sources) {
  check_keep_flags(o);
  if (repo.config().get("cache.dir") && !o.force && !o.dry_run)
    throw Error(ExitCode::Usage,
                "the store is shared (cache.dir): gc would remove objects that other clones still use",
                "run gc with --force if this repository is the store's only user");
  ObjectStore& store = repo.store();
  StoreLock lock(store.base_dir(), StoreLock::Mode::Exclusive);
  GcResult r;
  auto keep = kept_objects(
      repo, o, sources,
      [&](const ObjectId& id) -> std::optional<std::string> {
        if (!store.has(id)) return std::nullopt;
        return store.read_verified(id);
      },
      r);

  // Files that are not objects are left alone.
  store.for_each_object([&](const ObjectId& id, const FileStat& st) {
    if (keep.count(id.hex)) {
      ++r.objects_kept;
      return;
    }
    r.removed.emplace_back(id, st.size);
    r.bytes_removed += st.size;
  });
  if (!o.dry_run)
    for (const auto& [id, size] : r.removed) remove_file(store.path_of(id));
  return r;
}

}  // namespace mlops

#include "data/gc.hpp"

#include <unordered_set>

#include "core/error.hpp"
#include "core/text.hpp"
#include "data/tracked.hpp"
#include "repo/git_history.hpp"
#include "repo/repo.hpp"
#include "store/manifest.hpp"
#include "store/object_store.hpp"
#include "store/store_lock.hpp"
#include "state/db.hpp"

namespace mlops {

GcResult collect_garbage(Repo& repo, const GcOptions& o) {
  if (!(o.workspace || o.all_branches || o.all_tags || o.all_commits))
    throw Error(ExitCode::Usage, "say what to keep: --workspace, --all-branches, --all-tags or --all-commits",
                "the workspace and HEAD are always kept; the flags add to them");
  if (repo.config().get("cache.dir") && !o.force && !o.dry_run)
    throw Error(ExitCode::Usage,
                "the store is shared (cache.dir): gc would remove objects that other clones still use",
                "run gc with --force if this repository is the store's only user");
  ObjectStore& store = repo.store();
  StoreLock lock(store.base_dir(), StoreLock::Mode::Exclusive);

  GcResult r;
  std::unordered_set<std::string> keep;
  std::vector<std::string> unknown;
  auto keep_tracked = [&](const Tracked& t, const std::string& where) {
    keep.insert(t.ptr.id.hex);
    if (t.ptr.kind != Kind::Dir) return;
    if (!store.has(t.ptr.id)) {
      unknown.push_back(fmt::format("{} {} ({})", where, t.rel, t.ptr.id.str()));
      return;
    }
    for (const auto& e : Manifest::parse(store.read_verified(t.ptr.id), where + ":" + t.pointer_rel()).entries)
      keep.insert(e.id.hex);
  };
  for (const auto& t : find_tracked(repo, {})) keep_tracked(t, "workspace");
  if (auto git = GitRepo::open(repo.root())) {
    auto commits = git->commits(o.all_branches, o.all_tags, o.all_commits);
    r.revisions_kept = commits.size();
    for (const auto& c : commits)
      git->for_each_file(c.oid, kPointerSuffix, [&](const std::string& path, std::string text) {
        std::string where = fmt::format("{} ({})", c.label, c.short_id());
        keep_tracked(parse_tracked(path.substr(0, path.size() - kPointerSuffix.size()), text, where + ":" + path),
                     where);
      });
  }
  // Run artifacts, logs and uncommitted diffs (mlops exp run), and registered
  // model versions, are kept whatever the revisions.
  {
    Stmt s(repo.db(),
           "SELECT id FROM artifacts UNION SELECT git_diff_id FROM runs WHERE git_diff_id IS NOT NULL "
           "UNION SELECT object_id FROM model_versions WHERE object_id != ''");
    while (s.step()) {
      ObjectId id;
      if (!ObjectId::try_parse(s.col_text(0), id)) continue;
      keep.insert(id.hex);
      // A folder artifact is a manifest: keep its files too.
      auto st = lstat_path(store.path_of(id));
      if (!st || st->size > (64u << 20)) continue;
      std::string text = read_file(store.path_of(id), 64u << 20);
      if (!starts_with(text, "xxh128:") && !starts_with(text, "sha256:")) continue;
      try {
        for (const auto& e : Manifest::parse(text, "artifact").entries) keep.insert(e.id.hex);
      } catch (const Error&) {
        // a file that merely starts like a manifest
      }
    }
  }
  if (!unknown.empty()) {
    throw Error(ExitCode::Missing,
                fmt::format("cannot tell which objects {} kept folder version(s) use: their manifests are not in "
                            "the store:{}",
                            unknown.size(), list_some(unknown)),
                "nothing was removed; fetch the manifests first, or keep fewer revisions");
  }

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

#include "data/checkout.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <unordered_set>

#include "core/error.hpp"
#include "core/text.hpp"
#include "core/parallel.hpp"
#include "data/tracked.hpp"
#include "data/workspace.hpp"
#include "repo/repo.hpp"
#include "state/stat_cache.hpp"
#include "store/manifest.hpp"
#include "store/object_store.hpp"
#include "store/store_lock.hpp"

namespace mlops {

namespace {

struct Plan {
  Tracked tracked;
  WorkTree tree;
  std::vector<ManifestEntry> place;   // paths relative to the tracked path
  std::vector<std::string> remove;    // files in the work tree not in the version
  bool clear_whole = false;           // the work tree holds the wrong kind of thing
};


Plan make_plan(Repo& repo, const Tracked& t, std::vector<std::string>& unsaved, std::vector<std::string>& missing) {
  ObjectStore& store = repo.store();
  Plan p{t, list_workspace(repo, t.rel), {}, {}, false};
  Manifest want;
  if (t.ptr.kind == Kind::File) {
    want.entries.push_back({"", t.ptr.id, t.ptr.size, false});
  } else {
    if (!store.has(t.ptr.id)) {
      missing.push_back(fmt::format("{} (folder manifest {})", t.rel, t.ptr.id.str()));
      return p;
    }
    want = Manifest::parse(store.read_verified(t.ptr.id), t.pointer_rel() + " (manifest)");
  }
  identify(repo, t.rel, p.tree, Identify::HashOnly, nullptr);
  bool kind_ok = p.tree.shape == Shape::Absent ||
                 (p.tree.shape == Shape::File) == (t.ptr.kind == Kind::File);
  auto shown = [&](const std::string& path) { return cache_key(t.rel, path); };
  if (!kind_ok) {
    p.clear_whole = true;
    for (const auto& f : p.tree.files)
      if (!store.has(f.id)) unsaved.push_back(shown(f.path));
    p.place = want.entries;
  } else {
    const auto& have = p.tree.files;
    std::size_t i = 0, j = 0;
    while (i < want.entries.size() || j < have.size()) {
      if (j == have.size() || (i < want.entries.size() && want.entries[i].path < have[j].path)) {
        p.place.push_back(want.entries[i++]);
      } else if (i == want.entries.size() || have[j].path < want.entries[i].path) {
        if (!store.has(have[j].id)) unsaved.push_back(shown(have[j].path));
        p.remove.push_back(have[j++].path);
      } else {
        if (want.entries[i].id != have[j].id) {
          if (!store.has(have[j].id)) unsaved.push_back(shown(have[j].path));
          p.place.push_back(want.entries[i]);
        }
        ++i, ++j;
      }
    }
  }
  std::vector<ObjectId> ids;
  ids.reserve(p.place.size());
  for (const auto& e : p.place) ids.push_back(e.id);
  std::vector<ObjectId> absent = store.missing(ids);
  if (!absent.empty()) {
    std::unordered_set<ObjectId> lacking(absent.begin(), absent.end());
    for (const auto& e : p.place)
      if (lacking.count(e.id)) missing.push_back(fmt::format("{} ({})", shown(e.path), e.id.str()));
  }
  return p;
}

// Removes now-empty folders from `dir` up to (not including) `stop`.
void prune_empty_parents(fs::path dir, const fs::path& stop) {
  while (dir != stop && dir.string().size() > stop.string().size()) {
    if (::rmdir(dir.c_str()) != 0) return;
    dir = dir.parent_path();
  }
}

CheckoutResult execute(Repo& repo, Plan& p, Linker& linker, Progress* progress) {
  CheckoutResult r;
  r.rel = p.tracked.rel;
  const fs::path top = repo.abs(p.tracked.rel);
  std::error_code ec;
  if (p.clear_whole) {
    fs::remove_all(top, ec);
    if (ec) fail(ExitCode::Io, "cannot remove {}: {}", p.tracked.rel, ec.message());
  }
  for (const auto& path : p.remove) {
    fs::path f = top / path;
    remove_file(f);
    prune_empty_parents(f.parent_path(), top);
    ++r.removed;
  }
  if (p.tracked.ptr.kind == Kind::Dir) {
    make_dirs(top);
    std::set<fs::path> dirs;
    for (const auto& e : p.place) dirs.insert((top / e.path).parent_path());
    for (const auto& d : dirs) make_dirs(d);
  } else {
    make_dirs(top.parent_path());
  }
  ObjectStore& store = repo.store();
  std::vector<std::pair<std::string, StatRecord>> records(p.place.size());
  std::mutex mu;
  std::set<LinkMode> used;
  parallel_for(p.place.size(), repo.jobs(), [&](std::size_t k) {
    const ManifestEntry& e = p.place[k];
    fs::path dest = e.path.empty() ? top : top / e.path;
    auto placed = linker.place(store.path_of(e.id), e.size, dest, e.executable);
    records[k] = {cache_key(p.tracked.rel, e.path), StatRecord{placed.st, e.id}};
    LinkMode m = placed.mode;
    advance(progress, 1, e.size);
    std::lock_guard lock(mu);
    used.insert(m);
  });
  StatCache(repo.db()).store(records);
  r.placed = p.place.size();
  r.modes_used.assign(used.begin(), used.end());
  return r;
}

}  // namespace

std::vector<CheckoutResult> checkout(Repo& repo, const std::vector<std::string>& rels, const CheckoutOptions& opts,
                                     Progress* progress) {
  std::vector<std::string> unsaved, missing;
  std::vector<Plan> plans;
  StoreLock lock(repo.store().base_dir(), StoreLock::Mode::Shared);  // gc waits
  auto tracked = opts.rev.empty() ? find_tracked(repo, rels) : find_tracked_at(repo, opts.rev, rels);
  for (const auto& t : tracked) plans.push_back(make_plan(repo, t, unsaved, missing));
  if (!missing.empty())
    throw Error(ExitCode::Missing,
                fmt::format("{} object(s) needed for checkout are not in the store:{}", missing.size(),
                            list_some(missing)),
                "fetch them from a remote, or run 'mlops add' where the data still exists; nothing was changed");
  if (!unsaved.empty() && !opts.force)
    throw Error(ExitCode::Conflict,
                fmt::format("checkout would overwrite or delete {} file(s) whose content is not in the store:{}",
                            unsaved.size(), list_some(unsaved)),
                "run 'mlops add' to keep them, or 'mlops checkout --force' to discard them; nothing was changed");
  std::uint64_t files = 0, bytes = 0;
  for (const auto& p : plans)
    for (const auto& e : p.place) ++files, bytes += e.size;
  add_total(progress, files, bytes);
  Linker linker(repo.link_modes());
  std::vector<CheckoutResult> out;
  for (auto& p : plans) out.push_back(execute(repo, p, linker, progress));
  return out;
}

}  // namespace mlops

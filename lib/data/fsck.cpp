#include "data/fsck.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <unordered_set>

#include "core/error.hpp"
#include "core/file_hash.hpp"
#include "core/link.hpp"
#include "core/parallel.hpp"
#include "data/tracked_source.hpp"
#include "repo/repo.hpp"
#include "store/manifest.hpp"
#include "store/object_store.hpp"
#include "store/store_lock.hpp"

namespace mlops {

FsckResult fsck(Repo& repo, const TrackedSources& sources, Progress* progress) {
  ObjectStore& store = repo.store();
  StoreLock lock(store.base_dir(), StoreLock::Mode::Exclusive);  // nothing is written meanwhile
  FsckResult r;
  std::vector<std::pair<ObjectId, std::uint64_t>> objects;
  store.for_each_object(
      [&](const ObjectId& id, const FileStat& st) {
        objects.emplace_back(id, st.size);
        add_total(progress, 1, st.size);
      },
      [&](const std::string& rel) { r.stray.push_back(rel); });

  std::mutex mu;
  parallel_for(objects.size(), repo.jobs(), [&](std::size_t i) {
    const auto& [id, size] = objects[i];
    bool good = false;
    try {
      good = hash_file(store.path_of(id), id.algo) == id;
    } catch (const Error&) {
      good = false;  // unreadable counts as corrupt
    }
    advance(progress, 1, size);
    if (good) return;
    std::lock_guard guard(mu);
    r.corrupt.push_back(id);
  });
  r.checked = objects.size();

  // Hard links and symlinks (cache.link) make a workspace file the store's
  // copy: an edit in place is the usual way an object goes bad.
  if (!r.corrupt.empty()) {
    std::size_t linked = 0;
    for (const auto& id : r.corrupt)
      if (struct stat st {}; ::stat(store.path_of(id).c_str(), &st) == 0 && st.st_nlink > 1) ++linked;
    auto modes = repo.link_modes();
    bool symlinks = std::find(modes.begin(), modes.end(), LinkMode::Symlink) != modes.end();
    if (linked)
      r.likely_cause = fmt::format(
          "{} of them {} hard-linked into the workspace (cache.link hardlink): a checked-out file edited in place "
          "changed the store's copy",
          linked, linked == 1 ? "is" : "are");
    else if (symlinks)
      r.likely_cause = "cache.link includes symlink: a program that wrote through a workspace symlink changed the store's copy";
  }
  // Quarantine, so that the next add or pull can store a good copy.
  if (!r.corrupt.empty()) {
    fs::path q = store.base_dir() / "quarantine";
    make_dirs(q);
    for (const auto& id : r.corrupt)
      if (std::rename(store.path_of(id).c_str(), (q / id.hex).c_str()) != 0)
        fail_errno("move to quarantine", store.path_of(id).string(), errno);
  }

  for (const auto& t : tracked_in_workspace(repo, sources)) {
    if (!store.has(t.ptr.id)) {
      r.missing.push_back(fmt::format("{} ({})", t.rel, t.ptr.id.str()));
      continue;
    }
    if (t.ptr.kind != Kind::Dir) continue;
    Manifest m = Manifest::parse(store.read_verified(t.ptr.id), t.where() + " (manifest)");
    std::vector<ObjectId> ids;
    for (const auto& e : m.entries) ids.push_back(e.id);
    auto absent = store.missing(ids);
    std::unordered_set<ObjectId> lacking(absent.begin(), absent.end());
    for (const auto& e : m.entries)
      if (lacking.count(e.id)) r.missing.push_back(fmt::format("{}/{} ({})", t.rel, e.path, e.id.str()));
  }
  return r;
}

}  // namespace mlops

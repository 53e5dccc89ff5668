#include "data/status.hpp"

#include <algorithm>
#include <future>
#include <optional>
#include <system_error>

#include "core/error.hpp"
#include "core/text.hpp"
#include "data/workspace.hpp"
#include "repo/repo.hpp"
#include "store/manifest.hpp"
#include "store/object_store.hpp"

namespace mlops {

std::string_view work_state_name(WorkState s) {
  switch (s) {
    case WorkState::Unchanged: return "unchanged";
    case WorkState::Modified: return "modified";
    case WorkState::Deleted: return "deleted";
  }
  return "?";
}

namespace {

// The folder's manifest, or nullopt when the store lacks it.
std::optional<Manifest> load_manifest(Repo& repo, const Tracked& t) {
  if (!repo.store().has(t.ptr.id)) return std::nullopt;
  return Manifest::parse(repo.store().read_verified(t.ptr.id), t.pointer_rel() + " (manifest " + t.ptr.id.str() + ")");
}

}  // namespace

PathStatus compare_path(Repo& repo, const Tracked& t, Progress* progress) {
  PathStatus s;
  s.tracked = t;
  ObjectStore& store = repo.store();
  std::optional<Manifest> manifest;
  // What the store holds (reading the manifest, listing the store) and what
  // the work tree holds (a walk with one lstat per file) are independent: the
  // first runs on a thread of its own while this one walks.
  auto check_store = [&] {
    if (t.ptr.kind == Kind::Dir) {
      manifest = load_manifest(repo, t);
      if (!manifest) {
        s.in_store = false;
        s.objects_missing = 1;
      } else {
        std::vector<ObjectId> ids;
        ids.reserve(manifest->entries.size());
        for (const auto& e : manifest->entries) ids.push_back(e.id);
        s.objects_missing = store.missing(ids).size();
        s.in_store = s.objects_missing == 0;
      }
    } else if (!store.has(t.ptr.id)) {
      s.in_store = false;
      s.objects_missing = 1;
    }
  };
  std::future<void> store_checked;
  if (t.ptr.kind == Kind::Dir) {
    try {
      store_checked = std::async(std::launch::async, check_store);
    } catch (const std::system_error&) {  // no thread to be had: one after the other
      check_store();
    }
  } else {
    check_store();
  }
  WorkTree tree = list_workspace(repo, t.rel);
  if (store_checked.valid()) store_checked.get();
  if (tree.shape == Shape::Absent) {
    s.state = WorkState::Deleted;
    return s;
  }
  identify(repo, t.rel, tree, Identify::HashOnly, progress);
  // The same file as the store's object (a hard link, or a symlink followed):
  // what changed it changed the store.
  auto is_store_copy = [&](const FileStat& st, const ObjectId& id) {
    auto obj = lstat_path(repo.store().path_of(id));
    return obj && obj->dev == st.dev && obj->ino == st.ino;
  };
  if (t.ptr.kind == Kind::File) {
    if (tree.shape != Shape::File || tree.files[0].id != t.ptr.id ||
        tree.files[0].st.is_executable() != t.ptr.executable) {
      s.state = WorkState::Modified;
      if (tree.shape == Shape::File && tree.files[0].id != t.ptr.id && is_store_copy(tree.files[0].st, t.ptr.id))
        s.store_copy_changed = true;
    }
    return s;
  }
  if (tree.shape != Shape::Dir) {
    s.state = WorkState::Modified;
    return s;
  }
  if (!manifest) {
    // Without the manifest we can still tell whether the folder matches.
    Manifest m = tree.manifest();
    if (hash_bytes(t.ptr.id.algo, m.serialize()) != t.ptr.id) s.state = WorkState::Modified;
    return s;
  }
  // Both lists are sorted by path: one merge pass.
  const auto& want = manifest->entries;
  const auto& have = tree.files;
  std::size_t i = 0, j = 0;
  while (i < want.size() || j < have.size()) {
    if (j == have.size() || (i < want.size() && want[i].path < have[j].path)) {
      s.deleted.push_back(want[i++].path);
    } else if (i == want.size() || have[j].path < want[i].path) {
      s.added.push_back(have[j++].path);
    } else {
      if (want[i].id != have[j].id || want[i].executable != have[j].st.is_executable()) {
        s.modified.push_back(want[i].path);
        if (want[i].id != have[j].id && is_store_copy(have[j].st, want[i].id)) s.store_copy_changed = true;
      }
      ++i, ++j;
    }
  }
  if (!s.added.empty() || !s.modified.empty() || !s.deleted.empty()) s.state = WorkState::Modified;
  return s;
}

std::vector<PathStatus> data_status(Repo& repo, const std::vector<std::string>& rels, const TrackedSources& sources,
                                    Progress* progress) {
  std::vector<Tracked> all = find_tracked(repo, rels, /*keep_conflicts=*/true, /*untracked_ok=*/true);
  for (const auto& s : sources)
    if (!s->is_pointer_files())
      for (auto& t : s->in_workspace(repo, rels)) all.push_back(std::move(t));
  std::sort(all.begin(), all.end(), [](const Tracked& a, const Tracked& b) { return a.rel < b.rel; });
  all = select_tracked(repo, std::move(all), rels, true, "by mlops");
  std::vector<PathStatus> out;
  for (const auto& t : all) {
    if (!t.conflict.empty()) {
      PathStatus s;
      s.tracked = t;
      out.push_back(s);
      continue;
    }
    out.push_back(compare_path(repo, t, progress));
  }
  return out;
}

}  // namespace mlops

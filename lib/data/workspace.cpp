#include "data/workspace.hpp"

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdlib>

#include "core/error.hpp"
#include "core/file_hash.hpp"
#include "core/parallel.hpp"
#include "core/text.hpp"
#include "core/walk.hpp"
#include "data/pointer.hpp"
#include "repo/repo.hpp"
#include "state/stat_cache.hpp"
#include "store/object_store.hpp"

namespace mlops {

std::uint64_t WorkTree::total_size() const {
  std::uint64_t t = 0;
  for (const auto& f : files) t += f.st.size;
  return t;
}

Manifest WorkTree::manifest() const {
  Manifest m;
  m.entries.reserve(files.size());
  for (const auto& f : files) m.entries.push_back({f.path, f.id, f.st.size, f.st.is_executable()});
  return m;
}

std::string cache_key(const std::string& rel, const std::string& path) {
  return path.empty() ? rel : rel + '/' + path;
}

namespace {

bool inside(const fs::path& p, const fs::path& dir) {
  auto r = p.lexically_relative(dir).generic_string();
  return !r.empty() && r != ".." && !starts_with(r, "../");
}

// Resolves a workspace symlink to the regular file it names, which must lie in
// the repository or in the store (symlink link mode).
WorkFile follow_symlink(Repo& repo, const std::string& shown, const fs::path& link, std::string path) {
  char buf[PATH_MAX];
  if (!::realpath(link.c_str(), buf)) fail(ExitCode::Input, "{} is a broken symlink", shown);
  fs::path target(buf);
  std::error_code ec;
  fs::path root = fs::canonical(repo.root(), ec);
  fs::path store = fs::weakly_canonical(repo.store().objects_dir(), ec);
  if (!inside(target, root) && !inside(target, store))
    fail(ExitCode::Input, "{} is a symlink leading outside the repository (to {})", shown, target.string());
  struct stat st;
  if (::stat(target.c_str(), &st) != 0) fail_errno("stat", target.string(), errno);
  if (S_ISDIR(st.st_mode))
    fail(ExitCode::Input, "{} is a symlink to a folder; mlops tracks files and folders, not links to folders",
         shown);
  if (!S_ISREG(st.st_mode)) fail(ExitCode::Input, "{} is not a regular file", shown);
  return WorkFile{std::move(path), target, stat_from(st), {}};
}

// A symlink (cache.link symlink) to a store object that is gone (fsck moved a
// damaged one aside, gc removed it): the file it stood for is not there, as
// if deleted, so that status says so and checkout puts it back.
bool dangling_store_link(Repo& repo, const fs::path& link, const FileStat& st) {
  if (!st.is_symlink()) return false;
  std::error_code ec;
  fs::path target = fs::read_symlink(link, ec);
  if (ec) return false;
  if (target.is_relative()) target = link.parent_path() / target;
  if (fs::exists(target, ec) || ec.value() != 0) return false;
  fs::path objects = fs::weakly_canonical(repo.store().objects_dir(), ec);
  fs::path resolved = fs::weakly_canonical(target, ec);
  return !ec && inside(resolved, objects);
}

WorkFile file_entry(Repo& repo, const std::string& rel, const std::string& path, const FileStat& st) {
  if (st.is_symlink()) {
    std::string shown = cache_key(rel, path);
    return follow_symlink(repo, shown, repo.abs(shown), path);
  }
  if (!st.is_regular())
    fail(ExitCode::Input, "{} is not a regular file (device, socket or pipe)", cache_key(rel, path));
  return WorkFile{path, {}, st, {}};
}

// Sorts keys and moves each file once: sorting the files themselves moved
// them (strings, a path, an id) ~17 times each, half of a no-op status's
// work. A key holds the path's first 16 bytes as two big-endian integers, so
// most comparisons are two integer compares; equal prefixes compare the paths.
void sort_by_path(std::vector<WorkFile>& files) {
  struct Key {
    std::uint64_t hi, lo;
    std::uint32_t index;
  };
  auto word = [](std::string_view p, std::size_t at) {
    std::uint64_t w = 0;
    for (std::size_t i = 0; i < 8; ++i)
      w = w << 8 | (at + i < p.size() ? static_cast<unsigned char>(p[at + i]) : 0u);
    return w;
  };
  std::vector<Key> keys(files.size());
  for (std::uint32_t i = 0; i < files.size(); ++i) keys[i] = {word(files[i].path, 0), word(files[i].path, 8), i};
  auto less = [&](const Key& a, const Key& b) {
    if (a.hi != b.hi) return a.hi < b.hi;
    if (a.lo != b.lo) return a.lo < b.lo;
    return files[a.index].path < files[b.index].path;
  };
  if (std::is_sorted(keys.begin(), keys.end(), less)) return;
  std::sort(keys.begin(), keys.end(), less);
  std::vector<WorkFile> sorted;
  sorted.reserve(files.size());
  for (const auto& k : keys) sorted.push_back(std::move(files[k.index]));
  files.swap(sorted);
}

}  // namespace

WorkTree list_workspace(Repo& repo, const std::string& rel) {
  WorkTree tree;
  auto st = lstat_path(repo.abs(rel));
  if (!st) return tree;
  if (dangling_store_link(repo, repo.abs(rel), *st)) return tree;
  if (!st->is_dir()) {
    tree.shape = Shape::File;
    tree.files.push_back(file_entry(repo, rel, "", *st));
    return tree;
  }
  tree.shape = Shape::Dir;
  std::size_t cut = rel.size() + 1;
  WalkVisitor v;
  v.enter_dir = [&](const WalkEntry& e) {
    if (!is_safe_relative_path(e.rel))
      fail(ExitCode::Input, "cannot track {}: its name is not valid UTF-8 or has control characters",
           printable_path(e.rel));
    if (e.rel.ends_with("/.git") || e.rel.ends_with("/.mlops"))
      fail(ExitCode::Input, "{} holds a repository of its own ({}); mlops does not track it", rel, e.rel);
    return true;
  };
  v.file = [&](const WalkEntry& e) {
    // The folders above were checked on the way in: only the name is new.
    if (!is_safe_relative_path(std::string_view(e.rel).substr(e.rel.rfind('/') + 1)))
      fail(ExitCode::Input, "cannot track {}: its name is not valid UTF-8 or has control characters",
           printable_path(e.rel));
    if (e.rel.ends_with(kPointerSuffix) && e.st.is_regular())
      throw Error(ExitCode::Input, fmt::format("{} holds the pointer file {} of another tracked path", rel, e.rel),
                  fmt::format("run 'mlops rm {}' first, or track the paths separately",
                              e.rel.substr(0, e.rel.size() - kPointerSuffix.size())));
    if (dangling_store_link(repo, repo.abs(e.rel), e.st)) return;
    tree.files.push_back(file_entry(repo, rel, e.rel.substr(cut), e.st));
  };
  walk_tree(repo.abs(rel), rel, v);
  sort_by_path(tree.files);
  return tree;
}

IdentifyStats identify(Repo& repo, const std::string& rel, WorkTree& tree, Identify mode, Progress* progress) {
  StatCache cache(repo.db());
  ObjectStore& store = repo.store();
  // Both the records and the files come in path order: one merge pass. A
  // record's path is rel itself (a tracked file) or rel/PATH.
  std::size_t j = 0;
  cache.for_each_under(rel, [&](std::string_view key, const StatRecord& r) {
    std::string_view path = key.size() == rel.size() ? std::string_view() : key.substr(rel.size() + 1);
    while (j < tree.files.size() && std::string_view(tree.files[j].path) < path) ++j;
    if (j == tree.files.size() || tree.files[j].path != path) return;
    WorkFile& f = tree.files[j++];
    if (r.st.same_as(f.st) && r.id.algo == store.algo() && (mode == Identify::HashOnly || store.has(r.id)))
      f.id = r.id;
  });
  std::vector<std::size_t> todo;
  std::uint64_t todo_bytes = 0;
  for (std::size_t i = 0; i < tree.files.size(); ++i) {
    WorkFile& f = tree.files[i];
    if (f.id.empty()) {
      todo.push_back(i);
      todo_bytes += f.st.size;
    }
  }
  add_total(progress, todo.size(), todo_bytes);
  IdentifyStats stats;
  std::atomic<std::uint64_t> written{0}, written_bytes{0};
  std::vector<std::pair<std::string, StatRecord>> fresh(todo.size());
  parallel_for(todo.size(), repo.jobs(), [&](std::size_t k) {
    WorkFile& f = tree.files[todo[k]];
    std::string shown = cache_key(rel, f.path);
    fs::path source = f.target.empty() ? repo.abs(shown) : f.target;
    FileStat seen;
    if (mode == Identify::Store) {
      auto r = store.put_file(source, shown, f.st);
      f.id = r.id;
      seen = r.st;
      if (r.written) {
        written.fetch_add(1, std::memory_order_relaxed);
        written_bytes.fetch_add(r.st.size, std::memory_order_relaxed);
      }
    } else {
      f.id = hash_file(source, store.algo(), &seen, &f.st);
    }
    if (!seen.same_as(f.st))
      fail(ExitCode::Io, "{} changed while being read; run the command again once nothing writes to it", shown);
    fresh[k] = {shown, StatRecord{seen, f.id}};
    advance(progress, 1, f.st.size);
  });
  cache.store(fresh);
  stats.files_read = todo.size();
  stats.objects_written = written;
  stats.bytes_written = written_bytes;
  return stats;
}

}  // namespace mlops

namespace mlops {

Pointer store_tree(Repo& repo, const std::string& rel, WorkTree& tree, IdentifyStats& stats, Progress* progress) {
  stats = identify(repo, rel, tree, Identify::Store, progress);
  Pointer p;
  p.path = rel.substr(rel.rfind('/') + 1);
  p.size = tree.total_size();
  if (tree.shape == Shape::File) {
    p.kind = Kind::File;
    p.id = tree.files[0].id;
    p.files = 1;
    p.executable = tree.files[0].st.is_executable();
  } else {
    Manifest m = tree.manifest();
    p.kind = Kind::Dir;
    p.id = repo.store().put_bytes(m.serialize());
    p.files = m.entries.size();
  }
  return p;
}

}  // namespace mlops

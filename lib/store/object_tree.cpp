#include "store/object_tree.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/link.hpp"
#include "core/safe_tree.hpp"
#include "store/manifest.hpp"
#include "store/object_store.hpp"

namespace mlops {

bool has_tree(const ObjectStore& store, const ObjectId& id, bool dir, std::string_view label) {
  if (!store.has(id)) return false;
  if (!dir) return true;
  Manifest m = Manifest::parse(store.read_verified(id), label);
  return std::all_of(m.entries.begin(), m.entries.end(), [&](const ManifestEntry& e) { return store.has(e.id); });
}

void place_tree(const ObjectStore& store, Linker& linker, const SafeTree& tree, const std::string& rel,
                const ObjectId& id, bool dir, std::uint64_t size, std::string_view label) {
  if (!dir) {
    auto p = tree.open_parent(rel, true);
    linker.place({store.path_of(id), size, &id, p.dir.get(), p.name, tree.abs(rel), false});
    return;
  }
  Manifest m = Manifest::parse(store.read_verified(id), label);
  for (const auto& e : m.entries) check_writable(rel + "/" + e.path, label);
  tree.open_dir(rel, true);
  // Entries are sorted: files of one folder come together, so each folder is opened once.
  std::string open_name;
  UniqueFd open_fd;
  for (const auto& e : m.entries) {
    std::string full = rel + "/" + e.path;
    auto slash = full.rfind('/');
    std::string parent = full.substr(0, slash);
    if (!open_fd || parent != open_name) open_fd = tree.open_dir(parent, true), open_name = parent;
    std::string name = full.substr(slash + 1);
    linker.place({store.path_of(e.id), e.size, &e.id, open_fd.get(), name, tree.abs(full), e.executable});
  }
}

fs::path outside_dest(const fs::path& dest) {
  fs::path abs_dest = fs::absolute(dest).lexically_normal();
  for (const auto& part : abs_dest)
    if (part == ".git" || part == ".mlops")
      throw Error(ExitCode::Usage, fmt::format("{} is inside a {} folder; mlops does not write there", dest.string(), part.string()),
                  "name a path outside .git and .mlops with -o");
  return abs_dest;
}

void copy_tree_out(const ObjectStore& store, const ObjectId& id, bool dir, std::uint64_t size, std::string_view label,
                   const fs::path& dest, bool force) {
  // The folder the user named is trusted; below it nothing is followed.
  fs::path abs_dest = outside_dest(dest);
  make_dirs(abs_dest.parent_path());
  SafeTree tree(abs_dest.parent_path());
  std::string name = abs_dest.filename().string();
  if (lstat_path(dest)) {
    if (!force) throw Error(ExitCode::Conflict, fmt::format("{} exists", dest.string()), "give --force to replace it");
    tree.remove(name);
  }
  Linker linker({LinkMode::Reflink, LinkMode::Copy});
  place_tree(store, linker, tree, name, id, dir, size, label);
}

}  // namespace mlops

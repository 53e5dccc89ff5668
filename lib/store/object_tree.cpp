#include "store/object_tree.hpp"

#include <algorithm>

#include "core/link.hpp"
#include "store/manifest.hpp"
#include "store/object_store.hpp"

namespace mlops {

bool has_tree(const ObjectStore& store, const ObjectId& id, bool dir, std::string_view label) {
  if (!store.has(id)) return false;
  if (!dir) return true;
  Manifest m = Manifest::parse(store.read_verified(id), label);
  return std::all_of(m.entries.begin(), m.entries.end(), [&](const ManifestEntry& e) { return store.has(e.id); });
}

void place_tree(const ObjectStore& store, Linker& linker, const ObjectId& id, bool dir, std::uint64_t size,
                const fs::path& dest, std::string_view label) {
  if (!dest.parent_path().empty()) make_dirs(dest.parent_path());
  if (!dir) {
    linker.place(store.path_of(id), size, dest, false);
    return;
  }
  make_dirs(dest);
  for (const auto& e : Manifest::parse(store.read_verified(id), label).entries) {
    fs::path to = dest / e.path;
    make_dirs(to.parent_path());
    linker.place(store.path_of(e.id), e.size, to, e.executable);
  }
}

}  // namespace mlops

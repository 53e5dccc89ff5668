#include "import/external_tree.hpp"

#include <mutex>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/text.hpp"
#include "core/walk.hpp"
#include "store/manifest.hpp"
#include "store/object_store.hpp"

namespace mlops {

std::optional<ExternalTree> store_external(ObjectStore& store, const fs::path& root, unsigned jobs) {
  auto top = lstat_path(root);
  if (!top) return std::nullopt;
  ExternalTree out;
  if (top->is_regular()) {
    auto stored = store.put_file(root, root.string(), *top);
    out.pointer.kind = Kind::File;
    out.pointer.id = stored.id;
    out.pointer.size = top->size;
    out.pointer.executable = top->is_executable();
    return out;
  }
  if (!top->is_dir()) fail(ExitCode::Input, "{}: not a file or folder", printable_path(root.string()));

  std::vector<WalkEntry> files;
  WalkVisitor v;
  v.enter_dir = [&](const WalkEntry& e) {
    if (is_safe_relative_path(e.rel)) return true;
    out.skipped.push_back(fmt::format("{}/: a name a manifest cannot hold", printable_path(e.rel)));
    return false;
  };
  v.file = [&](const WalkEntry& e) {
    if (!is_safe_relative_path(e.rel)) out.skipped.push_back(fmt::format("{}: a name a manifest cannot hold", printable_path(e.rel)));
    else if (e.st.is_symlink()) out.skipped.push_back(fmt::format("{}: a symlink (not followed)", e.rel));
    else if (!e.st.is_regular()) out.skipped.push_back(fmt::format("{}: not a regular file", e.rel));
    else files.push_back(e);
  };
  walk_tree(root, "", v);

  Manifest m;
  m.entries.resize(files.size());
  parallel_for(files.size(), jobs, [&](std::size_t i) {
    const WalkEntry& e = files[i];
    auto stored = store.put_file(root / e.rel, (root / e.rel).string(), e.st);
    m.entries[i] = ManifestEntry{e.rel, stored.id, e.st.size, e.st.is_executable()};
  });
  m.normalise();
  out.pointer.kind = Kind::Dir;
  out.pointer.id = store.put_bytes(m.serialize());
  out.pointer.size = m.total_size();
  out.pointer.files = m.entries.size();
  return out;
}

}  // namespace mlops

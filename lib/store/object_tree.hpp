#pragma once
// A stored file or folder as one thing: a folder is its manifest object and
// the file objects the manifest lists. Shared by everything that keeps content
// outside pointer files (pipeline outputs, registered models).
#include <cstdint>
#include <string>
#include <string_view>

#include "core/fs.hpp"
#include "core/hash.hpp"

namespace mlops {

class ObjectStore;
class Linker;
class SafeTree;

// True when the store holds the object and, for a folder, every file it lists.
// `label` names the content in errors about a malformed manifest.
bool has_tree(const ObjectStore& store, const ObjectId& id, bool dir, std::string_view label);
// Puts the content at `rel` below `tree` (folders made, no symlink followed),
// verified while copied: a file of `size` bytes, or a folder's files. rel must
// not exist.
void place_tree(const ObjectStore& store, Linker& linker, const SafeTree& tree, const std::string& rel,
                const ObjectId& id, bool dir, std::uint64_t size, std::string_view label);

// A copy (or reflink) of stored content at `dest`, a path the user named,
// for use outside the repository (model get, exp get): never a link into
// the read-only store, never inside a .git or .mlops folder. Error(Conflict)
// when dest exists, unless force (then it is replaced). The store must hold
// the content (has_tree).
// dest made absolute; Error(Usage) when it is inside a .git or .mlops folder.
fs::path outside_dest(const fs::path& dest);
void copy_tree_out(const ObjectStore& store, const ObjectId& id, bool dir, std::uint64_t size, std::string_view label,
                   const fs::path& dest, bool force);

}  // namespace mlops

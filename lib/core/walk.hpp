#pragma once
// The one directory walker: readdir plus one lstat per entry, nothing more.
#include <functional>
#include <string>

#include "core/fs.hpp"

namespace mlops {

struct WalkEntry {
  std::string rel;  // path relative to the walk's root, '/'-separated
  FileStat st;
};

struct WalkVisitor {
  // Called for every directory below the root; return false to skip it.
  std::function<bool(const WalkEntry&)> enter_dir = [](const WalkEntry&) { return true; };
  // Called for everything that is not a directory (files, symlinks, others).
  std::function<void(const WalkEntry&)> file;
  // When false, entries carry only their type (from readdir's d_type where the
  // filesystem gives it): no lstat, for listings that need names only.
  bool stat_entries = true;
};

// Deeper folders are refused (Error(Input)): each level holds a descriptor.
constexpr int kMaxWalkDepth = 256;

// Walks `root` (a directory). Entries below it are reported with paths relative to
// it, prefixed by `prefix` + '/' when prefix is not empty. Order within a
// directory is unspecified; callers sort when order matters.
void walk_tree(const fs::path& root, const std::string& prefix, const WalkVisitor& visitor);

}  // namespace mlops

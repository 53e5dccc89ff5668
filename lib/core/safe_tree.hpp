#pragma once
// The one place that decides whether a path below a folder may be written or
// deleted, and the only way mlops writes or deletes there. Paths arrive from
// commits and remotes (pointer files, manifests, mlops.lock, mlops.yaml), so:
// relative, no "." or "..", no component named .git or .mlops in any case, no
// symlink anywhere on the way. Every step is taken from a directory descriptor
// (openat2 with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS where the kernel has it,
// O_NOFOLLOW one component at a time otherwise), so a folder swapped for a
// symlink between the check and the write is refused, not followed.
#include <string>
#include <string_view>

#include "core/fd.hpp"
#include "core/fs.hpp"

namespace mlops {

// Bounds on a path mlops writes: what Linux accepts, and a nesting depth that
// keeps a removal within its descriptors.
constexpr std::size_t kMaxPathBytes = 4095;
constexpr std::size_t kMaxNameBytes = 255;
constexpr std::size_t kMaxPathDepth = 255;

// Why rel may not be written or deleted ("" when it may): the checks that need
// no disk. Also used on names inside a tracked folder.
std::string unwritable_reason(std::string_view rel);
// Throws Error(Input) "SOURCE: unsafe path 'REL': REASON".
void check_writable(std::string_view rel, std::string_view source);

class SafeTree {
public:
  // `root` is trusted (the repository, or a folder the user named).
  explicit SafeTree(const fs::path& root);

  const fs::path& root() const { return root_; }
  fs::path abs(std::string_view rel) const { return rel.empty() ? root_ : root_ / rel; }

  // The folder rel, opened (and, with create, made with its parents) without
  // following a symlink; an empty rel is the root. A folder that is missing
  // without create gives an empty UniqueFd. Throws Error(Input) when a
  // component is a symlink or not a folder.
  // `target` names what is to be written there, in errors (default: rel).
  UniqueFd open_dir(std::string_view rel, bool create, std::string_view target = {}) const;
  // The folder holding rel's last component (see open_dir) and that component.
  struct Parent {
    UniqueFd dir;
    std::string name;
  };
  Parent open_parent(std::string_view rel, bool create) const;

  // Replaces (or makes) the file rel with `text`, atomically (parents made).
  void write_file(std::string_view rel, std::string_view text, unsigned mode = 0644) const;

  // Deletes rel — a file, a symlink itself, or a folder with everything in it.
  // Missing is fine. Returns whether anything was there.
  bool remove(std::string_view rel) const;
  // Removes the empty folders from rel's parent up to (not including) `stop`.
  void prune_empty_parents(std::string_view rel, std::string_view stop) const;

private:
  fs::path root_;
  UniqueFd root_fd_;
};

}  // namespace mlops

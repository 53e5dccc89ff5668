#pragma once
// libgit2 access: library lifetime and RAII handles.
#include <git2.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/fs.hpp"

namespace mlops {

// git_libgit2_init/shutdown, once per process.
void ensure_libgit2();

// The message of libgit2's last error, or `fallback`.
std::string git_last_error(const char* fallback = "unknown libgit2 error");

template <typename T, void (*Free)(T*)>
struct GitDeleter {
  void operator()(T* p) const { Free(p); }
};
using GitRepoPtr = std::unique_ptr<git_repository, GitDeleter<git_repository, git_repository_free>>;
using GitConfigPtr = std::unique_ptr<git_config, GitDeleter<git_config, git_config_free>>;

using GitIndexPtr = std::unique_ptr<git_index, GitDeleter<git_index, git_index_free>>;

// Paths in the git index at `rel` or below it (repo-relative, '/'-separated),
// for the git repository whose work tree is `root`; empty outside git.
std::vector<std::string> git_indexed_under(const fs::path& root, const std::string& rel, std::size_t max = 5);

// The work tree of the git repository containing `start`, if any.
std::optional<fs::path> git_worktree_of(const fs::path& start);

}  // namespace mlops

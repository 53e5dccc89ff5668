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
using GitObjectPtr = std::unique_ptr<git_object, GitDeleter<git_object, git_object_free>>;
using GitCommitPtr = std::unique_ptr<git_commit, GitDeleter<git_commit, git_commit_free>>;
using GitTreePtr = std::unique_ptr<git_tree, GitDeleter<git_tree, git_tree_free>>;
using GitBlobPtr = std::unique_ptr<git_blob, GitDeleter<git_blob, git_blob_free>>;
using GitOdbPtr = std::unique_ptr<git_odb, GitDeleter<git_odb, git_odb_free>>;
using GitRevwalkPtr = std::unique_ptr<git_revwalk, GitDeleter<git_revwalk, git_revwalk_free>>;
using GitReferencePtr = std::unique_ptr<git_reference, GitDeleter<git_reference, git_reference_free>>;
using GitRefIterPtr =
    std::unique_ptr<git_reference_iterator, GitDeleter<git_reference_iterator, git_reference_iterator_free>>;

// Paths in the git index at `rel` or below it (repo-relative, '/'-separated),
// for the git repository whose work tree is `root`; empty outside git.
std::vector<std::string> git_indexed_under(const fs::path& root, const std::string& rel, std::size_t max = 5);
// The same for several paths at once (git's index is read once).
std::vector<std::string> git_indexed_under_any(const fs::path& root, const std::vector<std::string>& rels,
                                               std::size_t max = 5);

// A git object id as 40 hex digits.
std::string oid_hex(const git_oid& oid);

// The work tree of the git repository containing `start`, if any.
std::optional<fs::path> git_worktree_of(const fs::path& start);

}  // namespace mlops

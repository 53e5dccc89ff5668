#include "repo/git.hpp"

#include <mutex>

namespace mlops {

void ensure_libgit2() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    // Never let libgit2 read the user's global git config for .mlops/config.
  });
}

std::string git_last_error(const char* fallback) {
  const git_error* e = git_error_last();
  return e && e->message ? e->message : fallback;
}

std::optional<fs::path> git_worktree_of(const fs::path& start) {
  ensure_libgit2();
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, start.c_str(), 0, nullptr) != 0) return std::nullopt;
  GitRepoPtr repo(raw);
  const char* wd = git_repository_workdir(repo.get());
  if (!wd) return std::nullopt;  // bare repository
  return fs::path(wd).lexically_normal().parent_path();
}

}  // namespace mlops

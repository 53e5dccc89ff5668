// Linked git worktrees for pipeline sweeps (see git_history.hpp). libgit2
// makes a branch named after a worktree it adds; the worktree is detached at
// once and that branch deleted, so that a sweep leaves no branch behind.
#include <fmt/format.h>

#include "core/error.hpp"
#include "repo/git_history.hpp"

namespace mlops {

namespace {
using GitWorktreePtr = std::unique_ptr<git_worktree, GitDeleter<git_worktree, git_worktree_free>>;

// The reference alone: the branch has no config section, and libgit2 1.5's
// git_branch_delete leaks the regex it matches config sections with.
void delete_branch(git_repository* repo, const std::string& name) {
  git_reference* raw = nullptr;
  if (git_branch_lookup(&raw, repo, name.c_str(), GIT_BRANCH_LOCAL) != 0) return;
  GitReferencePtr ref(raw);
  if (git_reference_delete(ref.get()) != 0)
    fail(ExitCode::Repo, "cannot delete the branch {} a sweep's worktree made: {}", name, git_last_error());
}
}  // namespace

void GitRepo::add_detached_worktree(const std::string& name, const fs::path& dir) {
  auto head = resolve("HEAD");
  if (!head) fail(ExitCode::Repo, "the git repository has no commit yet; commit the pipeline first");
  git_worktree_add_options opts = GIT_WORKTREE_ADD_OPTIONS_INIT;
  opts.checkout_options.checkout_strategy = GIT_CHECKOUT_FORCE;
  git_worktree* raw = nullptr;
  if (git_worktree_add(&raw, repo_.get(), name.c_str(), dir.c_str(), &opts) != 0)
    fail(ExitCode::Repo, "cannot add a git worktree at {}: {}", dir.string(), git_last_error());
  GitWorktreePtr wt(raw);
  git_repository* wt_raw = nullptr;
  if (git_repository_open_from_worktree(&wt_raw, wt.get()) != 0)
    fail(ExitCode::Repo, "cannot open the git worktree at {}: {}", dir.string(), git_last_error());
  GitRepoPtr wt_repo(wt_raw);
  if (git_repository_set_head_detached(wt_repo.get(), &head->oid) != 0)
    fail(ExitCode::Repo, "cannot detach the git worktree at {}: {}", dir.string(), git_last_error());
  delete_branch(repo_.get(), name);
}

void GitRepo::forget_worktree(const std::string& name) {
  git_worktree* raw = nullptr;
  if (git_worktree_lookup(&raw, repo_.get(), name.c_str()) == 0) {
    GitWorktreePtr wt(raw);
    git_worktree_prune_options opts = GIT_WORKTREE_PRUNE_OPTIONS_INIT;
    opts.flags = GIT_WORKTREE_PRUNE_VALID;  // the folder may be half removed
    if (git_worktree_prune(wt.get(), &opts) != 0)
      fail(ExitCode::Repo, "cannot forget the git worktree {}: {}", name, git_last_error());
  }
  delete_branch(repo_.get(), name);
}

fs::path GitRepo::worktree_path(const std::string& name) {
  git_worktree* raw = nullptr;
  if (git_worktree_lookup(&raw, repo_.get(), name.c_str()) != 0) return {};
  GitWorktreePtr wt(raw);
  const char* p = git_worktree_path(wt.get());
  return p ? fs::path(p) : fs::path();
}

std::vector<std::string> GitRepo::worktree_names() {
  git_strarray names{};
  if (git_worktree_list(&names, repo_.get()) != 0) fail(ExitCode::Repo, "cannot list git worktrees: {}", git_last_error());
  std::vector<std::string> out(names.strings, names.strings + names.count);
  git_strarray_dispose(&names);
  return out;
}

}  // namespace mlops

#pragma once
// Reading the git history mlops lives beside: revisions, the files of a commit,
// the commits to keep. Everything through libgit2, no git subprocess.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/fs.hpp"
#include "repo/git.hpp"

namespace mlops {

// The most mlops reads of one committed file (pointer files, mlops.lock, params).
constexpr std::uint64_t kMaxCommittedFile = 64u << 20;

struct GitCommitRef {
  git_oid oid;
  std::string label;  // what the user asked for, or the ref it came from
  std::string short_id() const;
};

struct GitTag {
  std::string name;
  git_oid target{};      // the commit it points to (peeled)
  std::string message;   // of an annotated tag; empty for a lightweight one
  std::string tagger;    // "Name <email>"
  std::int64_t time = 0; // seconds since the epoch
};

class GitRepo {
public:
  // The git repository whose work tree is `root`; nullopt outside git.
  static std::optional<GitRepo> open(const fs::path& root);

  // Resolves any git revision ("HEAD~2", "main", a tag, a short id) to a
  // commit. nullopt for HEAD of a repository with no commits yet. Throws
  // Error(Usage) naming the revision when it does not resolve to a commit.
  std::optional<GitCommitRef> resolve(const std::string& rev);

  // Calls fn(path, content) for every blob of the commit's tree whose path
  // ends with `suffix`.
  void for_each_file(const git_oid& commit, std::string_view suffix,
                     const std::function<void(const std::string&, std::string)>& fn);

  // Commits to keep for gc: HEAD, plus branch tips, tag targets, or every
  // commit reachable from any ref.
  std::vector<GitCommitRef> commits(bool branches, bool tags, bool all_commits);

  // The content of a file in a commit; nullopt when the commit has no such file.
  std::optional<std::string> read_file(const git_oid& commit, const std::string& path);
  // The files (blobs, not links) below `folder` in the commit, as paths from
  // the top, sorted; empty when the commit has no such folder.
  std::vector<std::string> files_under(const git_oid& commit, const std::string& folder);
  fs::path hooks_dir();
  // The tracked files that differ from HEAD, staged or not (untracked and
  // ignored files do not count), sorted.
  std::vector<std::string> tracked_changes() { return changed_paths(false); }
  // The same, with untracked files that are not ignored (a rename is its old
  // and its new path).
  std::vector<std::string> changed_paths(bool with_untracked);

  // Linked worktrees (git worktree; git_worktree.cpp), where a pipeline
  // sweep runs each combination. Adds `name` at `dir` (which must not exist),
  // detached at HEAD with HEAD's files. Error(Repo) before the first commit.
  void add_detached_worktree(const std::string& name, const fs::path& dir);
  // Forgets the worktree `name` once its folder is gone (git worktree prune),
  // and the branch of that name an interrupted add leaves.
  void forget_worktree(const std::string& name);
  std::vector<std::string> worktree_names();
  // Where the worktree `name` is (empty when git does not know it).
  fs::path worktree_path(const std::string& name);
  // "Name <email>" from git's user.name and user.email, else user@host.
  std::string author();
  // Creates the annotated tag `name` on `commit`, tagged by author().
  // Throws Error(Usage) for a name git refuses, Error(Conflict) when the tag
  // exists already.
  void create_tag(const std::string& name, const git_oid& commit, const std::string& message);
  void delete_tag(const std::string& name);
  // Tags whose names match the fnmatch(3) pattern, by name.
  std::vector<GitTag> tags(const std::string& pattern);
  // The uncommitted changes as a patch against HEAD (or the empty tree before
  // the first commit): staged and unstaged edits of tracked files and the
  // content of untracked, not ignored files. Files over 1 MiB show as binary
  // ("Binary files differ") so that a stray data file does not bloat it.
  std::string uncommitted_diff();

private:
  explicit GitRepo(GitRepoPtr repo) : repo_(std::move(repo)) {}
  GitRepoPtr repo_;
};

}  // namespace mlops

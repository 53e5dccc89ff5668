#pragma once
// An mlops repository: its root, .mlops/ layout, config, store and state database.
#include <memory>
#include <string>
#include <vector>

#include "core/fs.hpp"
#include "core/hash.hpp"
#include "core/link.hpp"
#include "core/safe_tree.hpp"
#include "repo/config.hpp"

namespace mlops {

class Db;
class ObjectStore;

struct InitResult {
  fs::path root;
  bool in_git = false;
  HashAlgo algo = HashAlgo::Xxh128;
};

// Creates .mlops/ at the git top level containing `start` (or at `start` when
// it is not inside a git work tree). Throws Error(Repo) when already initialised.
InitResult init_repo(const fs::path& start, HashAlgo algo);

// Names the repository whose store and state a pipeline sweep's worktree
// (made under its .mlops/worktrees/) uses; ignored for any other work tree.
inline constexpr const char* kSharedStateEnv = "MLOPS_SHARED_STATE";

class Repo {
public:
  // Walks up from `start` to the first directory holding .mlops/.
  static Repo discover(const fs::path& start);
  explicit Repo(fs::path root);
  ~Repo();
  Repo(Repo&&) noexcept;

  const fs::path& root() const { return root_; }
  // The work tree's own .mlops/: its config, and what belongs to this work
  // tree alone.
  fs::path dot_dir() const { return root_ / ".mlops"; }
  // Where the store (unless cache.dir), the state database and the runs'
  // scratch folders live: dot_dir(), except in the worktree of a pipeline
  // sweep (kSharedStateEnv), which shares its repository's.
  fs::path state_dir() const { return state_root_ / ".mlops"; }
  Config& config() { return *config_; }
  HashAlgo algo() const { return algo_; }
  ObjectStore& store();
  Db& db();
  std::vector<LinkMode> link_modes() const;
  unsigned jobs() const;

  // A path the user typed (relative to `cwd`, or absolute) as a path relative to
  // the root, '/'-separated. "data.mlops" means "data". Throws Error(Input) when
  // it is the root itself, outside the repository or inside .mlops/ or .git/.
  std::string relative_path(const fs::path& user_path, const fs::path& cwd) const;
  fs::path abs(const std::string& rel) const { return rel.empty() ? root_ : root_ / rel; }
  // The work tree as the one way to write or delete in it (core/safe_tree).
  const SafeTree& tree();

private:
  fs::path root_, state_root_;
  std::unique_ptr<Config> config_;
  HashAlgo algo_;
  std::unique_ptr<ObjectStore> store_;
  std::unique_ptr<Db> db_;
  std::unique_ptr<SafeTree> tree_;
};

}  // namespace mlops

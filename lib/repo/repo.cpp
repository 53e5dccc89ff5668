#include "repo/repo.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <thread>

#include "core/error.hpp"
#include "core/text.hpp"
#include "repo/git.hpp"
#include "state/db.hpp"
#include "store/object_store.hpp"

namespace mlops {

namespace {

constexpr const char* kDotGitignore =
    "# mlops keeps its store and state here; only config belongs in git.\n"
    "/*\n"
    "!/config\n"
    "!/.gitignore\n";

}  // namespace

InitResult init_repo(const fs::path& start, HashAlgo algo) {
  InitResult r;
  r.algo = algo;
  if (auto top = git_worktree_of(start)) {
    r.root = *top;
    r.in_git = true;
  } else {
    r.root = fs::absolute(start).lexically_normal();
  }
  fs::path dot = r.root / ".mlops";
  if (lstat_path(dot))
    throw Error(ExitCode::Repo, fmt::format("{} is already an mlops repository", r.root.string()),
                "nothing was changed");
  // Build everything in a staging folder, then rename: a half-made .mlops/ is never seen.
  fs::path staging = r.root / fmt::format(".mlops.init.{}", ::getpid());
  try {
    make_dirs(staging / "objects");
    make_dirs(staging / "tmp");
    atomic_write(staging / ".gitignore", kDotGitignore);
    atomic_write(staging / "config", "");
    atomic_write(staging / "lock", "");  // the store's flock (see store/store_lock.hpp)
    {
      Config cfg(staging / "config");
      cfg.set_unchecked("core.hash", std::string(algo_name(algo)));
    }
    { Db db(staging / "state.db"); }
    if (::rename(staging.c_str(), dot.c_str()) != 0) fail_errno("create", dot.string(), errno);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(staging, ec);
    throw;
  }
  return r;
}

Repo Repo::discover(const fs::path& start) {
  fs::path p = fs::absolute(start).lexically_normal();
  if (!p.has_filename()) p = p.parent_path();
  for (;;) {
    struct stat st;
    if (::stat((p / ".mlops").c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return Repo(p);
    if (p == p.root_path()) break;
    p = p.parent_path();
  }
  throw Error(ExitCode::Repo, fmt::format("not an mlops repository (or any parent up to /): {}", start.string()),
              "run 'mlops init' at the top of your git repository");
}

namespace {

// The repository a sweep's worktree at `root` shares its state with: the one
// kSharedStateEnv names, when root is one of its .mlops/worktrees/*. The
// variable reaches whatever a stage runs, so any other work tree ignores it.
fs::path state_root_for(const fs::path& root) {
  const char* env = std::getenv(kSharedStateEnv);
  if (!env || !*env) return root;
  fs::path main = fs::path(env).lexically_normal();
  if (!main.is_absolute() || root.parent_path() != main / ".mlops" / "worktrees") return root;
  return main;
}

}  // namespace

Repo::Repo(fs::path root) : root_(std::move(root)), state_root_(state_root_for(root_)) {
  // .mlops comes with clones (its config is committed): git can commit
  // symlinks there too. mlops never follows one in its own folder.
  for (const fs::path& dir : {dot_dir(), state_dir()})
    for (const char* name : {"", "config", "state.db", "state.db-wal", "state.db-shm", "objects", "tmp", "lock",
                             "runs", "quarantine", ".gitignore", "worktrees"})
      if (auto st = lstat_path(*name ? dir / name : dir); st && st->is_symlink())
        throw Error(ExitCode::Repo,
                    fmt::format("{} is a symbolic link; mlops never follows one in its own folder",
                                (*name ? dir / name : dir).string()),
                    "remove it (git rm --cached it if it was committed) and run the command again");
  config_ = std::make_unique<Config>(dot_dir() / "config");
  std::string name = config_->get_or_default("core.hash");
  if (name != "xxh128" && name != "sha256")
    fail(ExitCode::Repo, "{}: core.hash has an unknown value '{}'", (dot_dir() / "config").string(), name);
  algo_ = parse_algo(name);
  tree_ = std::make_unique<SafeTree>(root_);  // made here: stages use it from several threads
}

Repo::~Repo() = default;
Repo::Repo(Repo&&) noexcept = default;

const SafeTree& Repo::tree() { return *tree_; }

ObjectStore& Repo::store() {
  if (!store_) {
    fs::path base = state_dir();
    if (auto dir = config_->get("cache.dir")) {
      base = fs::path(*dir).is_absolute() ? fs::path(*dir) : state_root_ / *dir;
      // A committed config may name any folder: never git's or a work tree's own.
      std::error_code ec;
      fs::path canon = fs::weakly_canonical(base, ec);
      for (const char* own : {".git", ".mlops"}) {
        fs::path inside = fs::weakly_canonical(state_root_ / own, ec);
        auto rel = canon.lexically_relative(inside).generic_string();
        if (!rel.empty() && rel != ".." && !rel.starts_with("../"))
          throw Error(ExitCode::Repo, fmt::format("{}: cache.dir '{}' is inside {}", (dot_dir() / "config").string(), *dir, own),
                      "point cache.dir at a folder of its own (mlops config cache.dir DIR), or unset it");
      }
    }
    // A fresh clone has .mlops/config from git but no store yet.
    for (const char* sub : {"objects", "tmp"})
      if (!lstat_path(base / sub)) make_dirs(base / sub);
    store_ = std::make_unique<ObjectStore>(base / "objects", base / "tmp", algo_);
  }
  return *store_;
}

Db& Repo::db() {
  if (!db_) db_ = std::make_unique<Db>(state_dir() / "state.db");
  return *db_;
}

std::vector<LinkMode> Repo::link_modes() const { return parse_link_modes(config_->get_or_default("cache.link")); }

unsigned Repo::jobs() const {
  if (auto n = config_->get_jobs("core.jobs")) return *n;
  return std::max(1u, std::thread::hardware_concurrency());
}

std::string Repo::relative_path(const fs::path& user_path, const fs::path& cwd) const {
  fs::path a = (user_path.is_absolute() ? user_path : cwd / user_path).lexically_normal();
  std::string s = a.string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  a = s;
  fs::path rel = a.lexically_relative(root_);
  std::string r = rel.generic_string();
  if (r.empty() || r == ".")
    throw Error(ExitCode::Input, fmt::format("{} is the repository's root {}", user_path.string(), root_.string()),
                "name a file or folder inside it");
  if (r == ".." || starts_with(r, "../"))
    throw Error(ExitCode::Input, fmt::format("{} is outside the repository {}", user_path.string(), root_.string()));
  if (r.size() > 6 && r.ends_with(".mlops")) r.resize(r.size() - 6);
  auto first = r.substr(0, r.find('/'));
  if (first == ".mlops" || first == ".git")
    fail(ExitCode::Input, "{} is inside {}/, which mlops does not track", user_path.string(), first);
  if (!is_safe_relative_path(r))
    fail(ExitCode::Input, "path '{}' has characters mlops cannot track (control characters or invalid UTF-8)",
         printable_path(r));
  // The folders leading to it must not be symlinks that leave the repository.
  std::error_code ec;
  fs::path parent = fs::weakly_canonical(a.parent_path(), ec);
  fs::path canon_root = fs::weakly_canonical(root_, ec);
  auto up = parent.lexically_relative(canon_root).generic_string();
  if (up == ".." || starts_with(up, "../"))
    fail(ExitCode::Input, "{} leads outside the repository through a symlink", user_path.string());
  return r;
}

}  // namespace mlops

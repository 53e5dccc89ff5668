#include "tracking/pipeline_sweep.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <optional>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/file_lock.hpp"
#include "core/link.hpp"
#include "core/safe_tree.hpp"
#include "core/text.hpp"
#include "exp/run_names.hpp"
#include "pipeline/params_set.hpp"
#include "pipeline/pipeline_file.hpp"
#include "repo/git_history.hpp"
#include "repo/repo.hpp"

namespace mlops {

namespace {

// .mlops/worktrees/ holds, per running sweep, TAG.lock (held while it runs)
// and TAG-N (the worktree of its Nth run) with TAG-N.log (that run's output
// with -j > 1); worktrees.lock guards making and removing them.
fs::path worktrees_dir(const Repo& repo) { return repo.dot_dir() / "worktrees"; }

// The sweep tag an entry of .mlops/worktrees/ belongs to ("" for none).
std::string tag_of(const std::string& name) {
  constexpr std::size_t kTag = 8;
  if (name.size() <= kTag || !is_lower_hex(std::string_view(name).substr(0, kTag), kTag)) return {};
  std::string_view rest = std::string_view(name).substr(kTag);
  if (rest == ".lock") return name.substr(0, kTag);
  if (rest.ends_with(".log")) rest.remove_suffix(4);
  if (rest.size() < 2 || rest[0] != '-' || rest.substr(1).find_first_not_of("0123456789") != std::string_view::npos)
    return {};
  return name.substr(0, kTag);
}

// Removes a worktree's folder; folders a stage made read-only are opened up
// first (nothing here follows a symlink).
void remove_folder(const fs::path& dir) {
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (!ec) return;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (it->is_directory(ec) && !it->is_symlink(ec)) ::chmod(it->path().c_str(), 0700);
  ::chmod(dir.c_str(), 0700);
  fs::remove_all(dir, ec);
  if (ec) fail(ExitCode::Io, "cannot remove {}: {}", dir.string(), ec.message());
}

std::size_t remove_stale(GitRepo& git, const fs::path& dir) {
  std::size_t removed = 0;
  std::error_code ec;
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(dir, ec)) entries.push_back(e.path());
  for (const auto& p : entries) {
    std::string name = p.filename().string(), tag = tag_of(name);
    if (tag.empty() || lock_held(dir / (tag + ".lock"))) continue;
    auto st = lstat_path(p);
    if (!st) continue;
    if (st->is_dir()) {
      remove_folder(p);
      ++removed;
    } else {
      remove_file(p);
    }
  }
  // The git records of those worktrees (and of any whose folder went).
  for (const auto& name : git.worktree_names())
    if (auto tag = tag_of(name); !tag.empty() && !lock_held(dir / (tag + ".lock")) && !lstat_path(dir / name))
      git.forget_worktree(name);
  return removed;
}

// The workspace's uncommitted changes (tracked and untracked, not ignored
// files) made in the worktree: files copied, deletions done. .mlops/ is the
// sweep's to write.
void bring_changes(const fs::path& from, const fs::path& to, const std::vector<std::string>& paths) {
  SafeTree tree(to);
  for (const auto& rel : paths) {
    if (rel.starts_with(".mlops/") || !unwritable_reason(rel).empty()) continue;
    fs::path src = from / rel;
    auto st = lstat_path(src);
    if (!st) {
      tree.remove(rel);
      continue;
    }
    if (!st->is_regular() && !st->is_symlink()) continue;  // a submodule, a socket
    tree.remove(rel);
    auto parent = tree.open_parent(rel, true);
    if (st->is_symlink()) {
      std::error_code ec;
      fs::path target = fs::read_symlink(src, ec);
      if (ec) fail(ExitCode::Io, "cannot read the symbolic link {}: {}", src.string(), ec.message());
      if (::symlinkat(target.c_str(), parent.dir.get(), parent.name.c_str()) != 0)
        fail_errno("make", (to / rel).string(), errno);
      continue;
    }
    UniqueFd in = open_read(src);
    UniqueFd out(::openat(parent.dir.get(), parent.name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                          st->mode & 07777));
    if (!out) fail_errno("create", (to / rel).string(), errno);
    copy_fd(in.get(), out.get(), fstat_fd(in.get(), src).size, src, to / rel);
  }
}

}  // namespace

std::size_t remove_stale_sweep_worktrees(Repo& repo) {
  fs::path dir = worktrees_dir(repo);
  auto git = GitRepo::open(repo.root());
  if (!git || !lstat_path(dir)) return 0;
  FileLock guard(dir / "worktrees.lock", FileLock::Mode::Exclusive);
  return remove_stale(*git, dir);
}

SweepResult run_pipeline_sweep(Repo& repo, const PipelineSweepSpec& spec, const SweepCallbacks& cb) {
  for (const auto& combo : spec.grid)
    for (const auto& [k, v] : combo) parse_param_setting(k + "=" + v);
  if (repo.state_dir() != repo.dot_dir())
    fail(ExitCode::Usage, "{} is the worktree of a pipeline sweep; start sweeps from the repository itself",
         repo.root().string());
  auto git = GitRepo::open(repo.root());
  if (!git)
    fail(ExitCode::Repo, "a pipeline sweep runs each combination in a git worktree, and {} is not in git",
         repo.root().string());
  if (!git->resolve("HEAD")) fail(ExitCode::Repo, "the git repository has no commit yet; commit the pipeline first");
  load_pipeline(repo);  // a broken mlops.yaml is refused before anything is made

  fs::path dir = worktrees_dir(repo);
  make_dirs(dir);
  std::string tag;
  std::optional<FileLock> held;
  {
    FileLock guard(dir / "worktrees.lock", FileLock::Mode::Exclusive);
    remove_stale(*git, dir);
    do tag = new_run_id().substr(0, 8);
    while (lstat_path(dir / (tag + ".lock")));
    held.emplace(dir / (tag + ".lock"), FileLock::Mode::Exclusive);
  }
  std::vector<std::string> changes = git->changed_paths(true);
  std::string config = read_file(repo.dot_dir() / "config", 1u << 20);
  auto worktree = [&](std::size_t i) { return fmt::format("{}-{}", tag, i + 1); };

  SweepSpec s;
  s.name = spec.name;
  s.experiment = spec.experiment;
  s.grid = spec.grid;
  s.param_lists = spec.param_lists;
  s.tags = spec.tags;
  s.jobs = spec.jobs;
  s.quiet = spec.quiet;
  SweepSpec::Custom c;
  c.what = "mlops run";
  for (const auto& [k, v] : spec.param_lists) c.what += fmt::format(" -S {}={}", k, v);
  c.cwd = [&](std::size_t i) { return (dir / worktree(i)).string(); };
  c.output = [&](std::size_t i) { return dir / (worktree(i) + ".log"); };
  c.before = [&](std::size_t i, const std::string&) {
    fs::path w = dir / worktree(i);
    git->add_detached_worktree(worktree(i), w);
    bring_changes(repo.root(), w, changes);
    make_dirs(w / ".mlops");
    atomic_write(w / ".mlops" / "config", config);  // the repository's settings, committed or not
  };
  c.argv = [&](std::size_t i, const std::string& parent, const std::string& name) {
    std::vector<std::string> argv = {"/proc/self/exe", "run", "--parent", parent, "--name", name, "--experiment", spec.experiment};
    if (spec.quiet || spec.jobs > 1) argv.push_back("-q");
    for (const auto& [k, v] : spec.tags) argv.insert(argv.end(), {"--tag", k + "=" + v});
    for (const auto& [k, v] : spec.grid[i]) argv.insert(argv.end(), {"-S", k + "=" + v});
    return argv;
  };
  c.after = [&](std::size_t i, const std::string&) -> std::vector<std::string> {
    fs::path w = dir / worktree(i);
    try {
      remove_folder(w);
      if (lstat_path(w.string() + ".log")) remove_file(w.string() + ".log");
      git->forget_worktree(worktree(i));
    } catch (const Error& e) {
      return {fmt::format("its worktree {} was not removed ({}); the next sweep removes it", w.string(), e.what())};
    }
    return {};
  };
  s.custom = std::move(c);

  // The runs open the repository's store and database from their worktrees.
  ::setenv(kSharedStateEnv, repo.root().c_str(), 1);
  struct Unset {
    ~Unset() { ::unsetenv(kSharedStateEnv); }
  } unset;
  SweepResult r = run_sweep(repo, s, cb);
  remove_file(dir / (tag + ".lock"));  // while held: nobody takes it for stale meanwhile
  return r;
}

}  // namespace mlops

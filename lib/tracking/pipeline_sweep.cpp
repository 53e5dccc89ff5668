#include "tracking/pipeline_sweep.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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
#include "pipeline/dag.hpp"
#include "pipeline/params_set.hpp"
#include "pipeline/pipeline_file.hpp"
#include "repo/git_history.hpp"
#include "repo/repo.hpp"

namespace mlops {

namespace {

// .mlops/worktrees/ holds, per running sweep, TAG.lock (held while the sweep
// or any of its runs lives: they inherit it) and TAG-N (the worktree of its
// Nth run, known to git as mlops-sweep-TAG-N) with TAG-N.log (that run's
// output with -j > 1); worktrees.lock guards making and removing them.
fs::path worktrees_dir(const Repo& repo) { return repo.dot_dir() / "worktrees"; }
constexpr std::string_view kGitNamePrefix = "mlops-sweep-";
std::string git_name(const std::string& folder) { return std::string(kGitNamePrefix) + folder; }

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
  // The git records of those worktrees (and of any whose folder went): only
  // those named by a sweep whose folder was in this .mlops/worktrees/.
  for (const auto& name : git.worktree_names()) {
    if (!starts_with(name, kGitNamePrefix)) continue;
    std::string folder = name.substr(kGitNamePrefix.size()), tag = tag_of(folder);
    if (tag.empty() || lock_held(dir / (tag + ".lock")) || lstat_path(dir / folder)) continue;
    if (git.worktree_path(name).lexically_normal() == (dir / folder).lexically_normal()) git.forget_worktree(name);
  }
  return removed;
}

// The workspace's uncommitted changes (tracked and untracked, not ignored
// files) made in the worktree: files copied, deletions done. .mlops/ is the
// sweep's to write.
// Returns what could not be brought (names mlops does not write).
std::vector<std::string> bring_changes(const fs::path& from, const fs::path& to, const std::vector<std::string>& paths) {
  SafeTree tree(to);
  std::vector<std::string> skipped;
  // Deletions first, symlinks last: a tracked folder the user replaced with a
  // symlink loses its files before the link takes its place.
  struct Change {
    int order;  // 0 deleted, 1 a file, 2 a symlink
    std::string rel;
    std::optional<FileStat> st;
  };
  std::vector<Change> changes;
  for (const auto& rel : paths) {
    if (rel == ".mlops" || rel.starts_with(".mlops/")) continue;
    if (auto why = unwritable_reason(rel); !why.empty()) {
      skipped.push_back(fmt::format("'{}' ({})", printable_path(rel), why));
      continue;
    }
    auto st = lstat_path(from / rel);
    changes.push_back({!st ? 0 : st->is_symlink() ? 2 : 1, rel, st});
  }
  std::stable_sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) { return a.order < b.order; });
  for (const auto& [order, rel, st] : changes) {
    fs::path src = from / rel;
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
  return skipped;
}

// The worktree's own .mlops/ with the repository's config. HEAD may hold a
// .mlops symlink (a crafted commit): that link goes, nothing is followed.
void write_worktree_config(const fs::path& worktree, const std::string& config) {
  fs::path dot = worktree / ".mlops";
  if (auto st = lstat_path(dot); st && !st->is_dir()) remove_file(dot);
  make_dirs(dot);
  if (auto st = lstat_path(dot / "config"); st && !st->is_regular()) remove_file(dot / "config");
  atomic_write(dot / "config", config);
}

// Whether a stage can see KEY of FILE: a param it lists at, above or below
// the key (or a whole params file), or, for params.yaml, ${params.KEY} in
// mlops.yaml. A sweep over a key nothing uses runs the same pipeline N times.
bool param_used(const Pipeline& p, const std::string& pipeline_text, const ParamSetting& set) {
  auto related = [](const std::string& a, const std::string& b) {
    return a == b || starts_with(a, b + ".") || starts_with(b, a + ".");
  };
  for (const auto& st : p.stages)
    if (auto it = st.params.find(set.file); it != st.params.end()) {
      if (it->second.empty()) return true;
      for (const auto& k : it->second)
        if (related(k, set.key)) return true;
    }
  if (set.file != kDefaultParamsFile) return false;
  for (std::size_t at = pipeline_text.find("${params."); at != std::string::npos;
       at = pipeline_text.find("${params.", at + 1)) {
    std::size_t from = at + 9, end = pipeline_text.find('}', from);
    if (end != std::string::npos && related(pipeline_text.substr(from, end - from), set.key)) return true;
  }
  return false;
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
  // A broken mlops.yaml, an unknown stage or a param no stage uses is
  // refused before anything is made.
  Pipeline pipeline = load_pipeline(repo);
  select_stages(pipeline, build_dag(pipeline), spec.stages, false);
  std::string pipeline_text = read_file(repo.abs(kPipelineFile));
  if (!spec.grid.empty())
    for (const auto& [k, v] : spec.grid[0]) {
      ParamSetting set = parse_param_setting(k + "=" + v);
      if (!param_used(pipeline, pipeline_text, set))
        throw Error(ExitCode::Usage,
                    fmt::format("-S {}: no stage of {} uses this param, so every run would be the same", k, kPipelineFile),
                    "check the key and the file (FILE:KEY for another params file than params.yaml)");
    }

  fs::path dir = worktrees_dir(repo);
  make_dirs(dir);
  std::string tag;
  UniqueFd held;  // TAG.lock, inherited by every run (no O_CLOEXEC): held while any of them lives
  {
    FileLock guard(dir / "worktrees.lock", FileLock::Mode::Exclusive);
    remove_stale(*git, dir);
    do tag = new_run_id().substr(0, 8);
    while (lstat_path(dir / (tag + ".lock")));
    fs::path lock = dir / (tag + ".lock");
    held.reset(::open(lock.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, 0600));
    if (!held) fail_errno("create", lock.string(), errno);
    lock_fd(held.get(), FileLock::Mode::Exclusive, lock);
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
  for (const auto& item : spec.settings) c.what += " -S " + item;
  for (const auto& stage : spec.stages) c.what += " " + stage;
  c.cwd = [&](std::size_t i) { return (dir / worktree(i)).string(); };
  c.output = [&](std::size_t i) { return dir / (worktree(i) + ".log"); };
  c.before = [&](std::size_t i, const std::string&) {
    fs::path w = dir / worktree(i);
    {
      FileLock guard(dir / "worktrees.lock", FileLock::Mode::Exclusive);  // one git worktree change at a time
      git->add_detached_worktree(git_name(worktree(i)), w);
    }
    auto skipped = bring_changes(repo.root(), w, changes);
    write_worktree_config(w, config);  // the repository's settings, committed or not
    std::vector<std::string> warnings;
    if (!skipped.empty())
      warnings.push_back(fmt::format("uncommitted changes not in its worktree (names mlops does not write): {}",
                                     fmt::join(skipped, ", ")));
    return warnings;
  };
  c.argv = [&](std::size_t i, const std::string& parent, const std::string& name) {
    std::vector<std::string> argv = {"/proc/self/exe", "run", "--parent", parent, "--name", name, "--experiment", spec.experiment};
    if (spec.quiet || spec.jobs > 1) argv.push_back("-q");
    for (const auto& [k, v] : spec.tags) argv.insert(argv.end(), {"--tag", k + "=" + v});
    for (const auto& [k, v] : spec.grid[i]) argv.insert(argv.end(), {"-S", k + "=" + v});
    argv.insert(argv.end(), spec.stages.begin(), spec.stages.end());
    return argv;
  };
  c.after = [&](std::size_t i, const std::string&) -> std::vector<std::string> {
    fs::path w = dir / worktree(i);
    try {
      remove_folder(w);
      if (lstat_path(w.string() + ".log")) remove_file(w.string() + ".log");
      FileLock guard(dir / "worktrees.lock", FileLock::Mode::Exclusive);
      git->forget_worktree(git_name(worktree(i)));
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

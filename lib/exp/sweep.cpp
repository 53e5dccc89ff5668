#include "exp/sweep.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "core/child_signals.hpp"
#include "core/error.hpp"
#include "core/fs.hpp"
#include "core/hash.hpp"
#include "core/text.hpp"
#include "exp/run_command.hpp"
#include "exp/run_names.hpp"
#include "exp/run_store.hpp"
#include "repo/repo.hpp"

namespace mlops {

namespace {

std::vector<std::string> split_values(const std::string& key, const std::string& text) {
  std::vector<std::string> out(1);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == ',') out.back() += text[++i];
    else if (text[i] == ',') out.emplace_back();
    else out.back() += text[i];
  }
  if (out.size() > 1)
    for (const auto& v : out)
      if (v.empty()) fail(ExitCode::Usage, "param {}: empty value in the list '{}'", key, text);
  return out;
}

}  // namespace

ParamGrid expand_grid(const std::vector<std::string>& items) {
  std::vector<std::pair<std::string, std::vector<std::string>>> lists;
  std::set<std::string> seen;
  std::size_t runs = 1;  // saturates past the bound: no overflow
  std::string swept;     // "-p a (1000 values) x -p b (1000 values)", for the error
  for (const auto& kv : items) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) fail(ExitCode::Usage, "param '{}' is not KEY=VALUE", kv);
    std::string key = kv.substr(0, eq);
    if (!seen.insert(key).second) fail(ExitCode::Usage, "param {} is given twice", key);
    auto values = split_values(key, kv.substr(eq + 1));
    for (const auto& v : values) check_run_text("param", key, v);
    runs = std::min(runs * std::min(values.size(), kMaxSweepRuns + 1), kMaxSweepRuns + 1);
    if (values.size() > 1) swept += fmt::format("{}-p {} ({} values)", swept.empty() ? "" : " x ", key, values.size());
    lists.emplace_back(std::move(key), std::move(values));
  }
  if (runs > kMaxSweepRuns)
    throw Error(ExitCode::Usage, fmt::format("a sweep of more than {} runs: {}", kMaxSweepRuns, swept),
                "sweep fewer values at once, or split the sweep");
  ParamGrid grid(1);
  for (const auto& [key, values] : lists) {
    ParamGrid next;
    next.reserve(grid.size() * values.size());
    for (const auto& combo : grid)
      for (const auto& v : values) {
        next.push_back(combo);
        next.back()[key] = v;
      }
    grid = std::move(next);
  }
  return grid;
}

int run_processes(const std::vector<std::vector<std::string>>& argvs, const ProcessPool& pool) {
  // A SIGTERM or hangup sent to the sweep alone is passed on to its runs (each
  // an `mlops exp run`, which passes it to its command); SIGINT from a
  // terminal reaches the whole process group, the runs included, already.
  StopSignals stops({.pass_interrupt = false});
  std::map<pid_t, std::pair<std::size_t, std::unique_ptr<ChildProcess>>> running;
  std::size_t next = 0;
  while (next < argvs.size() || !running.empty()) {
    while (!StopSignals::received() && next < argvs.size() &&
           static_cast<int>(running.size()) < std::max(1, pool.jobs)) {
      std::vector<char*> argv;
      for (const auto& a : argvs[next]) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      if (pool.on_start) pool.on_start(next);
      // Decided here: nothing but async-signal-safe calls after the fork.
      std::string out = pool.output_of ? pool.output_of(next).string() : pool.quiet ? "/dev/null" : "";
      std::string cwd = pool.cwd_of ? pool.cwd_of(next) : "";
      auto child = std::make_unique<ChildProcess>();
      if (child->pid() == 0) {
        if (!out.empty()) {
          int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
          if (fd < 0) ::_exit(127);
          ::dup2(fd, STDOUT_FILENO);
          ::dup2(fd, STDERR_FILENO);
        }
        if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(127);
        ::execv(argv[0], argv.data());
        ::_exit(127);
      }
      pid_t pid = child->pid();
      running.emplace(pid, std::make_pair(next++, std::move(child)));
    }
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      if (errno == ECHILD) break;
      fail_errno("wait for", "a run of the sweep", errno);
    }
    auto it = running.find(pid);
    if (it == running.end()) continue;
    std::size_t index = it->second.first;
    running.erase(it);  // no signal goes to it any more
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (pool.on_exit) pool.on_exit(index, code);
  }
  return StopSignals::received();
}

namespace {

// Where a parallel sweep's run leaves its warnings: a file in the sweep's
// scratch folder named by the hash of the run's name (a name may hold '/',
// and be longer than a file name may).
fs::path warnings_file(const Repo& repo, const std::string& sweep_id, const std::string& run_name) {
  Hasher h(HashAlgo::Xxh128);
  h.update(run_name.data(), run_name.size());
  return run_scratch_dir(repo, sweep_id) / ("warnings-" + h.finish().hex);
}

std::vector<std::string> take_warnings(const Repo& repo, const std::string& sweep_id, const std::string& run_name) {
  fs::path file = warnings_file(repo, sweep_id, run_name);
  if (!lstat_path(file)) return {};
  std::string text;
  try {
    text = read_file(file, 1u << 20);
  } catch (const Error& e) {
    text = fmt::format("its warnings could not be read back ({}); see 'mlops exp show {}'", e.what(), run_name);
  }
  remove_file(file);
  auto lines = split_lines(text);
  return {lines.begin(), lines.end()};
}

}  // namespace

void leave_sweep_warnings(const Repo& repo, const std::string& sweep_id, const std::string& run_name,
                          const std::vector<std::string>& warnings) {
  if (sweep_id.empty() || warnings.empty() || !lstat_path(run_scratch_dir(repo, sweep_id))) return;
  // The first ones: a run that warns thousands of times says the same thing.
  constexpr std::size_t kShown = 20;
  std::string text;
  for (std::size_t i = 0; i < std::min(warnings.size(), kShown); ++i) text += warnings[i] + "\n";
  if (warnings.size() > kShown) text += fmt::format("... and {} more warnings\n", warnings.size() - kShown);
  atomic_write(warnings_file(repo, sweep_id, run_name), text);
}

namespace {

// The last lines of a failed run's output (a pipeline sweep's run prints its
// errors there, and nobody saw them).
std::vector<std::string> output_tail(const fs::path& file) {
  constexpr std::size_t kLines = 20;
  constexpr std::uint64_t kBytes = 8192;
  std::vector<std::string> lines;
  try {
    UniqueFd fd = open_read(file);
    auto size = fstat_fd(fd.get(), file).size;
    std::uint64_t from = size > kBytes ? size - kBytes : 0;
    std::string text(size - from, '\0');
    ssize_t n = ::pread(fd.get(), text.data(), text.size(), static_cast<off_t>(from));
    text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    for (std::string_view line : split_lines(text))
      if (!line.empty()) lines.push_back(printable_path(line));
  } catch (const Error&) {
    return {};
  }
  if (lines.size() > kLines) lines.erase(lines.begin(), lines.end() - kLines);
  return lines;
}

}  // namespace

SweepResult run_sweep(Repo& repo, const SweepSpec& spec, const SweepCallbacks& cb) {
  if (spec.command.empty() && !spec.custom) fail(ExitCode::Usage, "name the command to run after --");
  RunStore runs(repo.db());
  Run parent;
  parent.id = new_run_id();
  parent.name = unique_run_name(runs, spec.name);
  std::vector<std::string> names;
  for (std::size_t i = 1; i <= spec.grid.size(); ++i) {
    names.push_back(fmt::format("{}-{}", parent.name, i));
    RunStore::check_name(names.back());  // a sweep name at the length limit leaves no room for "-N"
    if (runs.name_taken(names.back()))
      fail(ExitCode::Usage, "a run named '{}' exists already; name the sweep with -n", names.back());
  }
  parent.experiment = spec.experiment;
  parent.status = "running";
  parent.started_at = now_ms();
  parent.command = fmt::format("sweep of {} runs: {}", spec.grid.size(),
                               spec.custom ? spec.custom->what : fmt::format("{}", fmt::join(spec.command, " ")));
  stamp_run(repo, parent, false);  // each run of the sweep records its own diff
  runs.create(parent);
  runs.set_params(parent.id, spec.param_lists);
  runs.set_tags(parent.id, spec.tags);

  // In parallel the runs' output is not shown (it would interleave): their
  // warnings come back through the sweep's scratch folder.
  bool parallel = spec.jobs > 1;
  if (parallel) make_dirs(run_scratch_dir(repo, parent.id));
  std::vector<std::vector<std::string>> argvs;
  for (std::size_t i = 0; i < spec.grid.size(); ++i) {
    if (spec.custom) {
      argvs.push_back(spec.custom->argv(i, parent.id, names[i]));
      continue;
    }
    std::vector<std::string> argv = {"/proc/self/exe", "exp", "run", "--parent", parent.id, "-n", names[i],
                                     "-e", spec.experiment};
    if (spec.quiet || parallel) argv.push_back("-q");
    for (const auto& [k, v] : spec.grid[i]) argv.insert(argv.end(), {"-p", k + "=" + v});
    argv.insert(argv.end(), spec.run_options.begin(), spec.run_options.end());
    argv.push_back("--");
    argv.insert(argv.end(), spec.command.begin(), spec.command.end());
    argvs.push_back(std::move(argv));
  }
  if (cb.on_start) cb.on_start(parent);
  SweepResult result;
  ProcessPool pool;
  pool.jobs = spec.jobs;
  pool.quiet = parallel;  // each run keeps its log
  std::map<std::size_t, std::vector<std::string>> before_warnings;
  if (spec.custom) {
    pool.cwd_of = spec.custom->cwd;
    if (parallel) pool.output_of = spec.custom->output;
    if (spec.custom->before)
      pool.on_start = [&](std::size_t i) { before_warnings[i] = spec.custom->before(i, names[i]); };
  }
  pool.on_exit = [&](std::size_t i, int code) {
    ++result.done;
    if (code != 0 && !result.failed++) result.first_failure = code;
    SweepRunEnd end{i, result.done, names[i], code, false, {}, {}};
    // A run the sweep's own stop signal ended was interrupted, not failed.
    end.interrupted = code > 128 && StopSignals::received() != 0;
    if (end.interrupted) ++result.interrupted;
    end.warnings = std::move(before_warnings[i]);
    before_warnings.erase(i);
    if (parallel)
      for (auto& w : take_warnings(repo, parent.id, names[i])) end.warnings.push_back(std::move(w));
    if (parallel && code != 0 && pool.output_of) end.output_tail = output_tail(pool.output_of(i));
    if (spec.custom && spec.custom->after)
      for (auto& w : spec.custom->after(i, names[i])) end.warnings.push_back(std::move(w));
    if (cb.on_run_end) cb.on_run_end(end);
  };
  try {
    result.stop_signal = run_processes(argvs, pool);
  } catch (...) {
    // The sweep itself failed (no process to be had): it is recorded as
    // such, not left running; runs already started finish on their own.
    if (parallel) remove_run_scratch(repo, parent.id);
    runs.finish(parent.id, "failed", result.first_failure, std::nullopt, "");
    throw;
  }
  if (parallel) remove_run_scratch(repo, parent.id);
  std::string status = result.stop_signal ? "interrupted" : result.failed ? "failed" : "finished";
  runs.finish(parent.id, status, result.first_failure, std::nullopt, "");
  result.parent = runs.get(parent.id);
  return result;
}

}  // namespace mlops

#include "exp/run_command.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "core/child_signals.hpp"
#include "core/error.hpp"
#include "core/file_tail.hpp"
#include "core/text.hpp"
#include "data/tracked.hpp"
#include "data/workspace.hpp"
#include "core/machine_info.hpp"
#include "exp/metrics_file.hpp"
#include "exp/run_journal.hpp"
#include "exp/run_names.hpp"
#include "repo/git_history.hpp"
#include "repo/repo.hpp"
#include "state/db.hpp"
#include "store/object_store.hpp"

extern char** environ;

namespace mlops {

namespace {

std::string quote_command(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    bool plain = !a.empty() && a.find_first_of(" \t\n'\"\\$`*?[]{}()<>|&;#~") == std::string::npos;
    if (!out.empty()) out += ' ';
    if (plain) out += a;
    else out.append(1, '\'').append(a).append(1, '\'');
  }
  return out;
}

// What "{KEY}" stands for in the command's arguments and in the --artifact
// and --metrics paths: each param's value, and "{name}" the run's name (unless
// a param is called name).
std::map<std::string, std::string> placeholders(const std::map<std::string, std::string>& params, const std::string& name) {
  std::map<std::string, std::string> out = params;
  out.emplace("name", name);
  return out;
}

// The placeholders replaced in each word; other braces are left alone.
std::vector<std::string> with_params(std::vector<std::string> words, const std::map<std::string, std::string>& values) {
  for (auto& w : words)
    for (const auto& [k, v] : values) {
      std::string mark = "{" + k + "}";
      for (auto at = w.find(mark); at != std::string::npos; at = w.find(mark, at + v.size())) w.replace(at, mark.size(), v);
    }
  return words;
}

// MLOPS_PARAMS (a JSON object) and MLOPS_PARAM_<KEY> (upper case, other
// characters as '_') for every param.
std::vector<std::pair<std::string, std::string>> param_env(const std::map<std::string, std::string>& params) {
  std::vector<std::pair<std::string, std::string>> out;
  nlohmann::json all = params;
  out.emplace_back("MLOPS_PARAMS", all.dump());
  for (const auto& [k, v] : params) {
    std::string name = "MLOPS_PARAM_";
    for (unsigned char c : k) name += std::isalnum(c) ? static_cast<char>(std::toupper(c)) : '_';
    out.emplace_back(name, v);
  }
  return out;
}

// Reads the lines appended to the metrics file since the last call.
struct MetricsCursor {
  explicit MetricsCursor(fs::path file) : tail(std::move(file)) {}
  FileTail tail;
  std::int64_t next_step = 0;  // for lines without "step"
};

void ingest(RunStore& runs, const std::string& id, MetricsCursor& cur, std::vector<std::string>& warnings,
            bool final) {
  std::size_t first = cur.tail.next_line();
  std::string text = cur.tail.read_new(final);  // only whole lines while it runs
  if (text.empty()) return;
  auto parsed = parse_metrics_lines(text, "$MLOPS_METRICS_FILE", cur.next_step, first);
  runs.log_metrics(id, parsed.points);
  warnings.insert(warnings.end(), parsed.warnings.begin(), parsed.warnings.end());
}

}  // namespace

bool log_artifact(Repo& repo, const std::string& run_id, const std::string& rel) {
  WorkTree tree = list_workspace(repo, rel);
  if (tree.shape == Shape::Absent) return false;
  IdentifyStats stats;
  Pointer p = store_tree(repo, rel, tree, stats, nullptr);
  RunStore(repo.db()).add_artifact(run_id, rel, p.id.str(), p.size);
  return true;
}

std::string stamp_run(Repo& repo, Run& run, bool with_diff) {
  MachineInfo machine = machine_info();
  run.user = machine.user;
  run.host = machine.host;
  run.os = machine.os;
  run.cpu = machine.cpu;
  run.cpus = machine.cpus;
  run.memory_bytes = machine.memory_bytes;
  auto git = GitRepo::open(repo.root());
  if (!git) return {};
  if (auto head = git->resolve("HEAD")) run.git_commit = oid_hex(head->oid);
  if (!with_diff) return {};
  std::string diff;
  try {
    diff = git->uncommitted_diff();
  } catch (const Error& e) {
    run.git_dirty = true;
    return fmt::format("the uncommitted changes were not recorded: {}", e.what());
  }
  run.git_dirty = !diff.empty();
  if (run.git_dirty) run.git_diff_id = repo.store().put_bytes(diff).str();
  return {};
}

fs::path run_scratch_dir(const Repo& repo, const std::string& run_id) { return repo.state_dir() / "runs" / run_id; }

fs::path run_journal_path(const Repo& repo, const std::string& run_id) {
  return run_scratch_dir(repo, run_id) / "journal.jsonl";
}

void remove_run_scratch(const Repo& repo, const std::string& run_id) {
  std::error_code ec;  // best effort: what is left is only disk space
  fs::remove_all(run_scratch_dir(repo, run_id), ec);
}

RunResult run_experiment(Repo& repo, const RunSpec& spec, const RunSinks& sinks) {
  if (spec.command.empty()) fail(ExitCode::Usage, "name the command to run after --");
  RunStore runs(repo.db());
  RunResult result;
  Run& run = result.run;
  run.id = new_run_id();
  run.name = unique_run_name(runs, spec.name);
  run.experiment = spec.experiment.empty() ? "default" : spec.experiment;
  const auto values = placeholders(spec.params, run.name);
  std::vector<std::string> command = with_params(spec.command, values);
  // A run's name or a param's value may not lead a path out of the
  // repository: each path is checked again once filled in, before anything runs.
  auto check_filled = [&](const char* option, const std::string& pattern) {
    std::string filled = with_params({pattern}, values)[0];
    if (filled != pattern && !is_safe_relative_path(filled))
      fail(ExitCode::Input, "{} {}: with the run's name and params it is {}, not a path inside the repository", option,
           pattern, printable_path(filled));
  };
  for (const auto& a : spec.artifacts) check_filled("--artifact", a);
  if (!spec.metrics_file.empty()) check_filled("--metrics", spec.metrics_file);
  run.command = quote_command(command);
  run.status = "running";
  run.started_at = now_ms();
  if (auto w = stamp_run(repo, run, true); !w.empty()) result.warnings.push_back(std::move(w));
  run.parent_id = spec.parent_id;
  run.params = spec.params;
  run.tags = spec.tags;
  // The data the run saw: the version of every tracked path.
  for (const auto& t : find_tracked(repo, {})) run.tags["data." + t.rel] = t.ptr.id.str();

  runs.create(run);  // first, so that every scratch folder belongs to a recorded run
  runs.set_params(run.id, run.params);
  runs.set_tags(run.id, run.tags);
  fs::path dir = run_scratch_dir(repo, run.id);
  make_dirs(dir);
  fs::path metrics = dir / "metrics.jsonl", log = dir / "output.log", journal_file = run_journal_path(repo, run.id);
  atomic_write(metrics, "");
  JournalReader journal(journal_file);
  journal.create();

  int raw_out[2], raw_err[2];
  if (::pipe2(raw_out, O_CLOEXEC) != 0) fail_errno("create a pipe for", run.command, errno);
  UniqueFd out_fd(raw_out[0]), out_write(raw_out[1]);
  if (::pipe2(raw_err, O_CLOEXEC) != 0) fail_errno("create a pipe for", run.command, errno);
  UniqueFd err_fd(raw_err[0]), err_write(raw_err[1]);
  UniqueFd log_fd(::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!log_fd) fail_errno("create", log.string(), errno);

  // The command leads a process group of its own, as a pipeline stage does:
  // Ctrl-C, SIGTERM and hangups are passed on to the whole group (what a
  // `sh -c` started ends with it, and no orphan holds the output pipes open);
  // the run records how it ended (core/child_signals).
  StopSignals stops({.to_groups = true});
  bool terminal_stdin = ::isatty(STDIN_FILENO);
  auto env = param_env(spec.params);
  ChildProcess child;
  pid_t pid = child.pid();
  if (pid == 0) {
    ::dup2(out_write.get(), STDOUT_FILENO);
    ::dup2(err_write.get(), STDERR_FILENO);
    // Out of the terminal's foreground group a read from it would stop the
    // command for ever: it reads nothing instead.
    if (terminal_stdin)
      if (int null = ::open("/dev/null", O_RDONLY); null >= 0 && null != STDIN_FILENO) ::dup2(null, STDIN_FILENO);
    ::setenv("MLOPS_RUN_ID", run.id.c_str(), 1);
    ::setenv("MLOPS_METRICS_FILE", metrics.c_str(), 1);
    ::setenv("MLOPS_RUN_JOURNAL", journal_file.c_str(), 1);
    ::setenv("MLOPS_RUN_NAME", run.name.c_str(), 1);
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv;
    for (const auto& a : command) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    std::string msg = fmt::format("mlops: error: cannot run {}: {}\n", command[0], std::strerror(errno));
    (void)::write(STDERR_FILENO, msg.data(), msg.size());
    ::_exit(127);
  }
  out_write.reset();
  err_write.reset();

  MetricsCursor cursor(metrics);
  auto apply_live = [&] {  // what the command logged so far
    ingest(runs, run.id, cursor, result.warnings, false);
    journal.apply_new(runs, run.id, result.warnings);
  };
  std::vector<char> buf(1 << 16);
  int open_pipes = 2;
  while (open_pipes > 0) {
    pollfd fds[2] = {{out_fd.get(), POLLIN, 0}, {err_fd.get(), POLLIN, 0}};
    int rc = ::poll(fds, 2, 1000);
    if (rc < 0 && errno != EINTR) fail_errno("wait for", run.command, errno);
    for (int k = 0; k < 2; ++k) {
      if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(fds[k].fd, buf.data(), buf.size());
      if (n > 0) {
        write_all(log_fd.get(), buf.data(), static_cast<std::size_t>(n), log);
        auto& sink = k == 0 ? sinks.out : sinks.err;
        if (sink) sink(buf.data(), static_cast<std::size_t>(n));
      } else if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
        (k == 0 ? out_fd : err_fd).reset();
        --open_pipes;
      }
    }
    apply_live();  // after output, or once a second
  }
  // A command that closed its output (exec >file) still logs: keep applying
  // what it writes until it ends.
  // (glibc 2.36's <sys/pidfd.h> lacks C linkage for C++: the raw call.)
  if (UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))); pidfd) {
    pollfd ended{pidfd.get(), POLLIN, 0};
    for (;;) {
      int rc = ::poll(&ended, 1, 1000);
      if (rc > 0 || (rc < 0 && errno != EINTR)) break;
      apply_live();
    }
  }
  struct rusage ru {};
  int status = child.wait(&ru);
  ingest(runs, run.id, cursor, result.warnings, true);
  // A logger the command left running in the background writes to the
  // database once the journal is gone.
  journal.close(runs, run.id, result.warnings);

  if (WIFEXITED(status)) {
    result.exit_status = WEXITSTATUS(status);
    run.exit_code = result.exit_status;
    run.status = result.exit_status == 0 ? "finished" : "failed";
  } else {
    int sig = WTERMSIG(status);
    result.exit_status = 128 + sig;
    run.status = (sig == SIGINT || StopSignals::received() == SIGINT) ? "interrupted" : "killed";
    result.warnings.push_back(fmt::format("the command was ended by signal {} ({})", sig, ::strsignal(sig)));
  }
  if (StopSignals::received() == SIGINT) run.status = "interrupted";
  run.peak_rss_kib = ru.ru_maxrss;

  // Placeholders in the paths: a sweep's runs write runs/{name}/model.json
  // (or model-{lr}.json) each, and each keeps its own.
  auto named = [&](const std::string& path) { return with_params({path}, values)[0]; };
  if (!spec.metrics_file.empty()) {
    std::string rel = named(spec.metrics_file);
    runs.log_metrics(run.id, read_metrics_file(repo.abs(rel), rel));
  }
  // Artifacts, and the output as the log artifact, into the store.
  for (const auto& pattern : spec.artifacts)
    if (std::string rel = named(pattern); !log_artifact(repo, run.id, rel))
      result.warnings.push_back(fmt::format("artifact {} does not exist; not recorded", rel));
  auto log_st = fstat_fd(log_fd.get(), log);
  log_fd.reset();
  auto stored = repo.store().put_file(log, "the run's log", log_st);
  runs.add_artifact(run.id, "mlops.log", stored.id.str(), log_st.size);
  run.log_id = stored.id.str();
  runs.finish(run.id, run.status, run.exit_code, run.peak_rss_kib, run.log_id);
  // The connection writes on to a deleted file as if nothing happened: ask
  // whether the database is still the one opened. The scratch folder stays
  // then: its metrics and output are all that is left of the run.
  try {
    repo.db().check_in_place(fmt::format("run {} ({}) was not recorded", run.name, run.id));
  } catch (const Error& e) {
    throw Error(e.code(),
                fmt::format("{}; the command {} with status {}", e.what(),
                            run.status == "finished" || run.status == "failed" ? "exited" : "was ended",
                            result.exit_status),
                fmt::format("its metrics and output are kept in {}; its log is in the store as {}",
                            run_scratch_dir(repo, run.id).string(), run.log_id));
  }
  remove_run_scratch(repo, run.id);  // all of it is in the database and the store now
  run = runs.get(run.id);
  return result;
}

}  // namespace mlops

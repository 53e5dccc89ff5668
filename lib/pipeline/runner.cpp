#include "pipeline/runner.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>

#include "core/error.hpp"
#include "core/link.hpp"
#include "data/gitignore.hpp"
#include "data/tracked.hpp"
#include "data/workspace.hpp"
#include "exp/run_command.hpp"
#include "exp/metrics_file.hpp"
#include "exp/run_names.hpp"
#include "exp/run_store.hpp"
#include "pipeline/dag.hpp"
#include "pipeline/lock_file.hpp"
#include "pipeline/output_source.hpp"
#include "pipeline/stage_keeper.hpp"
#include "repo/repo.hpp"
#include "state/db.hpp"
#include "store/manifest.hpp"
#include "store/object_tree.hpp"
#include "store/object_store.hpp"

extern char** environ;

namespace mlops {

const char* outcome_name(StageOutcome o) {
  switch (o) {
    case StageOutcome::UpToDate: return "up to date";
    case StageOutcome::Frozen: return "frozen";
    case StageOutcome::Restored: return "restored";
    case StageOutcome::Ran: return "ran";
    case StageOutcome::WouldRun: return "would run";
    case StageOutcome::Failed: return "failed";
    case StageOutcome::Skipped: return "skipped";
    case StageOutcome::Interrupted: return "interrupted";
  }
  return "?";
}

namespace {

std::atomic<int> g_stop{0};

// The stage commands running now, each in a process group of its own led by
// its keeper (stage_keeper.hpp): the handler passes Ctrl-C, a SIGTERM sent to
// mlops alone (a CI job cancelled, a supervisor stopping it) or a hangup on to
// each stage's whole group.
constexpr std::size_t kStageSlots = 256;
std::atomic<pid_t> g_stage_pids[kStageSlots];

void pass_on(pid_t group, int sig) {
  ::kill(-group, sig);
  ::kill(-group, SIGCONT);  // a command stopped by the terminal must see it
}

void on_stop(int sig) {
  int saved = errno;
  g_stop = sig;
  for (auto& slot : g_stage_pids)
    if (pid_t pid = slot.load(); pid > 0) pass_on(pid, sig);
  errno = saved;
}

// Holds a running stage's pid in a free slot while it runs.
class StagePidSlot {
public:
  explicit StagePidSlot(pid_t pid) {
    for (auto& slot : g_stage_pids) {
      pid_t free = 0;
      if (slot.compare_exchange_strong(free, pid)) {
        slot_ = &slot;
        break;
      }
    }
    // The signal may have come between fork and here.
    if (int sig = g_stop.load()) pass_on(pid, sig);
  }
  ~StagePidSlot() {
    if (slot_) slot_->store(0);
  }
  StagePidSlot(const StagePidSlot&) = delete;
  StagePidSlot& operator=(const StagePidSlot&) = delete;

private:
  std::atomic<pid_t>* slot_ = nullptr;
};

// The content of a path now: its id as a file or folder (a folder's id is its
// manifest's), or nothing. With `store`, the content is also kept in the store.
std::optional<LockedPath> version_of(Repo& repo, const std::string& rel, bool store) {
  WorkTree tree = list_workspace(repo, rel);
  if (tree.shape == Shape::Absent) return std::nullopt;
  if (store) {
    IdentifyStats stats;
    Pointer p = store_tree(repo, rel, tree, stats, nullptr);
    return LockedPath{rel, p.id.str(), std::string(kind_name(p.kind)), p.size};
  }
  identify(repo, rel, tree, Identify::HashOnly, nullptr);
  if (tree.shape == Shape::File) return LockedPath{rel, tree.files[0].id.str(), "file", tree.files[0].st.size};
  Manifest m = tree.manifest();
  return LockedPath{rel, hash_bytes(repo.algo(), m.serialize()).str(), "dir", m.total_size()};
}

const LockedPath* find_path(const std::vector<LockedPath>& v, const std::string& path) {
  for (const auto& p : v)
    if (p.path == path) return &p;
  return nullptr;
}

struct Evaluation {
  LockEntry now;                     // cmd, deps and params as they are (outs not yet)
  std::vector<std::string> reasons;  // empty: up to date
  std::vector<std::string> missing;  // deps that do not exist
};

class Params {
public:
  explicit Params(Repo& repo) : repo_(repo) {}
  std::map<std::string, std::string> values(const Stage& s, const std::string& file, const std::vector<std::string>& keys) {
    auto it = files_.find(file);
    if (it == files_.end()) it = files_.emplace(file, load_params(repo_, file)).first;
    if (keys.empty()) return it->second;
    std::map<std::string, std::string> out;
    for (const auto& k : keys) {
      auto v = it->second.find(k);
      if (v == it->second.end()) {
        // A key may name a section: take every value under it.
        bool any = false;
        for (const auto& [kk, vv] : it->second)
          if (kk.starts_with(k + ".")) out[kk] = vv, any = true;
        if (!any) fail(ExitCode::Input, "stage {}: {} has no param '{}'", s.name, file, k);
        continue;
      }
      out[k] = v->second;
    }
    return out;
  }

private:
  Repo& repo_;
  std::map<std::string, std::map<std::string, std::string>> files_;
};

Evaluation evaluate(Repo& repo, const Stage& s, const LockEntry* locked, Params& params) {
  Evaluation e;
  e.now.cmd = s.cmd;
  e.now.env = s.env;
  for (const auto& dep : s.deps) {
    auto v = version_of(repo, dep, false);
    if (!v) {
      e.missing.push_back(dep);
      continue;
    }
    if (locked && locked->cmd == s.cmd) {
      const LockedPath* was = find_path(locked->deps, dep);
      if (!was) e.reasons.push_back(fmt::format("new dependency {}", dep));
      else if (was->id != v->id) e.reasons.push_back(fmt::format("{} changed", dep));
    }
    e.now.deps.push_back(*v);
  }
  for (const auto& [file, keys] : s.params) {
    e.now.params[file] = params.values(s, file, keys);
    if (!locked || locked->cmd != s.cmd) continue;
    auto was = locked->params.find(file);
    for (const auto& [k, v] : e.now.params[file]) {
      std::string old;
      if (was != locked->params.end())
        if (auto it = was->second.find(k); it != was->second.end()) old = it->second;
      if (old != v)
        e.reasons.push_back(old.empty() ? fmt::format("new param {}", k) : fmt::format("param {} changed ({} -> {})", k, old, v));
    }
  }
  if (!locked) {
    e.reasons = {"never run"};
    return e;
  }
  if (locked->cmd != s.cmd) e.reasons.insert(e.reasons.begin(), "command changed");
  else if (locked->env != s.env) e.reasons.insert(e.reasons.begin(), "env changed");
  for (const auto& out : s.outputs()) {
    const LockedPath* was = find_path(locked->outs, out);
    auto v = version_of(repo, out, false);
    if (!v) e.reasons.push_back(fmt::format("output {} is missing", out));
    else if (!was || was->id != v->id) e.reasons.push_back(fmt::format("output {} changed", out));
  }
  if (s.always_changed) e.reasons.push_back("always changed");
  return e;
}

// The run cache's key: the command, the dependencies' ids, the params and the outputs' names.
std::string cache_key(Repo& repo, const Stage& s, const LockEntry& now) {
  std::string text;
  auto field = [&](std::string_view tag, std::initializer_list<std::string_view> values) {
    text.append(tag).push_back('\0');
    for (auto v : values) text.append(v).push_back('\0');
  };
  field("cmd", {now.cmd});
  auto deps = now.deps;
  std::sort(deps.begin(), deps.end(), [](const LockedPath& a, const LockedPath& b) { return a.path < b.path; });
  for (const auto& d : deps) field("dep", {d.path, d.id});
  for (const auto& [file, kv] : now.params)
    for (const auto& [k, v] : kv) field("param", {file, k, v});
  auto outs = s.outputs();
  std::sort(outs.begin(), outs.end());
  for (const auto& o : outs) field("out", {o});
  field("wdir", {s.wdir});
  for (const auto& [k, v] : now.env) field("env", {k, v});
  return hash_bytes(repo.algo(), text).str();
}

// True when the store holds every object of the outputs (a folder's files too).
bool in_store(Repo& repo, const std::vector<LockedPath>& outs) {
  for (const auto& o : outs) {
    ObjectId id;
    if (!ObjectId::try_parse(o.id, id) || !has_tree(repo.store(), id, o.kind == "dir", o.path)) return false;
  }
  return true;
}

// What the stage's outputs were for these inputs: from the run cache, or from
// the lock entry when its command, dependencies and params are the ones now
// (a fresh clone that fetched them) — as long as the store has the objects.
std::optional<std::vector<LockedPath>> cached_outputs(Repo& repo, const std::string& key, const Stage& s,
                                                      const LockEntry* locked, const LockEntry& now) {
  std::optional<std::vector<LockedPath>> outs;
  Stmt q(repo.db(), "SELECT outs FROM run_cache WHERE key = ?");
  q.bind(1, key);
  if (q.step()) {
    outs.emplace();
    for (const auto& j : nlohmann::json::parse(q.col_text(0)))
      outs->push_back({j.at("path"), j.at("id"), j.at("kind"), j.at("size")});
  } else if (locked && locked->cmd == now.cmd && locked->env == now.env && locked->params == now.params) {
    auto sorted = [](std::vector<LockedPath> v) {
      std::sort(v.begin(), v.end(), [](const LockedPath& a, const LockedPath& b) { return a.path < b.path; });
      return v;
    };
    std::vector<std::string> want = s.outputs(), have;
    for (const auto& o : locked->outs) have.push_back(o.path);
    std::sort(want.begin(), want.end());
    if (sorted(locked->deps) == sorted(now.deps) && want == have) outs = locked->outs;
  }
  if (!outs || !in_store(repo, *outs)) return std::nullopt;
  return outs;
}

void remember_outputs(Repo& repo, const Stage& s, const std::string& key, const std::vector<LockedPath>& outs) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& o : outs) arr.push_back({{"path", o.path}, {"id", o.id}, {"kind", o.kind}, {"size", o.size}});
  Stmt ins(repo.db(), "INSERT OR REPLACE INTO run_cache (key, stage, outs, created_at) VALUES (?, ?, ?, ?)");
  ins.bind(1, key).bind(2, s.name).bind(3, arr.dump()).bind(4, now_ms());
  ins.run();
}

void restore_outputs(Repo& repo, const std::vector<LockedPath>& outs) {
  Linker linker(repo.link_modes());
  for (const auto& o : outs) {
    repo.tree().remove(o.path);
    place_tree(repo.store(), linker, repo.tree(), o.path, ObjectId::parse(o.id), o.kind == "dir", o.size, o.path);
  }
}

// Runs the stage's command with sh in its folder; its output goes to the
// terminal, or to `log` when given. Returns the exit status (128 + signal).
int execute(Repo& repo, const Stage& s, const fs::path* log) {
  fs::path dir = repo.abs(s.wdir);
  // Everything the child needs is built before fork: other threads may hold
  // malloc's lock at that moment, so the child must not allocate.
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : s.env) env[k] = v;
  env["MLOPS_STAGE"] = s.name;
  std::vector<std::string> env_text;
  for (const auto& [k, v] : env) env_text.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string sh = "sh", dash_c = "-c", cmd = s.cmd;
  char* argv[] = {sh.data(), dash_c.data(), cmd.data(), nullptr};
  int log_fd = -1;
  if (log) {
    log_fd = ::open(log->c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log_fd < 0) fail_errno("create", log->string(), errno);
  }
  StageExec x{argv, envp.data(), dir.c_str(), log_fd, static_cast<bool>(::isatty(STDIN_FILENO)), ::getpid()};
  pid_t pid = ::fork();
  if (pid < 0) {
    int err = errno;
    if (log_fd >= 0) ::close(log_fd);
    fail_errno("start stage", s.name, err);
  }
  if (pid == 0) run_stage_keeper(x);
  if (log_fd >= 0) ::close(log_fd);
  ::setpgid(pid, pid);  // also here, so that the group exists before any signal is passed on
  StagePidSlot running(pid);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) fail_errno("wait for stage", s.name, errno);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

class Runner {
public:
  Runner(Repo& repo, const PipelineOptions& opts, const PipelineCallbacks& cb)
      : repo_(repo), opts_(opts), cb_(cb), pipeline_(load_pipeline(repo)), dag_(build_dag(pipeline_)),
        selected_(select_stages(pipeline_, dag_, opts.targets, opts.downstream)), lock_(read_lock(repo)),
        params_(repo) {}

  std::vector<StageReport> status() {
    std::vector<StageReport> out;
    std::set<std::size_t> stale;
    for (auto i : selected_) {
      const Stage& s = pipeline_.stages[i];
      StageReport r{s.name, StageOutcome::UpToDate, {}, 0, {}};
      if (s.frozen) {
        r.outcome = StageOutcome::Frozen;
      } else {
        auto it = lock_.find(s.name);
        Evaluation e = evaluate(repo_, s, it == lock_.end() ? nullptr : &it->second, params_);
        r.reasons = e.reasons;
        for (auto u : dag_.upstream[i])
          if (stale.count(u)) r.reasons.push_back(fmt::format("stage {} is stale", pipeline_.stages[u].name));
        for (const auto& m : e.missing)
          if (!produced(m)) r.reasons.push_back(fmt::format("dependency {} does not exist", m));
        if (opts_.force) r.reasons.insert(r.reasons.begin(), "forced");
        if (!r.reasons.empty()) {
          r.outcome = StageOutcome::WouldRun;
          stale.insert(i);
        }
      }
      out.push_back(std::move(r));
    }
    return out;
  }

  PipelineResult run() {
    PipelineResult result;
    check_before_running();
    if (opts_.dry_run) {
      result.stages = status();
      return result;
    }
    struct sigaction sa {}, old_int{}, old_term{}, old_hup{};
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    g_stop = 0;
    ::sigaction(SIGINT, &sa, &old_int);
    ::sigaction(SIGTERM, &sa, &old_term);
    // A hangup ends the run, unless mlops was started to ignore it (nohup).
    ::sigaction(SIGHUP, nullptr, &old_hup);
    if (old_hup.sa_handler != SIG_IGN) ::sigaction(SIGHUP, &sa, nullptr);
    started_ = now_ms();
    const std::string lock_before = file_text(kLockFile);
    std::vector<std::size_t> waiting(pipeline_.stages.size(), 0);
    std::set<std::size_t> chosen(selected_.begin(), selected_.end());
    for (auto i : selected_)
      for (auto u : dag_.upstream[i]) waiting[i] += chosen.count(u);
    for (auto i : selected_)
      if (!waiting[i]) ready_.push_back(i);
    remaining_ = selected_.size();
    unsigned workers = std::max(1u, std::min<unsigned>(opts_.jobs, static_cast<unsigned>(selected_.size())));
    std::vector<std::thread> threads;
    std::exception_ptr error;
    for (unsigned w = 0; w < workers; ++w)
      threads.emplace_back([&] {
        try {
          work(waiting, chosen);
        } catch (...) {
          std::lock_guard lk(mu_);
          if (!error) error = std::current_exception();
          stop_ = true;
          cv_.notify_all();
        }
      });
    for (auto& t : threads) t.join();
    ::sigaction(SIGINT, &old_int, nullptr);
    ::sigaction(SIGTERM, &old_term, nullptr);
    ::sigaction(SIGHUP, &old_hup, nullptr);
    if (error) std::rethrow_exception(error);
    result.stages = reports_;
    result.interrupted = g_stop != 0;
    result.stop_signal = g_stop;
    for (const auto& r : reports_)
      if (r.outcome == StageOutcome::Failed || r.outcome == StageOutcome::Interrupted ||
          r.outcome == StageOutcome::Skipped)
        result.ok = false;
    record(result);
    if (file_text(kLockFile) != lock_before) git_files_.insert(kLockFile);
    result.git_files.assign(git_files_.begin(), git_files_.end());
    return result;
  }

  // What would make a stage fail for reasons in the user's files is refused
  // before anything runs (with -n too), naming the stage's line in mlops.yaml,
  // and no run is recorded: a dependency that neither exists nor is written by
  // a stage, a param key its file lacks, an output behind a symlink.
  void check_before_running() {
    for (auto i : selected_) {
      const Stage& s = pipeline_.stages[i];
      auto at = [&](const std::string& what, const Error& e) {
        return Error(e.code(), fmt::format("{}:{}: stage {}: {}: {}", pipeline_.file, s.line, s.name, what, e.what()),
                     e.hint());
      };
      for (const auto& d : s.deps)
        if (!produced(d) && !lstat_path(repo_.abs(d)))
          throw Error(ExitCode::Input,
                      fmt::format("{}:{}: stage {}: dependency {} does not exist, and no stage writes it",
                                  pipeline_.file, s.line, s.name, d),
                      "create it, add a stage that writes it, or remove it from deps");
      for (const auto& [file, keys] : s.params) try {
          if (!produced(file)) params_.values(s, file, keys);
        } catch (const Error& e) {  // the message names the stage already
          throw Error(e.code(), fmt::format("{}:{}: {}", pipeline_.file, s.line, e.what()), e.hint());
        }
      for (const auto& o : s.outputs()) try {
          repo_.tree().open_parent(o, false);
        } catch (const Error& e) {
          throw at("output " + o, e);
        }
    }
  }

  // A small text file's content ("" when absent), to tell what a run changed for git.
  std::string file_text(const std::string& rel) const {
    auto st = lstat_path(repo_.abs(rel));
    return st && st->is_regular() && st->size <= (16u << 20) ? read_file(repo_.abs(rel), 16u << 20) : std::string();
  }

  // The metrics and plots files a stage may rewrite: git keeps them, so the hint names those that changed.
  std::map<std::string, std::string> git_kept_texts(const Stage& s) const {
    std::map<std::string, std::string> out;
    for (const auto* list : {&s.metrics, &s.plots})
      for (const auto& f : *list) out[f] = file_text(f);
    return out;
  }
  void note_git_changes(const std::map<std::string, std::string>& before) {
    for (const auto& [f, text] : before)
      if (file_text(f) != text && lstat_path(repo_.abs(f))) git_files_.insert(f);
  }

private:
  bool produced(const std::string& path) const {
    for (const auto& s : pipeline_.stages)
      for (const auto& o : s.outputs())
        if (path == o || path.starts_with(o + "/")) return true;
    return false;
  }

  void work(std::vector<std::size_t>& waiting, const std::set<std::size_t>& chosen) {
    for (;;) {
      std::size_t i;
      {
        std::unique_lock lk(mu_);
        // stop_ is set by a failure without --keep-going, g_stop by Ctrl-C.
        cv_.wait(lk, [&] { return !ready_.empty() || remaining_ == 0 || stop_ || g_stop; });
        if (stop_ || g_stop) {
          skip_unstarted();  // reported as skipped, once; running stages finish
          cv_.notify_all();
          return;
        }
        if (remaining_ == 0) return;
        i = ready_.front();
        ready_.erase(ready_.begin());
        running_.insert(i);  // in the same critical section: skip_unstarted must not report it
      }
      // 2. A stage that throws (a missing param, a full disk) fails alone.
      StageReport r;
      try {
        r = process(pipeline_.stages[i]);
      } catch (const std::exception& e) {
        r = StageReport{pipeline_.stages[i].name, StageOutcome::Failed, {e.what()}, 0, {}};
      }
      std::lock_guard lk(mu_);
      bool good = r.outcome != StageOutcome::Failed && r.outcome != StageOutcome::Interrupted;
      finish(std::move(r), i);
      if (!good) {
        skip_downstream(i, chosen);
        if (!opts_.keep_going) stop_ = true;
      } else {
        for (auto d : dag_.downstream[i])
          if (chosen.count(d) && --waiting[d] == 0 && !done_.count(d)) ready_.push_back(d);
      }
      cv_.notify_all();
    }
  }

  void finish(StageReport r, std::size_t i) {
    done_.insert(i);
    --remaining_;
    if (cb_.on_done) cb_.on_done(r);
    reports_.push_back(std::move(r));
  }

  void skip_downstream(std::size_t i, const std::set<std::size_t>& chosen) {
    for (auto d : dag_.downstream[i]) {
      if (!chosen.count(d) || done_.count(d)) continue;
      finish({pipeline_.stages[d].name, StageOutcome::Skipped, {fmt::format("stage {} did not succeed", pipeline_.stages[i].name)}, 0, {}}, d);
      skip_downstream(d, chosen);
    }
  }

  void skip_unstarted() {
    for (auto i : selected_)
      if (!done_.count(i) && !running_.count(i))
        finish({pipeline_.stages[i].name, StageOutcome::Skipped, {g_stop ? "interrupted" : "the run stopped"}, 0, {}}, i);
    ready_.clear();
  }

  StageReport process(const Stage& s) {
    std::size_t index = static_cast<std::size_t>(&s - pipeline_.stages.data());
    StageReport r{s.name, StageOutcome::UpToDate, {}, 0, {}};
    auto t0 = std::chrono::steady_clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
    if (s.frozen) {
      r.outcome = StageOutcome::Frozen;
      return r;
    }
    Evaluation e;
    std::string key;
    {
      std::lock_guard repo_lk(repo_mu_);
      auto it = lock_.find(s.name);
      e = evaluate(repo_, s, it == lock_.end() ? nullptr : &it->second, params_);
      if (!e.missing.empty()) {
        r.outcome = StageOutcome::Failed;
        for (const auto& m : e.missing) r.reasons.push_back(fmt::format("dependency {} does not exist", m));
        return r;
      }
      if (opts_.force) e.reasons.insert(e.reasons.begin(), "forced");
      if (e.reasons.empty()) {
        // Up to date, but the store may lack the outputs (gc'd, or metrics that
        // came back through git): keep them again, as they are the locked ones.
        if (it != lock_.end() && !in_store(repo_, it->second.outs))
          for (const auto& o : s.outputs()) version_of(repo_, o, true);
        return r;
      }
      r.reasons = e.reasons;
      stamp_before_writing();
      key = cache_key(repo_, s, e.now);
      if (!opts_.force && !s.always_changed && !s.outputs().empty())
        if (auto outs = cached_outputs(repo_, key, s, it == lock_.end() ? nullptr : &it->second, e.now)) {
          auto kept_before = git_kept_texts(s);
          restore_outputs(repo_, *outs);
          note_git_changes(kept_before);
          for (const auto& o : s.outs)
            if (auto gi = gitignore_add(repo_.root(), o); !gi.empty()) git_files_.insert(gi);
          e.now.outs = *outs;
          commit(s, e.now);
          r.outcome = StageOutcome::Restored;
          r.seconds = elapsed();
          return r;
        }
    }
    if (g_stop) {
      r.outcome = StageOutcome::Interrupted;
      r.reasons = {"interrupted before it started"};
      return r;
    }
    if (cb_.on_start) cb_.on_start(s.name, r.reasons);
    // Outputs are made afresh: no stale file of an earlier run survives.
    auto kept_before = git_kept_texts(s);
    for (const auto& o : s.outputs()) repo_.tree().remove(o);
    for (const auto& o : s.outputs()) repo_.tree().open_parent(o, true);
    fs::path log = repo_.dot_dir() / "tmp" / ("stage-" + std::to_string(index) + ".log");
    bool capture = opts_.jobs > 1;
    int code = execute(repo_, s, capture ? &log : nullptr);
    r.seconds = elapsed();
    if (capture) {
      r.output = read_file(log, 64u << 20);
      fs::remove(log);
    }
    if (code != 0) {
      r.outcome = code > 128 || g_stop ? StageOutcome::Interrupted : StageOutcome::Failed;
      r.reasons = {code > 128 ? fmt::format("ended by signal {}", code - 128) : fmt::format("exit code {}", code)};
      return r;
    }
    std::lock_guard repo_lk(repo_mu_);
    for (const auto& o : s.outputs()) {
      auto v = version_of(repo_, o, true);
      if (!v) {
        r.outcome = StageOutcome::Failed;
        r.reasons = {fmt::format("the command did not write its output {}", o)};
        return r;
      }
      e.now.outs.push_back(*v);
    }
    note_git_changes(kept_before);
    for (const auto& o : s.outs)  // metrics and plots stay in git
      if (auto gi = gitignore_add(repo_.root(), o); !gi.empty()) git_files_.insert(gi);
    if (!s.always_changed) remember_outputs(repo_, s, key, e.now.outs);
    commit(s, e.now);
    r.outcome = StageOutcome::Ran;
    return r;
  }

  // The run's commit and uncommitted changes, taken before the first stage
  // writes anything (under repo_mu_): the run's own mlops.lock, metrics and
  // .gitignore writes are not the user's changes.
  void stamp_before_writing() {
    if (stamped_) return;
    stamp_run(repo_, stamp_, true);  // a diff that could not be taken leaves the run marked dirty
    stamped_ = true;
  }

  // The stage's lock entry, written at once: a later failure keeps it.
  void commit(const Stage& s, const LockEntry& entry) {
    lock_[s.name] = entry;
    write_lock(repo_, lock_);
  }

  // The pipeline run as an experiment run: params, metrics files, data versions, stage outcomes.
  void record(PipelineResult& result) {
    bool worked = std::any_of(reports_.begin(), reports_.end(), [](const StageReport& r) {
      return r.outcome == StageOutcome::Ran || r.outcome == StageOutcome::Restored || r.outcome == StageOutcome::Failed ||
             r.outcome == StageOutcome::Interrupted;
    });
    if (!worked) return;
    RunStore runs(repo_.db());
    stamp_before_writing();
    Run run = stamp_;
    run.id = new_run_id();
    run.name = unique_run_name(runs, "");
    run.experiment = "pipeline";
    run.command = "mlops run";
    for (const auto& t : opts_.targets) run.command += " " + t;
    run.started_at = started_;
    run.status = "running";
    runs.create(run);
    std::map<std::string, std::string> params, tags;
    std::vector<MetricPoint> metrics;
    std::set<std::string> current;  // stages whose lock entry and metrics describe this run
    for (const auto& r : reports_)
      if (r.outcome == StageOutcome::Ran || r.outcome == StageOutcome::Restored || r.outcome == StageOutcome::UpToDate)
        current.insert(r.name);
    for (auto i : selected_) {
      const Stage& s = pipeline_.stages[i];
      auto it = lock_.find(s.name);
      if (it == lock_.end() || !current.count(s.name)) continue;
      for (const auto& [file, kv] : it->second.params)
        for (const auto& [k, v] : kv) params[file == kDefaultParamsFile ? k : file + ":" + k] = v;
      for (const auto& d : it->second.deps) tags["data." + d.path] = d.id;
      for (const auto& o : it->second.outs) tags["output." + o.path] = o.id;  // model register finds its run by these
      // A foreach or matrix stage is one of many alike: its values are params
      // and its metrics keep apart, both under the stage's name.
      const std::string prefix = s.vars.empty() ? "" : s.name + "/";
      for (const auto& [k, v] : s.vars) params[prefix + k] = v;
      for (const auto& mf : s.metrics)
        if (lstat_path(repo_.abs(mf))) {
          auto pts = read_metrics_file(repo_.abs(mf), mf);
          for (auto& p : pts) p.key = prefix + p.key;
          metrics.insert(metrics.end(), pts.begin(), pts.end());
        }
    }
    for (const auto& r : reports_)
      tags["stage." + r.name] = r.seconds > 0 ? fmt::format("{} in {:.2f}s", outcome_name(r.outcome), r.seconds) : outcome_name(r.outcome);
    runs.set_params(run.id, params);
    runs.set_tags(run.id, tags);
    runs.log_metrics(run.id, metrics);
    std::string status = result.interrupted ? "interrupted" : result.ok ? "finished" : "failed";
    runs.finish(run.id, status, result.ok ? 0 : 1, std::nullopt, "");
    result.run_id = run.id;
    result.run_name = run.name;
  }

  Repo& repo_;
  const PipelineOptions& opts_;
  const PipelineCallbacks& cb_;
  Pipeline pipeline_;
  Dag dag_;
  std::vector<std::size_t> selected_;
  std::map<std::string, LockEntry> lock_;
  Params params_;
  std::int64_t started_ = 0;
  std::set<std::string> git_files_;  // files the run changed that git keeps (under repo_mu_)
  Run stamp_;  // machine, commit and uncommitted changes as the run found them
  bool stamped_ = false;

  std::mutex mu_;       // the schedule below
  std::mutex repo_mu_;  // the repository, store, database and lock file: one thread at a time
  std::condition_variable cv_;
  std::vector<std::size_t> ready_;
  std::set<std::size_t> done_, running_;
  std::size_t remaining_ = 0;
  bool stop_ = false;
  std::vector<StageReport> reports_;
};

}  // namespace

std::vector<Tracked> locked_outputs(Repo& repo) {
  if (!has_pipeline(repo)) return {};
  return outputs_as_tracked(read_lock(repo), kLockFile);
}

std::vector<StageReport> pipeline_status(Repo& repo, const PipelineOptions& opts) {
  PipelineCallbacks none;
  return Runner(repo, opts, none).status();
}

PipelineResult run_pipeline(Repo& repo, const PipelineOptions& opts, const PipelineCallbacks& cb) {
  return Runner(repo, opts, cb).run();
}

}  // namespace mlops

#include "pipeline/runner.hpp"

#include <signal.h>
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

#include "core/child_signals.hpp"
#include "core/error.hpp"
#include "core/walk.hpp"
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
#include "pipeline/run_cache.hpp"
#include "pipeline/stage_process.hpp"
#include "pipeline/staleness.hpp"
#include "repo/repo.hpp"
#include "state/db.hpp"
#include "store/store_lock.hpp"
#include "store/manifest.hpp"
#include "store/object_tree.hpp"
#include "store/object_store.hpp"


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

class Runner {
public:
  Runner(Repo& repo, const PipelineOptions& opts, const PipelineCallbacks& cb)
      : repo_(repo), opts_(opts), cb_(cb), pipeline_(load_pipeline(repo)), dag_(build_dag(pipeline_)),
        selected_(select_stages(pipeline_, dag_, opts.targets, opts.downstream)), lock_(read_lock(repo)),
        params_(repo) {}

  // -S values already written: recorded as the run's params.
  void set_values(std::map<std::string, std::string> values) {
    for (const auto& p : opts_.set_params) git_files_.insert(p.file);
    set_values_ = std::move(values);
  }

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
    // Ctrl-C, a SIGTERM sent to mlops alone (a CI job cancelled, a supervisor
    // stopping it) or a hangup goes to each running stage's whole group.
    StopSignals stops({.to_groups = true});
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
    if (error) std::rethrow_exception(error);
    result.stages = reports_;
    result.stop_signal = StopSignals::received();
    result.interrupted = result.stop_signal != 0;
    for (const auto& r : reports_)
      if (r.outcome == StageOutcome::Failed || r.outcome == StageOutcome::Interrupted ||
          r.outcome == StageOutcome::Skipped)
        result.ok = false;
    if (!opts_.parent_id.empty()) {  // every combination of a sweep has its run
      StoreLock stored = hold_store();
      start_run();
    }
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

  // A folder's listing (path, size, mtime of each file), to tell what a run changed in it.
  std::string folder_listing(const std::string& rel) const {
    std::vector<std::string> lines;
    WalkVisitor v;
    v.file = [&](const WalkEntry& e) {
      lines.push_back(fmt::format("{} {} {}", e.rel, e.st.size, e.st.mtime_ns));
    };
    walk_tree(repo_.abs(rel), "", v);
    std::sort(lines.begin(), lines.end());
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  }

  // A git-kept file's text, or a folder's listing ("" when absent).
  std::string kept_state(const std::string& rel) const {
    auto st = lstat_path(repo_.abs(rel));
    return st && st->is_dir() ? "dir\n" + folder_listing(rel) : file_text(rel);
  }

  // The metrics and plots files (and plots folders) a stage may rewrite: git
  // keeps those that are not among its outs, so the hint names those that changed.
  std::map<std::string, std::string> git_kept_texts(const Stage& s) const {
    std::map<std::string, std::string> out;
    auto in_outs = [&](const std::string& f) {
      for (const auto& o : s.outs)
        if (f == o || (f.size() > o.size() && f.starts_with(o) && f[o.size()] == '/')) return true;
      return false;
    };
    for (const auto* list : {&s.metrics, &s.plots})
      for (const auto& f : *list) {
        if (!in_outs(f)) out[f] = kept_state(f);
      }
    return out;
  }
  void note_git_changes(const std::map<std::string, std::string>& before) {
    for (const auto& [f, text] : before)
      if (lstat_path(repo_.abs(f)) && kept_state(f) != text) git_files_.insert(f);
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
        // stop_ is set by a failure without --keep-going, a received signal by Ctrl-C.
        cv_.wait(lk, [&] { return !ready_.empty() || remaining_ == 0 || stop_ || StopSignals::received(); });
        if (stop_ || StopSignals::received()) {
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
        finish({pipeline_.stages[i].name, StageOutcome::Skipped, {StopSignals::received() ? "interrupted" : "the run stopped"}, 0, {}}, i);
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
      StoreLock stored = hold_store();  // gc waits: what is stored here is named below
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
          bool restored = true;
          try {
            restore_outputs(repo_, *outs);
          } catch (const Error&) {
            restored = false;  // a damaged cache entry: the stage runs, which replaces its outputs
          }
          if (restored) {
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
    }
    if (StopSignals::received()) {
      r.outcome = StageOutcome::Interrupted;
      r.reasons = {"interrupted before it started"};
      return r;
    }
    // The stage runs inside the pipeline's experiment run: `mlops exp log`
    // and JSON lines written to $MLOPS_METRICS_FILE land in it.
    std::map<std::string, std::string> run_env;
    fs::path metrics_file;
    {
      std::lock_guard repo_lk(repo_mu_);
      StoreLock stored = hold_store();  // gc waits: what is stored here is named below
      start_run();
      metrics_file = run_scratch_dir(repo_, run_.id) / ("stage-" + std::to_string(index) + ".jsonl");
      run_env = {{"MLOPS_RUN_ID", run_.id}, {"MLOPS_METRICS_FILE", metrics_file.string()}};
    }
    if (cb_.on_start) cb_.on_start(s.name, r.reasons);
    // Outputs are made afresh: no stale file of an earlier run survives.
    auto kept_before = git_kept_texts(s);
    for (const auto& o : s.outputs()) repo_.tree().remove(o);
    for (const auto& o : s.outputs()) repo_.tree().open_parent(o, true);
    fs::path log = run_scratch_dir(repo_, run_.id) / ("stage-" + std::to_string(index) + ".log");
    bool capture = opts_.jobs > 1;
    int code = run_stage_command(repo_, s, capture ? &log : nullptr, run_env);
    r.seconds = elapsed();
    if (capture) {
      r.output = read_file(log, 64u << 20);
      fs::remove(log);
    }
    collect_step_metrics(s, metrics_file);
    if (code != 0) {
      // Interrupted when mlops passed a signal on; a command a signal ended
      // otherwise (the out-of-memory killer) failed.
      r.outcome = StopSignals::received() ? StageOutcome::Interrupted : StageOutcome::Failed;
      r.reasons = {code > 128 ? fmt::format("ended by signal {} ({})", code - 128, ::strsignal(code - 128))
                              : fmt::format("exit code {}", code)};
      return r;
    }
    std::lock_guard repo_lk(repo_mu_);
    StoreLock stored = hold_store();  // gc waits: what is stored here is named below
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

  // A shared lock on the store around putting objects and naming them (in
  // the run cache, mlops.lock, the run's artifacts): gc, which takes it
  // alone, never removes an object in between (store/store_lock.hpp).
  StoreLock hold_store() { return StoreLock(repo_.store().base_dir(), StoreLock::Mode::Shared); }

  // The stage's lock entry, written at once: a later failure keeps it.
  void commit(const Stage& s, const LockEntry& entry) {
    lock_[s.name] = entry;
    write_lock(repo_, lock_);
  }

  // The pipeline's experiment run, made (under repo_mu_) when the first
  // stage command is about to run: restoring outputs from the run cache or
  // finding stages up to date makes none.
  void start_run() {
    if (!run_.id.empty()) return;
    RunStore runs(repo_.db());
    stamp_before_writing();
    run_ = stamp_;
    run_.id = new_run_id();
    run_.name = unique_run_name(runs, opts_.run_name);
    run_.experiment = opts_.experiment.empty() ? "pipeline" : opts_.experiment;
    run_.parent_id = opts_.parent_id;
    run_.command = "mlops run";
    for (const auto& t : opts_.targets) run_.command += " " + t;
    run_.started_at = started_;
    run_.status = "running";
    runs.create(run_);
    make_dirs(run_scratch_dir(repo_, run_.id));
  }

  // The JSON lines a stage wrote to $MLOPS_METRICS_FILE, kept for record().
  void collect_step_metrics(const Stage& s, const fs::path& file) {
    if (!lstat_path(file)) return;
    std::string text = read_file(file, 1u << 30);
    std::int64_t next_step = 0;
    auto parsed = parse_metrics_lines(text, "$MLOPS_METRICS_FILE of stage " + s.name, next_step);
    std::lock_guard repo_lk(repo_mu_);
    auto& mine = step_metrics_[s.name];
    mine.insert(mine.end(), parsed.points.begin(), parsed.points.end());
  }

  // The pipeline run as an experiment run: params, metrics files, step
  // metrics, data versions, stage outcomes.
  void record(PipelineResult& result) {
    if (run_.id.empty()) return;  // no stage command ran
    StoreLock stored = hold_store();  // the artifacts put below are named at once
    RunStore runs(repo_.db());
    const Run& run = run_;
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
    // Step metrics keep their names, unless two stages log the same one, or
    // a metrics file recorded above has it too: then each is STAGE/NAME.
    std::map<std::string, std::set<std::string>> stages_of;
    for (const auto& p : metrics) stages_of[p.key].insert("(metrics file)");
    for (const auto& [stage, pts] : step_metrics_)
      for (const auto& p : pts) stages_of[p.key].insert(stage);
    for (const auto& [stage, pts] : step_metrics_)
      for (auto p : pts) {
        if (stages_of[p.key].size() > 1) p.key = stage + "/" + p.key;
        metrics.push_back(std::move(p));
      }
    for (const auto& [k, v] : set_values_) params[k] = v;
    for (const auto& [k, v] : opts_.tags) tags[k] = v;
    for (const auto& r : reports_)
      tags["stage." + r.name] = r.seconds > 0 ? fmt::format("{} in {:.2f}s", outcome_name(r.outcome), r.seconds) : outcome_name(r.outcome);
    runs.set_params(run.id, params);
    runs.set_tags(run.id, tags);
    runs.log_metrics(run.id, metrics);
    std::string status = result.interrupted ? "interrupted" : result.ok ? "finished" : "failed";
    // The run's mlops.lock and params files, so that `mlops exp apply` can
    // bring this run's state back into a workspace.
    std::set<std::string> files{kLockFile};
    for (const auto& [name, entry] : lock_)
      for (const auto& [file, kv] : entry.params) files.insert(file);
    for (const auto& p : opts_.set_params) files.insert(p.file);
    for (const auto& f : files)
      if (auto st = lstat_path(repo_.abs(f)); st && st->is_regular()) {
        std::string text = read_file(repo_.abs(f), 64u << 20);
        runs.add_artifact(run.id, f, repo_.store().put_bytes(text).str(), text.size());
      }
    runs.finish(run.id, status, result.exit_code(), std::nullopt, "");
    remove_run_scratch(repo_, run.id);
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
  Run run_;    // the experiment run, once a stage command runs (under repo_mu_)
  std::map<std::string, std::string> set_values_;  // -S: recorded key -> value written
  std::map<std::string, std::vector<MetricPoint>> step_metrics_;  // stage -> its $MLOPS_METRICS_FILE points

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
  if (!opts.run_name.empty() && !opts.dry_run) {
    RunStore runs(repo.db());
    unique_run_name(runs, opts.run_name);  // refused now, not after the stages ran
  }
  std::map<std::string, std::string> set;
  if (!opts.set_params.empty()) {
    if (opts.dry_run) fail(ExitCode::Usage, "-S writes params files: it cannot go with --dry-run");
    load_pipeline(repo);  // a broken pipeline is refused before any file is changed
    set = set_params(repo, opts.set_params);
  }
  Runner runner(repo, opts, cb);
  runner.set_values(std::move(set));
  return runner.run();
}

}  // namespace mlops

#include "import/mlflow_import.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_set>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/parallel.hpp"
#include "core/text.hpp"
#include "core/walk.hpp"
#include "exp/run_record.hpp"
#include "exp/run_store.hpp"
#include "import/external_tree.hpp"
#include "import/mlflow_history.hpp"
#include "registry/model_ref.hpp"
#include "registry/registry.hpp"
#include "repo/git_history.hpp"
#include "repo/repo.hpp"
#include "store/object_store.hpp"
#include "store/store_lock.hpp"

namespace mlops {

namespace {

constexpr std::size_t kMaxNameBytes = 200;

// The mlops id of an MLflow run: its own id (MLflow makes 32 hex digits),
// or one derived from it, the same at every import.
std::string run_id_for(const std::string& mlflow_id) {
  if (is_run_id(mlflow_id)) return mlflow_id;
  return hash_bytes(HashAlgo::Xxh128, "mlflow-run:" + mlflow_id).hex;
}

std::string cut_utf8(std::string s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xc0) == 0x80) --n;
  return s.substr(0, n);
}

// A name `exp list` can show and refs can name: RunStore::check_name's rules.
std::string run_name_for(const MlflowRun& r) {
  std::string name = r.name;
  if (name.empty())
    if (auto it = r.tags.find("mlflow.runName"); it != r.tags.end()) name = it->second;
  name = escaped_text(name);
  std::replace(name.begin(), name.end(), '@', '-');
  name = cut_utf8(name, kMaxNameBytes);
  if (name.empty()) name = "mlflow-" + r.id.substr(0, 8);
  if (is_lower_hex(name, 32)) name = "run-" + name.substr(0, 28);
  return name;
}

// GTO's rules: lowercase letters, digits, '-' and '/', starting and ending
// with a letter or digit.
std::string gto_name(const std::string& mlflow) {
  std::string out;
  for (char ch : mlflow) {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/';
    if (!ok) c = '-';
    if (c == '-' && (out.empty() || out.back() == '-' || out.back() == '/')) continue;
    if (c == '/' && (out.empty() || out.back() == '/' || out.back() == '-')) continue;
    out += c;
  }
  while (!out.empty() && (out.back() == '-' || out.back() == '/')) out.pop_back();
  return out.empty() ? "model" : out;
}

// Stages and aliases: a lowercase letter, then lowercase letters, digits and '-'.
std::string label_for(const std::string& mlflow) {
  std::string out;
  for (char ch : mlflow) {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out += (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.empty() || !(out[0] >= 'a' && out[0] <= 'z')) out = "a-" + out;
  return out;
}

std::string status_for(const std::string& mlflow) {
  if (mlflow == "FINISHED") return "finished";
  if (mlflow == "FAILED") return "failed";
  if (mlflow == "KILLED") return "killed";
  return "lost";  // RUNNING or SCHEDULED there: nothing will finish it here
}

// Keys and values escaped where they must be; the keys whose key or value
// was are added to `escaped` (as PREFIX + key), so that it can be undone.
// What no run may hold (kMaxRunText, kMaxRunEntries: every clone must be
// able to take the run from a page) is left out and said in `problems`.
std::map<std::string, std::string> escaped_map(const std::map<std::string, std::string>& in, const char* prefix,
                                               std::vector<std::string>& escaped, std::vector<std::string>& problems,
                                               const std::string& whose) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : in) {
    std::string ek = escaped_text(k), ev = escaped_text(v);
    if (ek.empty() || ek.size() > kMaxRunText || ev.size() > kMaxRunText || out.size() >= kMaxRunEntries) {
      problems.push_back(fmt::format("{}: {}{}: an empty or too long name or value, or one too many (left out)", whose,
                                     prefix, cut_utf8(ek, 100)));
      continue;
    }
    if (ek != k || ev != v) escaped.push_back(prefix + ek);
    out.emplace(std::move(ek), std::move(ev));
  }
  return out;
}

std::uint64_t tree_size(const fs::path& p) {
  auto st = lstat_path(p);
  if (!st || !st->is_dir()) return st ? st->size : 0;
  std::uint64_t total = 0;
  WalkVisitor v;
  v.file = [&](const WalkEntry& e) {
    if (e.st.is_regular()) total += e.st.size;
  };
  walk_tree(p, "", v);
  return total;
}

std::string describe(const ArtifactLocation& at, const std::string& uri) {
  using State = ArtifactLocation::State;
  switch (at.state) {
    case State::Remote: return fmt::format("{} is not on this machine", escaped_text(uri));
    case State::Outside:
      return fmt::format("{} is outside the folder the history is in (not read)", printable_path(at.path.string()));
    default:
      return at.root_missing
                 ? fmt::format("nothing at {}: the server's mlartifacts/ folder is not beside the history", escaped_text(uri))
                 : fmt::format("nothing at {}", escaped_text(uri));
  }
}

class Importer {
public:
  Importer(Repo& repo, const MlflowImportOptions& opts, const fs::path& cwd, Progress* progress)
      : repo_(repo), opts_(opts), progress_(progress), source_(open_mlflow_source(opts.source, cwd)) {
    r_.source = source_->where();
  }

  MlflowImportResult run() {
    auto experiments = chosen_experiments();
    if (opts_.git_tags) {  // refused before anything is imported
      auto git = GitRepo::open(repo_.root());
      if (!git) throw Error(ExitCode::Usage, "--git-tags needs a git repository");
      if (!git->resolve("HEAD")) throw Error(ExitCode::Usage, "--git-tags needs a commit to tag", "commit first");
    }
    std::optional<StoreLock> hold;  // gc waits: what is stored is named before the lock goes
    if (!opts_.dry_run) hold.emplace(repo_.store().base_dir(), StoreLock::Mode::Shared);
    RunStore runs(repo_.db());
    here_ = runs.ids();
    for (const auto& e : experiments) {
      if (e.deleted && !opts_.include_deleted) {
        r_.runs_deleted += source_->runs(e, r_.problems).size();  // counted, not read
        continue;
      }
      ++r_.experiments;
      import_experiment(runs, e);
    }
    import_models();
    return std::move(r_);
  }

private:
  std::vector<MlflowExperiment> chosen_experiments() {
    auto all = source_->experiments(r_.problems);
    if (opts_.experiments.empty()) return all;
    std::vector<MlflowExperiment> out;
    for (const auto& want : opts_.experiments) {
      auto it = std::find_if(all.begin(), all.end(), [&](const auto& e) { return e.name == want || e.id == want; });
      if (it == all.end()) {
        std::vector<std::string> names;
        for (const auto& e : all) names.push_back(fmt::format("{} (id {})", escaped_text(e.name), escaped_text(e.id)));
        throw Error(ExitCode::Usage, fmt::format("{} has no experiment '{}'", r_.source, escaped_text(want)),
                    fmt::format("its experiments:{}", list_some(names, 20)));
      }
      out.push_back(*it);
    }
    return out;
  }

  // A run on its way in: read and stored on a worker thread, recorded on the main one.
  struct Pending {
    MlflowRun in;
    Run run;
    std::vector<MetricPoint> points;
    std::map<std::string, std::uint64_t> sizes;
    std::uint64_t artifacts = 0, artifact_bytes = 0;
    std::vector<std::string> problems, missing;
    bool failed = false;
  };
  static constexpr std::size_t kBatch = 64;

  void import_experiment(RunStore& runs, const MlflowExperiment& e) {
    std::vector<Pending> todo;
    for (auto& in : source_->runs(e, r_.problems)) {
      if (in.deleted && !opts_.include_deleted) {
        ++r_.runs_deleted;
        continue;
      }
      std::string id = run_id_for(in.id);
      if (!known_runs_.emplace(in.id, id).second) {
        r_.problems.push_back(fmt::format("run {} appears twice in {} (the second is left out)", escaped_text(in.id),
                                          r_.source));
        continue;
      }
      if (here_.count(id) && !opts_.update) {  // its params, tags and points are not even read
        ++r_.runs_already;
        continue;
      }
      Pending p;
      p.in = std::move(in);
      p.run.id = id;
      todo.push_back(std::move(p));
    }
    // Reading the history is most of the work (a file per param, tag and
    // metric): runs are read a batch at a time on several threads, then
    // recorded in order.
    for (std::size_t at = 0; at < todo.size(); at += kBatch) {
      std::size_t n = std::min(kBatch, todo.size() - at);
      parallel_for(n, opts_.jobs, [&](std::size_t i) { prepare(e, todo[at + i]); });
      for (std::size_t i = 0; i < n; ++i) record(runs, todo[at + i]);
    }
  }

  // One run's trouble (a folder nested too deep, a special file) is said,
  // and the others come in.
  void prepare(const MlflowExperiment& e, Pending& p) {
    try {
      prepare_run(e, p);
    } catch (const Error& err) {
      p.failed = true;
      p.problems.push_back(fmt::format("run {} ({}): {} (left out)", escaped_text(p.in.name), escaped_text(p.in.id),
                                       escaped_text(err.what())));
    }
  }

  void prepare_run(const MlflowExperiment& e, Pending& p) {
    MlflowRun& in = p.in;
    source_->load(in, p.points, p.problems);
    Run& run = p.run;
    run.experiment = escaped_text(e.name.empty() ? e.id : e.name);
    run.status = status_for(in.status);
    run.user = escaped_text(in.user);
    run.started_at = std::max<std::int64_t>(0, in.start_ms);
    run.ended_at = in.end_ms > 0 ? std::max(in.end_ms, run.started_at) : 0;
    if (run.ended_at == 0 && run.status != "lost") run.ended_at = run.started_at;
    std::vector<std::string> escaped;
    std::string whose = fmt::format("run {} ({})", escaped_text(in.name), escaped_text(in.id));
    run.params = escaped_map(in.params, "params.", escaped, p.problems, whose);
    run.tags = escaped_map(in.tags, "tags.", escaped, p.problems, whose);
    if (in.deleted) run.tags["mlflow.lifecycleStage"] = "deleted";
    run.tags["mlflow.runId"] = escaped_text(in.id);
    run.tags["mlflow.experimentId"] = escaped_text(e.id);
    run.tags["mlflow.status"] = escaped_text(in.status);
    for (const auto& [k, v] : e.tags) run.tags.emplace("mlflow.experiment." + escaped_text(k), escaped_text(v));
    if (e.deleted) run.tags["mlflow.experiment.lifecycleStage"] = "deleted";
    if (auto it = in.tags.find("mlflow.source.git.commit"); it != in.tags.end() && is_lower_hex(it->second, 40))
      run.git_commit = it->second;
    if (auto it = in.tags.find("mlflow.source.name"); it != in.tags.end()) run.command = escaped_text(it->second);
    if (auto it = in.tags.find("mlflow.parentRunId"); it != in.tags.end() && !it->second.empty())
      run.parent_id = run_id_for(it->second);
    std::set<std::string> keys;
    for (auto& pt : p.points) {
      std::string key = escaped_text(pt.key);
      if (key != pt.key && keys.insert(key).second) escaped.push_back("metrics." + key);
      pt.key = std::move(key);
      keys.insert(pt.key);
    }
    for (const auto& k : keys)
      if (k.empty() || k.size() > kMaxRunText || keys.size() > kMaxRunEntries) {
        p.problems.push_back(fmt::format("{}: its metrics' names are empty, too long or too many (left out)", whose));
        p.points.clear();
        break;
      }
    if (!escaped.empty()) run.tags["mlflow.escaped"] = cut_utf8(fmt::format("{}", fmt::join(escaped, ",")), kMaxRunText);
    for (std::string* text : {&run.experiment, &run.user, &run.command})
      if (text->size() > kMaxRunText) *text = cut_utf8(*text, kMaxRunText);
    import_artifacts(p);
  }

  void record(RunStore& runs, Pending& p) {
    r_.problems.insert(r_.problems.end(), p.problems.begin(), p.problems.end());
    r_.missing.insert(r_.missing.end(), p.missing.begin(), p.missing.end());
    if (p.failed) return;
    bool again = here_.count(p.run.id) > 0;  // --update
    // Names stay as they were given, unless mlops cannot take them: then
    // the change is listed (the MLflow name is the tag mlflow.runName).
    if (again) p.run.name = runs.get(p.run.id, false).name;
    else p.run.name = free_name(runs, run_name_for(p.in));
    if (!again && p.run.name != p.in.name)
      r_.renamed.push_back(p.in.name.empty()
                               ? fmt::format("run {} (no name) -> '{}'", escaped_text(p.in.id), p.run.name)
                               : fmt::format("run '{}' -> '{}'", escaped_text(p.in.name), p.run.name));
    r_.points += p.points.size();
    r_.artifacts += p.artifacts;
    r_.artifact_bytes += p.artifact_bytes;
    advance(progress_, 1, p.artifact_bytes);
    names_.insert(p.run.name);
    if (!opts_.dry_run && !runs.import_run(p.run, p.sizes, p.points, again)) return;
    ++(again ? r_.runs_updated : r_.runs_imported);
    here_.insert(p.run.id);
    p = Pending{};  // a batch's points are freed as it is recorded
  }

  // `name`, or name-2, name-3... when a run here (or one imported just now) has it.
  std::string free_name(RunStore& runs, const std::string& name) {
    auto taken = [&](const std::string& n) { return names_.count(n) || (!opts_.dry_run && runs.name_taken(n)); };
    if (!taken(name)) return name;
    for (int i = 2;; ++i)
      if (std::string n = fmt::format("{}-{}", cut_utf8(name, kMaxNameBytes - 8), i); !taken(n)) return n;
  }

  void import_artifacts(Pending& p) {
    const MlflowRun& in = p.in;
    if (in.artifact_uri.empty()) return;
    ArtifactLocation at = source_->locate(in.artifact_uri, &in);
    if (at.state == ArtifactLocation::State::Absent && !at.root_missing) return;  // a run that kept none
    if (at.state != ArtifactLocation::State::Found) {
      p.missing.push_back(fmt::format("run {} ({}): artifacts: {}", escaped_text(in.name), escaped_text(in.id), describe(at, in.artifact_uri)));
      return;
    }
    // One artifact per top-level entry, as `mlops exp log artifact` keeps them.
    std::vector<std::pair<std::string, fs::path>> entries;
    auto st = lstat_path(at.path);
    if (st && st->is_dir()) {
      for (const auto& d : fs::directory_iterator(at.path)) entries.emplace_back(d.path().filename().string(), d.path());
    } else {
      entries.emplace_back(at.path.filename().string(), at.path);
    }
    std::sort(entries.begin(), entries.end());
    for (const auto& [name, path] : entries) {
      if (!is_safe_relative_path(name)) {
        p.problems.push_back(fmt::format("{}: a name mlops cannot keep (skipped)", printable_path(path.string())));
        continue;
      }
      auto entry = lstat_path(path);
      if (!entry || entry->is_symlink() || !(entry->is_regular() || entry->is_dir())) {
        p.problems.push_back(fmt::format("{}: not a plain file or folder (skipped)", printable_path(path.string())));
        continue;
      }
      if (entry->is_dir() && fs::is_empty(path)) continue;  // MLflow keeps no empty folder; nor does mlops
      ++p.artifacts;
      if (opts_.dry_run) {
        p.artifact_bytes += tree_size(path);
        continue;
      }
      auto stored = store_external(repo_.store(), path, 1);
      if (!stored) continue;
      for (const auto& s : stored->skipped) p.problems.push_back(fmt::format("{}/{}", printable_path(path.string()), s));
      p.run.artifacts[name] = stored->pointer.id.str();
      p.sizes[name] = stored->pointer.size;
      p.artifact_bytes += stored->pointer.size;
    }
  }

  void import_models() {
    Registry reg(repo_);
    std::map<std::string, std::string> owner;  // mlops name -> the MLflow model given it in this import
    for (const auto& m : source_->models(r_.problems)) {
      if (m.versions.empty()) {
        r_.not_imported.push_back(fmt::format("model '{}': no versions", escaped_text(m.name)));
        continue;
      }
      std::string name = model_name_for(m, reg, owner);
      std::set<std::int64_t> here;  // versions here now, imported or already
      std::size_t before = r_.versions_imported.size();
      for (const auto& mv : m.versions) {
        if (mv.stage == "Deleted_Internal") {
          ++r_.versions_deleted;
          continue;
        }
        // With --experiment, versions made by runs of other experiments stay there.
        if (!opts_.experiments.empty() && !mv.run_id.empty() && !known_runs_.count(mv.run_id)) {
          ++r_.versions_elsewhere;
          continue;
        }
        if (mv.version <= 0) {
          r_.problems.push_back(fmt::format("model {}: version {} is no version number (left out)", escaped_text(m.name),
                                            mv.version));
          continue;
        }
        try {
          if (import_version(reg, m, name, mv)) here.insert(mv.version);
        } catch (const Error& err) {
          r_.problems.push_back(fmt::format("model {} version {}: {} (left out)", escaped_text(m.name), mv.version,
                                            escaped_text(err.what())));
        }
      }
      bool fresh = r_.versions_imported.size() > before;  // renames are news only once
      if (name != m.name && fresh) r_.renamed.push_back(fmt::format("model '{}' -> '{}'", escaped_text(m.name), name));
      if (!fresh && !opts_.update) continue;  // aliases as they were set when it came in
      for (const auto& [alias, version] : m.aliases) {
        if (!here.count(version)) {
          r_.problems.push_back(fmt::format("model {}: alias {} names version {}, which is not here", name,
                                            escaped_text(alias), version));
          continue;
        }
        std::string label = label_for(alias);
        if (label != alias && fresh)
          r_.renamed.push_back(fmt::format("alias '{}' of {} -> '{}'", escaped_text(alias), name, label));
        if (opts_.dry_run) continue;
        try {
          reg.import_alias(name, label, fmt::format("{}.0.0", version), opts_.git_tags, r_.git_tags);
        } catch (const Error& err) {
          r_.problems.push_back(fmt::format("model {}: alias {}: {} (left out)", name, escaped_text(alias),
                                            escaped_text(err.what())));
        }
      }
    }
    for (const auto& lm : source_->unregistered_models(r_.problems))
      r_.not_imported.push_back(fmt::format("logged model {} (no registered version names it)", escaped_text(lm)));
  }

  // The mlops name of an MLflow model: GTO's rules, and not a name another
  // MLflow model has (here already, or earlier in this import): then -2, -3...
  std::string model_name_for(const MlflowModel& m, Registry& reg, std::map<std::string, std::string>& owner) {
    std::string base = gto_name(m.name);
    for (int i = 1;; ++i) {
      std::string name = i == 1 ? base : fmt::format("{}-{}", base, i);
      auto it = owner.find(name);
      if (it != owner.end()) {
        if (it->second == m.name) return name;
        continue;
      }
      auto versions = reg.store().versions(name);
      bool ours = versions.empty() || std::any_of(versions.begin(), versions.end(), [&](const ModelVersion& v) {
                    auto t = v.tags.find("mlflow.model");
                    return t != v.tags.end() && t->second == escaped_text(m.name);
                  });
      if (!ours) continue;
      owner.emplace(name, m.name);
      return name;
    }
  }

  // True when the version is here now (imported or already).
  bool import_version(Registry& reg, const MlflowModel& m, const std::string& name, const MlflowModelVersion& mv) {
    std::string label = fmt::format("{}@{}.0.0", name, mv.version);
    const MlflowRun* run = nullptr;
    // MLflow 3: a version of a logged model keeps its files' place in
    // storage_location, its source being models:/m-ID.
    ArtifactLocation at = source_->locate(mv.storage_location.empty() ? mv.source : mv.storage_location, run);
    if (at.state != ArtifactLocation::State::Found && !mv.storage_location.empty())
      at = source_->locate(mv.source, run);
    if (at.state != ArtifactLocation::State::Found) {
      r_.missing.push_back(fmt::format("model {} version {}: {}", escaped_text(m.name), mv.version, describe(at, mv.source)));
      return false;
    }
    ModelVersion v;
    v.model = name;
    v.version = fmt::format("{}.0.0", mv.version);
    v.path = mv.source.starts_with("models:/") ? "model" : at.path.filename().string();
    v.description = escaped_text(mv.description);
    v.author = escaped_text(mv.user);
    v.created_at = mv.created_ms;
    std::vector<std::string> escaped;
    v.tags = escaped_map(mv.tags, "", escaped, r_.problems, label);
    v.tags["mlflow.model"] = escaped_text(m.name);
    v.tags["mlflow.version"] = std::to_string(mv.version);
    v.tags["mlflow.source"] = escaped_text(mv.source);
    if (!m.description.empty()) v.tags["mlflow.model.description"] = escaped_text(m.description);
    for (const auto& [k, val] : m.tags) v.tags.emplace("mlflow.model." + escaped_text(k), escaped_text(val));
    if (!mv.run_id.empty()) {
      if (auto it = known_runs_.find(mv.run_id); it != known_runs_.end() && here_.count(it->second) && !opts_.dry_run) {
        Run made = RunStore(repo_.db()).get(it->second);
        v.run_id = made.id;
        for (const auto& [k, s] : made.metrics) v.metrics[k] = s.last;
        // The code that made it (lineage); --git-tags tag HEAD instead (a tag names a commit here).
        v.git_commit = made.git_commit;
      } else {
        v.tags["mlflow.runId"] = escaped_text(mv.run_id);
      }
    }
    std::string stage = mv.stage.empty() || mv.stage == "None" ? "" : label_for(mv.stage);
    if (!stage.empty()) {
      auto allowed = reg.allowed_stages();
      if (std::find(allowed.begin(), allowed.end(), stage) == allowed.end()) {
        r_.problems.push_back(fmt::format("{}: stage '{}' is not one of model.stages ({}); imported without it", label,
                                          escaped_text(mv.stage), fmt::format("{}", fmt::join(allowed, ","))));
        stage.clear();
      }
    }
    if (opts_.dry_run) {
      if (reg.store().version(name, v.version)) ++r_.versions_already;
      else r_.versions_imported.push_back(label);
      return true;
    }
    auto stored = store_external(repo_.store(), at.path, opts_.jobs);
    if (!stored) {
      r_.missing.push_back(fmt::format("model {} version {}: {} vanished", escaped_text(m.name), mv.version, at.path.string()));
      return false;
    }
    v.object_id = stored->pointer.id.str();
    v.size = stored->pointer.size;
    v.kind = std::string(kind_name(stored->pointer.kind));
    try {
      if (reg.import_version(v, stage, opts_.git_tags, opts_.update, r_.git_tags)) r_.versions_imported.push_back(label);
      else ++r_.versions_already;
      return true;
    } catch (const Error& e) {
      if (e.code() == ExitCode::Conflict) {
        r_.conflicts.push_back(fmt::format("{}: {}", label, e.what()));
        return false;
      }
      throw;
    }
  }

  Repo& repo_;
  const MlflowImportOptions& opts_;
  Progress* progress_;
  std::unique_ptr<MlflowSource> source_;
  MlflowImportResult r_;
  std::unordered_set<std::string> here_;
  std::map<std::string, std::string> known_runs_;  // MLflow id -> mlops id
  std::set<std::string> names_;                    // run names given in this import
};

}  // namespace

MlflowImportResult import_mlflow(Repo& repo, const MlflowImportOptions& opts, const fs::path& cwd, Progress* progress) {
  return Importer(repo, opts, cwd, progress).run();
}

}  // namespace mlops

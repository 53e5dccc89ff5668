// An MLflow SQLite backend (mlflow.db), read-only, through its tables:
// experiments, experiment_tags, runs, params, tags, metrics, registered_models,
// registered_model_tags, model_versions, model_version_tags,
// registered_model_aliases and logged_models. Tables and columns that older
// schemas lack are left out. MLflow stores a NaN as 0 with is_nan = 1, and
// ±inf as ±DBL_MAX: both come back as what was logged.
#include "import/mlflow_sources.hpp"

#include <cmath>
#include <limits>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "state/db.hpp"

namespace mlops {

namespace {

class DbStore final : public MlflowSource {
public:
  DbStore(const fs::path& file, std::string shown)
      : db_(file, Db::Foreign{}), shown_(std::move(shown)), base_(file.parent_path()),
        // Not the database's own folder (the project, often: .git, .env...):
        // the folders MLflow keeps artifacts in beside it.
        roots_({}, {base_ / "mlartifacts", base_ / "mlruns"}) {
    for (const char* t : {"experiments", "runs", "params", "tags", "metrics"})
      if (!has_table(t)) fail(ExitCode::Input, "{}: not an MLflow database (no table '{}')", shown_, t);
    // MLflow's tables are plain tables: a generated column (or a view) would
    // let the file make values of any size, or run forever, as it is read.
    Stmt g(db_, "SELECT m.name FROM sqlite_schema m, pragma_table_xinfo(m.name) c WHERE m.type = 'table' AND c.hidden != 0");
    if (g.step()) fail(ExitCode::Input, "{}: not an MLflow database (table '{}' has generated columns)", shown_, g.col_text(0));
  }
  std::string where() const override { return shown_; }

  std::vector<MlflowExperiment> experiments(MlflowProblems&) override {
    std::vector<MlflowExperiment> out;
    Stmt s(db_, "SELECT experiment_id, name, lifecycle_stage FROM experiments ORDER BY experiment_id");
    while (s.step()) out.push_back({s.col_text(0), s.col_text(1), s.col_text(2) == "deleted", {}});
    if (has_table("experiment_tags")) {
      Stmt t(db_, "SELECT key, value FROM experiment_tags WHERE experiment_id = ?");
      for (auto& e : out) {
        t.bind(1, e.id);
        while (t.step()) e.tags.emplace(t.col_text(0), t.col_text(1));
        t.reset();
      }
    }
    return out;
  }

  std::vector<MlflowRun> runs(const MlflowExperiment& e, MlflowProblems&) override {
    std::vector<MlflowRun> out;
    Stmt s(db_,
           "SELECT run_uuid, name, user_id, status, lifecycle_stage, start_time, end_time, artifact_uri "
           "FROM runs WHERE experiment_id = ? ORDER BY start_time, run_uuid");
    s.bind(1, e.id);
    while (s.step()) {
      MlflowRun r;
      r.id = s.col_text(0);
      r.name = s.col_text(1);
      r.user = s.col_text(2);
      r.status = s.col_text(3);
      r.deleted = e.deleted || s.col_text(4) == "deleted";
      r.start_ms = s.col_int(5);
      r.end_ms = s.col_int(6);
      r.artifact_uri = s.col_text(7);
      r.experiment_id = e.id;
      out.push_back(std::move(r));
    }
    // One pass per table for the whole experiment (neither is indexed by
    // run), kept until load() asks for a run's share.
    details_.clear();
    for (auto [table, field] : {std::pair{"params", &MlflowRun::params}, std::pair{"tags", &MlflowRun::tags}}) {
      Stmt kv(db_, fmt::format("SELECT x.run_uuid, x.key, x.value FROM {} x JOIN runs r ON r.run_uuid = x.run_uuid "
                               "WHERE r.experiment_id = ?",
                               table));
      kv.bind(1, e.id);
      while (kv.step()) (details_[kv.col_text(0)].run.*field).emplace(kv.col_text(1), kv.col_text(2));
    }
    Stmt m(db_,
           "SELECT m.run_uuid, m.key, m.value, m.timestamp, m.step, m.is_nan FROM metrics m "
           "JOIN runs r ON r.run_uuid = m.run_uuid WHERE r.experiment_id = ? ORDER BY m.run_uuid, m.key, m.step, m.timestamp");
    m.bind(1, e.id);
    constexpr double kMax = std::numeric_limits<double>::max();
    while (m.step()) {
      MetricPoint p;
      p.key = m.col_text(1);
      p.value = m.col_double(2);
      p.ts = m.col_int(3);
      p.step = m.col_int(4);
      if (m.col_int(5) != 0) p.value = std::numeric_limits<double>::quiet_NaN();
      else if (p.value == kMax || p.value == -kMax) p.value = p.value > 0 ? INFINITY : -INFINITY;
      details_[m.col_text(0)].points.push_back(std::move(p));
    }
    return out;
  }

  // Runs of the experiment runs() read last; only the run's own entry changes.
  void load(MlflowRun& r, std::vector<MetricPoint>& points, MlflowProblems&) override {
    auto it = details_.find(r.id);
    if (it == details_.end()) return;
    r.params = std::move(it->second.run.params);
    r.tags = std::move(it->second.run.tags);
    points = std::move(it->second.points);
  }

  std::vector<MlflowModel> models(MlflowProblems&) override {
    std::vector<MlflowModel> out;
    if (!has_table("registered_models") || !has_table("model_versions")) return out;
    std::map<std::string, std::size_t> at;
    Stmt s(db_, "SELECT name, description, creation_time FROM registered_models ORDER BY name");
    while (s.step()) {
      at.emplace(s.col_text(0), out.size());
      out.push_back({s.col_text(0), s.col_text(1), s.col_int(2), {}, {}, {}});
    }
    auto model = [&](const std::string& name) -> MlflowModel* {
      auto it = at.find(name);
      return it == at.end() ? nullptr : &out[it->second];
    };
    if (has_table("registered_model_tags")) {
      Stmt t(db_, "SELECT name, key, value FROM registered_model_tags");
      while (t.step())
        if (auto* m = model(t.col_text(0))) m->tags.emplace(t.col_text(1), t.col_text(2));
    }
    if (has_table("registered_model_aliases")) {
      Stmt a(db_, "SELECT name, alias, version FROM registered_model_aliases");
      while (a.step())
        if (auto* m = model(a.col_text(0))) m->aliases.emplace(a.col_text(1), a.col_int(2));
    }
    std::string location = has_column("model_versions", "storage_location") ? "storage_location" : "''";
    Stmt v(db_, fmt::format("SELECT name, version, current_stage, source, {}, run_id, user_id, description, status, "
                            "creation_time FROM model_versions ORDER BY name, version",
                            location));
    while (v.step()) {
      auto* m = model(v.col_text(0));
      if (!m) continue;
      MlflowModelVersion mv;
      mv.version = v.col_int(1);
      mv.stage = v.col_text(2);
      mv.source = v.col_text(3);
      mv.storage_location = v.col_text(4);
      if (mv.source.starts_with("models:/m-")) named_.insert(mv.source.substr(8));
      mv.run_id = v.col_text(5);
      mv.user = v.col_text(6);
      mv.description = v.col_text(7);
      mv.status = v.col_text(8);
      mv.created_ms = v.col_int(9);
      m->versions.push_back(std::move(mv));
    }
    if (has_table("model_version_tags")) {
      Stmt t(db_, "SELECT name, version, key, value FROM model_version_tags");
      while (t.step())
        if (auto* m = model(t.col_text(0)))
          for (auto& mv : m->versions)
            if (mv.version == t.col_int(1)) mv.tags.emplace(t.col_text(2), t.col_text(3));
    }
    return out;
  }

  std::vector<std::string> unregistered_models(MlflowProblems&) override {
    std::vector<std::string> out;
    if (!has_table("logged_models")) return out;
    Stmt s(db_, "SELECT model_id FROM logged_models ORDER BY model_id");
    while (s.step())
      if (!named_.count(s.col_text(0))) out.push_back(s.col_text(0));
    return out;
  }

  ArtifactLocation locate(const std::string& uri, const MlflowRun* run) override {
    std::lock_guard lock(mu_);  // runs are loaded on several threads; the connection is one
    if (uri.starts_with("runs:/")) {
      std::string rest = uri.substr(6);
      auto slash = rest.find('/');
      std::string sub = slash == std::string::npos ? "" : ArtifactRoots::strip_slashes(rest.substr(slash));
      Stmt s(db_, "SELECT artifact_uri FROM runs WHERE run_uuid = ?");
      s.bind(1, rest.substr(0, slash));
      if (!s.step() || (!sub.empty() && !is_safe_relative_path(sub))) return {};
      return locate_path(sub.empty() ? s.col_text(0) : s.col_text(0) + "/" + sub);
    }
    if (uri.starts_with("models:/m-")) {
      if (!has_table("logged_models")) return {};
      Stmt s(db_, "SELECT artifact_location FROM logged_models WHERE model_id = ?");
      s.bind(1, uri.substr(8));
      if (!s.step()) return {};
      return locate_path(s.col_text(0));
    }
    (void)run;
    return locate_path(uri);
  }

private:
  ArtifactLocation locate_path(const std::string& uri) {
    using State = ArtifactLocation::State;
    if (uri.starts_with("mlflow-artifacts:/")) {
      auto at = roots_.locate(base_ / "mlartifacts" / ArtifactRoots::strip_slashes(uri.substr(18)));
      at.root_missing = at.state == State::Absent && !lstat_path(base_ / "mlartifacts");
      return at;
    }
    std::string path = ArtifactRoots::file_path(uri, base_);
    if (path.empty()) return {State::Remote, {}};
    ArtifactLocation found = roots_.locate(path);
    if (found.state != State::Found)
      if (auto cut = path.rfind("/mlruns/"); cut != std::string::npos)
        if (auto moved = roots_.locate(base_ / "mlruns" / path.substr(cut + 8)); moved.state == State::Found) return moved;
    return found;
  }

  bool has_table(const char* name) {
    Stmt s(db_, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?");
    s.bind(1, std::string_view(name));
    return s.step();
  }
  bool has_column(const char* table, const char* column) {
    Stmt s(db_, fmt::format("SELECT 1 FROM pragma_table_info('{}') WHERE name = ?", table));
    s.bind(1, std::string_view(column));
    return s.step();
  }

  Db db_;
  std::string shown_;
  fs::path base_;
  ArtifactRoots roots_;
  struct Details {
    MlflowRun run;  // params and tags
    std::vector<MetricPoint> points;
  };
  std::map<std::string, Details> details_;
  std::mutex mu_;
  std::set<std::string> named_;  // logged models registered versions name
};

}  // namespace

std::unique_ptr<MlflowSource> open_mlflow_db(const fs::path& file, const std::string& shown) {
  return std::make_unique<DbStore>(file, shown);
}

}  // namespace mlops

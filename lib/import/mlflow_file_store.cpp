// MLflow's file store: mlruns/<experiment>/meta.yaml, runs in
// mlruns/<experiment>/<run>/ (meta.yaml, params/, tags/, metrics/,
// artifacts/), deleted experiments in mlruns/.trash/, the model registry in
// mlruns/models/<name>/ (meta.yaml, tags/, aliases/, version-N/).
// Keys with '/' are nested folders. Nothing found here is trusted: files are
// read only when they are plain files (never through a symlink) and bounded.
#include "import/mlflow_sources.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "core/walk.hpp"
#include "core/yaml_load.hpp"

namespace mlops {

namespace {

constexpr std::uint64_t kMaxValueBytes = 1u << 20;     // a param, tag or meta.yaml
constexpr std::uint64_t kMaxMetricBytes = 1u << 30;    // one metric's history

// A plain file's text; nullopt (with a problem) for anything else.
std::optional<std::string> read_plain(const fs::path& p, std::uint64_t max, MlflowProblems& problems) {
  try {
    auto st = lstat_path(p);
    if (!st) return std::nullopt;
    if (!st->is_regular()) {
      problems.push_back(fmt::format("{}: not a plain file (skipped)", printable_path(p.string())));
      return std::nullopt;
    }
    return read_file(p, max);
  } catch (const Error& e) {
    problems.push_back(e.what());
    return std::nullopt;
  }
}

std::optional<YAML::Node> read_meta(const fs::path& dir, MlflowProblems& problems) {
  fs::path file = dir / "meta.yaml";
  auto text = read_plain(file, kMaxValueBytes, problems);
  if (!text) return std::nullopt;
  try {
    YAML::Node n = load_yaml(*text, file.string());
    if (!n.IsMap()) {
      problems.push_back(fmt::format("{}: not a YAML mapping", printable_path(file.string())));
      return std::nullopt;
    }
    return n;
  } catch (const YAML::Exception& e) {
    problems.push_back(fmt::format("{}:{}: {}", printable_path(file.string()), e.mark.line + 1, e.msg));
  } catch (const Error& e) {
    problems.push_back(e.what());
  }
  return std::nullopt;
}

std::string text_of(const YAML::Node& n, const char* key) {
  const YAML::Node v = n[key];
  if (!v || !v.IsScalar() || v.Tag() == "~" || v.Scalar() == "null") return "";
  return v.Scalar();
}

std::int64_t int_of(const YAML::Node& n, const char* key) {
  std::string s = text_of(n, key);
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() ? v : 0;
}

// Every plain file below `dir`: its path relative to dir (the key) and its content.
std::map<std::string, std::string> read_keyed(const fs::path& dir, MlflowProblems& problems) {
  std::map<std::string, std::string> out;
  auto st = lstat_path(dir);
  if (!st || !st->is_dir()) return out;
  WalkVisitor v;
  v.file = [&](const WalkEntry& e) {
    if (auto text = read_plain(dir / e.rel, kMaxValueBytes, problems)) out.emplace(e.rel, std::move(*text));
  };
  walk_tree(dir, "", v);
  return out;
}

std::vector<std::string> subdirs(const fs::path& dir) {
  std::vector<std::string> out;
  auto st = lstat_path(dir);
  if (!st || !st->is_dir()) return out;
  WalkVisitor v;
  v.enter_dir = [&](const WalkEntry& e) {
    out.push_back(e.rel);
    return false;
  };
  v.file = [](const WalkEntry&) {};
  walk_tree(dir, "", v);
  std::sort(out.begin(), out.end());
  return out;
}

std::string status_name(const std::string& s) {
  static const char* names[] = {"", "RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"};
  if (s.size() == 1 && s[0] >= '1' && s[0] <= '5') return names[s[0] - '0'];
  return s.empty() ? "RUNNING" : s;  // MLflow reads a missing status as RUNNING
}

// "ts value step [dataset digest]"; two fields (old files) are step 0.
bool parse_metric_line(std::string_view line, MetricPoint& p) {
  std::string_view f[3];
  std::size_t n = 0, pos = 0;
  while (pos < line.size() && n < 3) {
    auto sp = line.find(' ', pos);
    if (sp == std::string_view::npos) sp = line.size();
    f[n++] = line.substr(pos, sp - pos);
    pos = sp + 1;
  }
  if (n < 2) return false;
  auto whole = [](std::string_view s, std::int64_t& out) {
    auto [e, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && e == s.data() + s.size();
  };
  if (!whole(f[0], p.ts)) return false;
  p.step = 0;
  if (n == 3 && !whole(f[2], p.step)) return false;
  // Python writes str(float): nan, inf, -inf, 1e-05; from_chars reads them all.
  auto [e, ec] = std::from_chars(f[1].data(), f[1].data() + f[1].size(), p.value);
  return ec == std::errc() && e == f[1].data() + f[1].size();
}

class FileStore final : public MlflowSource {
public:
  FileStore(fs::path root, std::string shown)
      : root_(std::move(root)), shown_(std::move(shown)), roots_({root_}, {root_.parent_path() / "mlartifacts"}) {}
  std::string where() const override { return shown_; }

  std::vector<MlflowExperiment> experiments(MlflowProblems& problems) override {
    std::vector<MlflowExperiment> out;
    auto add = [&](const fs::path& dir, bool trash) {
      auto meta = read_meta(dir, problems);
      if (!meta) return;
      MlflowExperiment e;
      e.id = text_of(*meta, "experiment_id");
      if (e.id.empty()) e.id = dir.filename().string();
      e.name = text_of(*meta, "name");
      e.deleted = trash || text_of(*meta, "lifecycle_stage") == "deleted";
      e.tags = read_keyed(dir / "tags", problems);
      exp_dirs_[e.id] = dir;
      out.push_back(std::move(e));
    };
    for (const auto& d : subdirs(root_))
      if (d != "models" && d != ".trash" && lstat_path(root_ / d / "meta.yaml")) add(root_ / d, false);
    for (const auto& d : subdirs(root_ / ".trash")) add(root_ / ".trash" / d, true);
    return out;
  }

  std::vector<MlflowRun> runs(const MlflowExperiment& e, MlflowProblems& problems) override {
    std::vector<MlflowRun> out;
    auto dir = exp_dirs_.at(e.id);
    for (const auto& d : subdirs(dir)) {
      if (d == "tags" || d == "datasets" || d == "traces" || d == "models") continue;
      fs::path run_dir = dir / d;
      if (!lstat_path(run_dir / "meta.yaml")) continue;
      auto meta = read_meta(run_dir, problems);
      if (!meta) continue;
      MlflowRun r;
      r.id = text_of(*meta, "run_id");
      if (r.id.empty()) r.id = text_of(*meta, "run_uuid");
      if (r.id.empty()) r.id = d;
      r.experiment_id = e.id;
      r.name = text_of(*meta, "run_name");
      r.user = text_of(*meta, "user_id");
      r.status = status_name(text_of(*meta, "status"));
      r.deleted = e.deleted || text_of(*meta, "lifecycle_stage") == "deleted";
      r.start_ms = int_of(*meta, "start_time");
      r.end_ms = int_of(*meta, "end_time");
      r.artifact_uri = text_of(*meta, "artifact_uri");
      run_dirs_[r.id] = run_dir;
      out.push_back(std::move(r));
    }
    return out;
  }

  void load(MlflowRun& r, std::vector<MetricPoint>& out, MlflowProblems& problems) override {
    const fs::path& run_dir = run_dirs_.at(r.id);
    r.params = read_keyed(run_dir / "params", problems);
    r.tags = read_keyed(run_dir / "tags", problems);
    fs::path dir = run_dir / "metrics";
    auto st = lstat_path(dir);
    if (!st || !st->is_dir()) return;
    std::vector<std::string> keys;
    WalkVisitor v;
    v.file = [&](const WalkEntry& e) { keys.push_back(e.rel); };
    walk_tree(dir, "", v);
    std::sort(keys.begin(), keys.end());
    for (const auto& key : keys) {
      auto text = read_plain(dir / key, kMaxMetricBytes, problems);
      if (!text) continue;
      std::size_t line_no = 0, bad = 0;
      std::string_view all(*text);
      for (std::size_t pos = 0; pos < all.size();) {  // line by line, nothing more held than the text
        std::size_t eol = all.find('\n', pos);
        if (eol == std::string_view::npos) eol = all.size();
        std::string_view line = all.substr(pos, eol - pos);
        pos = eol + 1;
        ++line_no;
        if (line.empty()) continue;
        MetricPoint p;
        p.key = key;
        if (parse_metric_line(line, p)) out.push_back(std::move(p));
        else if (++bad <= 3)  // a file of garbage is one problem, not a warning per line
          problems.push_back(fmt::format("{}:{}: not \"TIMESTAMP VALUE STEP\" (skipped)",
                                         printable_path((dir / key).string()), line_no));
      }
      if (bad > 3)
        problems.push_back(fmt::format("{}: {} more lines that are not points (skipped)", printable_path((dir / key).string()),
                                       bad - 3));
    }
  }

  std::vector<MlflowModel> models(MlflowProblems& problems) override {
    std::vector<MlflowModel> out;
    fs::path reg = root_ / "models";
    for (const auto& d : subdirs(reg)) {
      auto meta = read_meta(reg / d, problems);
      if (!meta) continue;
      MlflowModel m;
      m.name = text_of(*meta, "name");
      if (m.name.empty()) m.name = d;
      m.description = text_of(*meta, "description");
      m.created_ms = int_of(*meta, "creation_timestamp");
      m.tags = read_keyed(reg / d / "tags", problems);
      for (const auto& [alias, version] : read_keyed(reg / d / "aliases", problems)) {
        std::int64_t n = 0;
        std::string v(version.substr(0, version.find_last_not_of(" \n") + 1));
        auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (ec == std::errc() && end == v.data() + v.size()) m.aliases[alias] = n;
        else problems.push_back(fmt::format("{}: not a version number (skipped)", printable_path((reg / d / "aliases" / alias).string())));
      }
      for (const auto& vd : subdirs(reg / d)) {
        if (!vd.starts_with("version-")) continue;
        auto vm = read_meta(reg / d / vd, problems);
        if (!vm) continue;
        MlflowModelVersion v;
        v.version = int_of(*vm, "version");
        v.stage = text_of(*vm, "current_stage");
        v.source = text_of(*vm, "source");
        v.storage_location = text_of(*vm, "storage_location");
        if (v.source.starts_with("models:/m-")) named_.insert(v.source.substr(8));
        v.run_id = text_of(*vm, "run_id");
        v.user = text_of(*vm, "user_id");
        v.description = text_of(*vm, "description");
        v.status = text_of(*vm, "status");
        v.created_ms = int_of(*vm, "creation_timestamp");
        v.tags = read_keyed(reg / d / vd / "tags", problems);
        if (v.version <= 0) {
          problems.push_back(fmt::format("{}: no version number (skipped)", printable_path((reg / d / vd / "meta.yaml").string())));
          continue;
        }
        m.versions.push_back(std::move(v));
      }
      std::sort(m.versions.begin(), m.versions.end(), [](auto& a, auto& b) { return a.version < b.version; });
      out.push_back(std::move(m));
    }
    return out;
  }

  std::vector<std::string> unregistered_models(MlflowProblems&) override {
    std::vector<std::string> out;
    for (const auto& [eid, dir] : exp_dirs_)
      for (const auto& m : subdirs(dir / "models"))
        if (m.starts_with("m-") && !named_.count(m)) out.push_back(m);
    return out;
  }

  ArtifactLocation locate(const std::string& uri, const MlflowRun* run) override {
    using State = ArtifactLocation::State;
    if (uri.starts_with("runs:/")) return run_artifact(uri.substr(6));
    if (uri.starts_with("models:/m-")) return logged_model(uri.substr(8));
    if (uri.starts_with("mlflow-artifacts:/")) {
      auto at = roots_.locate(root_.parent_path() / "mlartifacts" / ArtifactRoots::strip_slashes(uri.substr(18)));
      at.root_missing = at.state == State::Absent && !lstat_path(root_.parent_path() / "mlartifacts");
      return at;
    }
    std::string path = ArtifactRoots::file_path(uri, root_.parent_path());
    if (path.empty()) return {State::Remote, {}};
    ArtifactLocation at = roots_.locate(path);
    if (at.state != State::Absent) return at;  // found, or outside: said, never replaced
    // Moved since: what follows the last "/mlruns/" is under this root; a
    // run's own artifacts/ folder is where MLflow put them.
    if (auto cut = path.rfind("/mlruns/"); cut != std::string::npos)
      if (auto moved = roots_.locate(root_ / path.substr(cut + 8)); moved.state == State::Found) return moved;
    if (run)
      if (auto it = run_dirs_.find(run->id); it != run_dirs_.end())
        if (auto own = roots_.locate(it->second / "artifacts"); own.state == State::Found) return own;
    return at;
  }

private:
  ArtifactLocation run_artifact(const std::string& rest) {
    auto slash = rest.find('/');
    std::string id = rest.substr(0, slash);
    std::string sub = slash == std::string::npos ? "" : ArtifactRoots::strip_slashes(rest.substr(slash));
    auto it = run_dirs_.find(id);
    if (it == run_dirs_.end() || (!sub.empty() && !is_safe_relative_path(sub))) return {};
    return roots_.locate(sub.empty() ? it->second / "artifacts" : it->second / "artifacts" / sub);
  }
  ArtifactLocation logged_model(const std::string& id) {
    if (!is_safe_relative_path(id) || id.find('/') != std::string::npos) return {};
    for (const auto& [eid, dir] : exp_dirs_)
      if (auto at = roots_.locate(dir / "models" / id / "artifacts"); at.state != ArtifactLocation::State::Absent)
        return at;
    return {};
  }

  fs::path root_;
  std::string shown_;
  ArtifactRoots roots_;
  std::map<std::string, fs::path> exp_dirs_, run_dirs_;
  std::set<std::string> named_;  // logged models registered versions name
};

}  // namespace

std::unique_ptr<MlflowSource> open_mlflow_file_store(const fs::path& root, const std::string& shown) {
  return std::make_unique<FileStore>(root, shown);
}

}  // namespace mlops

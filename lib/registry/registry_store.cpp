#include "registry/registry_store.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/json_number.hpp"
#include "registry/semver.hpp"
#include "state/db.hpp"

namespace mlops {

namespace {

constexpr const char* kColumns =
    "model, version, path, object_id, size, kind, run_id, git_commit, description, author, created_at, tags, metrics, data";

ModelVersion read_version(Stmt& s) {
  ModelVersion v;
  v.model = s.col_text(0);
  v.version = s.col_text(1);
  v.path = s.col_text(2);
  v.object_id = s.col_text(3);
  v.size = static_cast<std::uint64_t>(s.col_int(4));
  v.kind = s.col_text(5);
  v.run_id = s.col_text(6);
  v.git_commit = s.col_text(7);
  v.description = s.col_text(8);
  v.author = s.col_text(9);
  v.created_at = s.col_int(10);
  try {
    v.tags = nlohmann::json::parse(s.col_text(11)).get<std::map<std::string, std::string>>();
    const nlohmann::json metrics = nlohmann::json::parse(s.col_text(12));
    for (const auto& [k, x] : metrics.items()) {
      auto value = number_from_json(x);
      v.metrics[k] = value ? *value : x.get<double>();  // a json type_error when it is no number
    }
    v.data = nlohmann::json::parse(s.col_text(13)).get<std::map<std::string, std::string>>();
  } catch (const nlohmann::json::exception& e) {
    // A database edited by hand or damaged: a repository problem, not a bug.
    throw Error(ExitCode::Repo,
                fmt::format("model {} version {}: its record in the state database is damaged ({})", v.model,
                            v.version, e.what()),
                "the registry's git tags hold each version's record: a fresh clone's 'mlops model sync' reads them back");
  }
  return v;
}

void bind_or_null(Stmt& s, int i, const std::string& v) {
  if (v.empty()) s.bind_null(i);
  else s.bind(i, v);
}

}  // namespace

std::vector<std::string> RegistryStore::models() {
  std::vector<std::string> out;
  Stmt s(db_, "SELECT DISTINCT model FROM model_versions ORDER BY model");
  while (s.step()) out.push_back(s.col_text(0));
  return out;
}

std::vector<ModelVersion> RegistryStore::versions(const std::string& model) {
  std::vector<ModelVersion> out;
  Stmt s(db_, fmt::format("SELECT {} FROM model_versions WHERE model = ?", kColumns));
  s.bind(1, model);
  while (s.step()) out.push_back(read_version(s));
  std::sort(out.begin(), out.end(), [](const ModelVersion& a, const ModelVersion& b) {
    return *SemVer::parse(a.version) < *SemVer::parse(b.version);
  });
  return out;
}

std::optional<ModelVersion> RegistryStore::version(const std::string& model, const std::string& version) {
  Stmt s(db_, fmt::format("SELECT {} FROM model_versions WHERE model = ? AND version = ?", kColumns));
  s.bind(1, model).bind(2, version);
  if (!s.step()) return std::nullopt;
  return read_version(s);
}

void RegistryStore::insert(const ModelVersion& v) {
  Stmt s(db_, fmt::format("INSERT INTO model_versions ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", kColumns));
  s.bind(1, v.model).bind(2, v.version).bind(3, v.path).bind(4, v.object_id);
  s.bind(5, static_cast<std::int64_t>(v.size)).bind(6, v.kind);
  bind_or_null(s, 7, v.run_id);
  bind_or_null(s, 8, v.git_commit);
  s.bind(9, v.description).bind(10, v.author).bind(11, v.created_at);
  s.bind(12, nlohmann::json(v.tags).dump()).bind(13, json_numbers(v.metrics).dump()).bind(14, nlohmann::json(v.data).dump());
  s.run();
}

std::map<std::string, std::vector<std::string>> RegistryStore::stages(const std::string& model) {
  std::map<std::string, std::vector<std::string>> out;
  Stmt s(db_, "SELECT stage, version FROM model_stages WHERE model = ? ORDER BY assigned_at, version");
  s.bind(1, model);
  while (s.step()) out[s.col_text(0)].push_back(s.col_text(1));
  return out;
}

void RegistryStore::assign(const std::string& model, const std::string& stage, const std::string& version,
                           std::int64_t at) {
  Stmt s(db_, "INSERT OR REPLACE INTO model_stages (model, stage, version, assigned_at) VALUES (?, ?, ?, ?)");
  s.bind(1, model).bind(2, stage).bind(3, version).bind(4, at);
  s.run();
}

void RegistryStore::unassign(const std::string& model, const std::string& stage, const std::string& version) {
  Stmt s(db_, "DELETE FROM model_stages WHERE model = ? AND stage = ? AND version = ?");
  s.bind(1, model).bind(2, stage).bind(3, version);
  s.run();
}

std::map<std::string, std::string> RegistryStore::aliases(const std::string& model) {
  std::map<std::string, std::string> out;
  Stmt s(db_, "SELECT alias, version FROM model_aliases WHERE model = ?");
  s.bind(1, model);
  while (s.step()) out[s.col_text(0)] = s.col_text(1);
  return out;
}

void RegistryStore::set_alias(const std::string& model, const std::string& alias, const std::string& version) {
  Stmt s(db_, "INSERT OR REPLACE INTO model_aliases (model, alias, version) VALUES (?, ?, ?)");
  s.bind(1, model).bind(2, alias).bind(3, version);
  s.run();
}

void RegistryStore::remove_alias(const std::string& model, const std::string& alias) {
  Stmt s(db_, "DELETE FROM model_aliases WHERE model = ? AND alias = ?");
  s.bind(1, model).bind(2, alias);
  s.run();
}

void RegistryStore::log(const ModelEvent& e) {
  Stmt s(db_, "INSERT INTO model_events (model, version, action, detail, author, at, git_tag) VALUES (?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, e.model).bind(2, e.version).bind(3, e.action).bind(4, e.detail).bind(5, e.author).bind(6, e.at);
  bind_or_null(s, 7, e.git_tag);
  s.run();
}

std::vector<ModelEvent> RegistryStore::events(const std::string& model) {
  std::vector<ModelEvent> out;
  Stmt s(db_, "SELECT seq, model, version, action, detail, author, at, git_tag FROM model_events WHERE model = ? ORDER BY seq");
  s.bind(1, model);
  while (s.step())
    out.push_back({s.col_int(0), s.col_text(1), s.col_text(2), s.col_text(3), s.col_text(4), s.col_text(5),
                   s.col_text(7), s.col_int(6)});
  return out;
}

void RegistryStore::forget(const std::string& model) {
  for (const char* table : {"model_versions", "model_stages", "model_aliases", "model_events"}) {
    Stmt s(db_, fmt::format("DELETE FROM {} WHERE model = ?", table));
    s.bind(1, model);
    s.run();
  }
}

VersionNames version_names(const std::map<std::string, std::vector<std::string>>& stages,
                           const std::map<std::string, std::string>& aliases, const std::string& version) {
  VersionNames out;
  for (const auto& [stage, versions] : stages)
    if (std::find(versions.begin(), versions.end(), version) != versions.end()) out.stages.push_back(stage);
  for (const auto& [alias, v] : aliases)
    if (v == version) out.aliases.push_back(alias);
  return out;
}

std::string VersionNames::stages_text() const { return fmt::format("{}", fmt::join(stages, ", ")); }

std::string VersionNames::aliases_text() const {
  std::string out;
  for (const auto& a : aliases) out += (out.empty() ? "@" : ", @") + a;
  return out;
}

}  // namespace mlops

#include "pipeline/lock_file.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "core/error.hpp"
#include "pipeline/yaml_field.hpp"
#include "core/fs.hpp"
#include "core/yaml_load.hpp"
#include "repo/repo.hpp"

namespace mlops {

namespace {

std::vector<LockedPath> read_paths(const YAML::Node& n, const std::string& where) {
  std::vector<LockedPath> out;
  if (!n.IsDefined() || n.IsNull()) return out;
  if (!n.IsSequence()) fail(ExitCode::Input, "{}:{}: expected a list of paths", where, n.Mark().line + 1);
  for (const auto& e : n) {
    if (!e.IsMap() || !yaml_field(e, "path").IsScalar() || !yaml_field(e, "id").IsScalar())
      fail(ExitCode::Input, "{}:{}: each entry needs path and id", where, e.Mark().line + 1);
    out.push_back({yaml_field(e, "path").Scalar(), yaml_field(e, "id").Scalar(), yaml_field(e, "kind").IsScalar() ? yaml_field(e, "kind").Scalar() : "file",
                   yaml_field(e, "size").IsScalar() ? yaml_field(e, "size").as<std::uint64_t>(0) : 0});
  }
  return out;
}

void emit_paths(YAML::Emitter& y, const char* key, std::vector<LockedPath> paths) {
  if (paths.empty()) return;
  std::sort(paths.begin(), paths.end(), [](const LockedPath& a, const LockedPath& b) { return a.path < b.path; });
  y << YAML::Key << key << YAML::Value << YAML::BeginSeq;
  for (const auto& p : paths) {
    y << YAML::BeginMap << YAML::Key << "path" << YAML::Value << p.path << YAML::Key << "id" << YAML::Value << p.id;
    y << YAML::Key << "size" << YAML::Value << p.size;
    if (p.kind == "dir") y << YAML::Key << "kind" << YAML::Value << "dir";
    y << YAML::EndMap;
  }
  y << YAML::EndSeq;
}

}  // namespace

std::map<std::string, LockEntry> read_lock(Repo& repo) {
  std::map<std::string, LockEntry> out;
  if (!lstat_path(repo.abs(kLockFile))) return out;
  YAML::Node root;
  try {
    root = load_yaml_file(repo.abs(kLockFile), kLockFile);
  } catch (const YAML::Exception& e) {
    fail(ExitCode::Input, "{}:{}: malformed lock file: {}", kLockFile, e.mark.line + 1, e.msg);
  }
  const YAML::Node stages = yaml_field(root, "stages");
  if (!stages.IsDefined() || stages.IsNull()) return out;
  if (!stages.IsMap()) fail(ExitCode::Input, "{}: expected 'stages:' mapping", kLockFile);
  for (const auto& kv : stages) {
    LockEntry e;
    const YAML::Node& s = kv.second;
    e.cmd = yaml_field(s, "cmd").IsScalar() ? yaml_field(s, "cmd").Scalar() : "";
    e.deps = read_paths(yaml_field(s, "deps"), kLockFile);
    e.outs = read_paths(yaml_field(s, "outs"), kLockFile);
    if (yaml_field(s, "env").IsMap())
      for (const auto& kv : yaml_field(s, "env")) e.env[kv.first.Scalar()] = kv.second.Scalar();
    if (yaml_field(s, "params").IsMap())
      for (const auto& f : yaml_field(s, "params"))
        for (const auto& p : f.second) e.params[f.first.Scalar()][p.first.Scalar()] = p.second.Scalar();
    out[kv.first.Scalar()] = std::move(e);
  }
  return out;
}

void write_lock(Repo& repo, const std::map<std::string, LockEntry>& entries) {
  YAML::Emitter y;
  y << YAML::Comment("written by mlops run: what each stage last ran with; commit it") << YAML::Newline;
  y << YAML::BeginMap << YAML::Key << "schema" << YAML::Value << 1;
  y << YAML::Key << "stages" << YAML::Value << YAML::BeginMap;
  for (const auto& [name, e] : entries) {  // std::map: by name
    y << YAML::Key << name << YAML::Value << YAML::BeginMap;
    y << YAML::Key << "cmd" << YAML::Value << e.cmd;
    if (!e.env.empty()) {
      y << YAML::Key << "env" << YAML::Value << YAML::BeginMap;
      for (const auto& [k, v] : e.env) y << YAML::Key << k << YAML::Value << YAML::DoubleQuoted << v;
      y << YAML::EndMap;
    }
    emit_paths(y, "deps", e.deps);
    if (!e.params.empty()) {
      y << YAML::Key << "params" << YAML::Value << YAML::BeginMap;
      for (const auto& [file, kv] : e.params) {
        y << YAML::Key << file << YAML::Value << YAML::BeginMap;
        for (const auto& [k, v] : kv) y << YAML::Key << k << YAML::Value << YAML::DoubleQuoted << v;
        y << YAML::EndMap;
      }
      y << YAML::EndMap;
    }
    emit_paths(y, "outs", e.outs);
    y << YAML::EndMap;
  }
  y << YAML::EndMap << YAML::EndMap;
  atomic_write(repo.abs(kLockFile), std::string(y.c_str()) + "\n");
}

}  // namespace mlops

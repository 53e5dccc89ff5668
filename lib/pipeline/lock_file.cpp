#include "pipeline/lock_file.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>

#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/safe_tree.hpp"
#include "core/text.hpp"
#include "pipeline/yaml_field.hpp"
#include "core/fs.hpp"
#include "core/yaml_load.hpp"
#include "repo/repo.hpp"

namespace mlops {

namespace {

// Every field is checked: a committed lock file is someone else's input, and
// its outputs are written by checkout and pull.
std::vector<LockedPath> read_paths(const YAML::Node& n, const std::string& where) {
  std::vector<LockedPath> out;
  if (!n.IsDefined() || n.IsNull()) return out;
  if (!n.IsSequence()) fail(ExitCode::Input, "{}:{}: expected a list of paths", where, n.Mark().line + 1);
  for (const auto& e : n) {
    auto at = fmt::format("{}:{}", where, e.Mark().line + 1);
    if (!e.IsMap() || !yaml_field(e, "path").IsScalar() || !yaml_field(e, "id").IsScalar())
      fail(ExitCode::Input, "{}: each entry needs path and id", at);
    LockedPath p{yaml_field(e, "path").Scalar(), yaml_field(e, "id").Scalar(), "file", 0};
    check_writable(p.path, at);
    ObjectId id;
    if (!ObjectId::try_parse(p.id, id)) fail(ExitCode::Input, "{}: invalid object id '{}'", at, printable_path(p.id));
    if (const auto k = yaml_field(e, "kind"); k.IsDefined() && !k.IsNull()) {  // files leave it out
      if (!k.IsScalar() || (k.Scalar() != "file" && k.Scalar() != "dir"))
        fail(ExitCode::Input, "{}: kind must be file or dir", at);
      p.kind = k.Scalar();
    }
    if (const auto sz = yaml_field(e, "size"); sz.IsDefined() && !sz.IsNull()) {
      std::string v = sz.IsScalar() ? sz.Scalar() : std::string();
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), p.size);
      if (v.empty() || ec != std::errc() || end != v.data() + v.size())
        fail(ExitCode::Input, "{}: size must be a whole number of bytes", at);
    }
    out.push_back(std::move(p));
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

std::map<std::string, LockEntry> parse_lock(const std::string& text) {
  std::map<std::string, LockEntry> out;
  YAML::Node root;
  try {
    root = load_yaml(text, kLockFile);
  } catch (const YAML::Exception& e) {
    fail(ExitCode::Input, "{}:{}: malformed lock file: {}", kLockFile, e.mark.line + 1, e.msg);
  }
  if (!root.IsDefined() || root.IsNull()) return out;
  if (!root.IsMap()) fail(ExitCode::Input, "{}: expected a mapping with 'stages:'", kLockFile);
  const YAML::Node stages = yaml_field(root, "stages");
  if (!stages.IsDefined() || stages.IsNull()) return out;
  if (!stages.IsMap()) fail(ExitCode::Input, "{}: expected 'stages:' mapping", kLockFile);
  auto scalar_map = [](const YAML::Node& n, const std::string& at) {
    std::map<std::string, std::string> m;
    if (!n.IsDefined() || n.IsNull()) return m;
    if (!n.IsMap()) fail(ExitCode::Input, "{}:{}: {}: expected a mapping", kLockFile, n.Mark().line + 1, at);
    for (const auto& kv : n) {
      if (!kv.first.IsScalar() || !kv.second.IsScalar())
        fail(ExitCode::Input, "{}:{}: {}: expected single values", kLockFile, kv.first.Mark().line + 1, at);
      m[kv.first.Scalar()] = kv.second.Scalar();
    }
    return m;
  };
  for (const auto& kv : stages) {
    LockEntry e;
    const YAML::Node& s = kv.second;
    if (!kv.first.IsScalar() || !s.IsMap())
      fail(ExitCode::Input, "{}:{}: each stage is a mapping under its name", kLockFile, kv.first.Mark().line + 1);
    e.cmd = yaml_field(s, "cmd").IsScalar() ? yaml_field(s, "cmd").Scalar() : "";
    e.deps = read_paths(yaml_field(s, "deps"), kLockFile);
    e.outs = read_paths(yaml_field(s, "outs"), kLockFile);
    e.env = scalar_map(yaml_field(s, "env"), "env");
    const YAML::Node params = yaml_field(s, "params");
    if (params.IsDefined() && !params.IsNull()) {
      if (!params.IsMap()) fail(ExitCode::Input, "{}:{}: params: expected a mapping", kLockFile, params.Mark().line + 1);
      for (const auto& f : params) e.params[f.first.Scalar()] = scalar_map(f.second, "params");
    }
    out[kv.first.Scalar()] = std::move(e);
  }
  return out;
}

std::map<std::string, LockEntry> read_lock(Repo& repo) {
  if (!lstat_path(repo.abs(kLockFile))) return {};
  return parse_lock(read_file(repo.abs(kLockFile), 64u << 20));
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

#include "pipeline/run_cache.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/error.hpp"
#include "core/fs.hpp"
#include "core/text.hpp"
#include "core/link.hpp"
#include "repo/repo.hpp"
#include "state/db.hpp"
#include "store/object_store.hpp"
#include "store/object_tree.hpp"

namespace mlops {

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

bool in_store(Repo& repo, const std::vector<LockedPath>& outs) {
  for (const auto& o : outs) {
    ObjectId id;
    if (!ObjectId::try_parse(o.id, id) || !has_tree(repo.store(), id, o.kind == "dir", o.path)) return false;
  }
  return true;
}

namespace {

// An entry's outputs as stored (JSON); nullopt for a damaged entry.
std::optional<std::vector<LockedPath>> parse_outs(const std::string& text) {
  try {
    std::vector<LockedPath> outs;
    for (const auto& j : nlohmann::json::parse(text))
      outs.push_back({j.at("path"), j.at("id"), j.at("kind"), j.at("size")});
    return outs;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::optional<std::vector<LockedPath>> cached_outputs(Repo& repo, const std::string& key, const Stage& s,
                                                      const LockEntry* locked, const LockEntry& now) {
  std::optional<std::vector<LockedPath>> outs;
  Stmt q(repo.db(), "SELECT outs FROM run_cache WHERE key = ?");
  q.bind(1, key);
  if (q.step()) {
    outs = parse_outs(q.col_text(0));  // a damaged entry: the stage runs again
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
  if (!outs) return std::nullopt;
  // An entry must name exactly the stage's outputs, each safe to write, with
  // the objects in the store; a damaged one is a miss (the stage runs).
  std::vector<std::string> want = s.outputs(), have;
  for (const auto& o : *outs) {
    if (!is_safe_relative_path(o.path) || (o.kind != "file" && o.kind != "dir")) return std::nullopt;
    have.push_back(o.path);
  }
  std::sort(want.begin(), want.end());
  std::sort(have.begin(), have.end());
  if (want != have) return std::nullopt;
  try {
    if (!in_store(repo, *outs)) return std::nullopt;
  } catch (const Error&) {
    return std::nullopt;  // a "folder" whose manifest is not one
  }
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

std::vector<std::pair<std::string, std::vector<LockedPath>>> run_cache_entries(Repo& repo) {
  std::vector<std::pair<std::string, std::vector<LockedPath>>> out;
  Stmt q(repo.db(), "SELECT stage, outs FROM run_cache");
  while (q.step())
    if (auto outs = parse_outs(q.col_text(1))) out.emplace_back(q.col_text(0), std::move(*outs));
  return out;
}

std::size_t clear_run_cache(Repo& repo) {
  Stmt count(repo.db(), "SELECT count(*) FROM run_cache");
  count.step();
  auto n = static_cast<std::size_t>(count.col_int(0));
  Stmt(repo.db(), "DELETE FROM run_cache").run();
  return n;
}

}  // namespace mlops

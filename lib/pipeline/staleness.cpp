#include "pipeline/staleness.hpp"

#include "core/error.hpp"
#include "data/workspace.hpp"
#include "repo/repo.hpp"
#include "store/manifest.hpp"
#include "store/object_tree.hpp"

namespace mlops {

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


std::map<std::string, std::string> Params::values(const Stage& s, const std::string& file,
                                                const std::vector<std::string>& keys) {
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

}  // namespace mlops

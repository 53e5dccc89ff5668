#include "tracking/run_apply.hpp"

#include <set>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "data/checkout.hpp"
#include "exp/run_store.hpp"
#include "pipeline/lock_file.hpp"
#include "pipeline/output_source.hpp"
#include "remote/remote.hpp"
#include "remote/transfer.hpp"
#include "repo/git.hpp"
#include "repo/git_history.hpp"
#include "repo/repo.hpp"
#include "store/object_store.hpp"

namespace mlops {

ApplyResult apply_run(Repo& repo, const std::string& ref, bool force, const std::string& remote) {
  Run run = RunStore(repo.db()).get(ref);
  ApplyResult res{run.name, run.id, {}, {}};
  auto lock_it = run.artifacts.find(kLockFile);
  if (lock_it == run.artifacts.end())
    throw Error(ExitCode::Input, fmt::format("run {} ({}) recorded no {}: only pipeline runs can be applied", run.name,
                                             run.short_id(), kLockFile),
                "pipeline runs are those of 'mlops run'");
  ObjectStore& store = repo.store();
  auto content = [&](const std::string& path, const std::string& id) {
    ObjectId oid = ObjectId::parse(id);
    if (!store.has(oid))
      throw Error(ExitCode::Missing, fmt::format("run {}: its {} ({}) is not in the store", run.name, path, id),
                  "pull the run first: mlops exp pull " + run.short_id());
    return store.read_verified(oid, 64u << 20);
  };
  const std::string lock_text = content(kLockFile, lock_it->second);
  auto lock = parse_lock(lock_text);
  // Outputs: from the store, else from the remote; planned before anything is written.
  auto outs = outputs_as_tracked(lock, fmt::format("{} of run {}", kLockFile, run.name));
  std::vector<ObjectId> ids;
  for (const auto& t : outs) ids.push_back(t.ptr.id);
  if (!store.missing(ids).empty() && (!remote.empty() || !remote_names(repo.config()).empty())) {
    TransferScope scope;
    scope.extra = outs;
    scope.only_extra = true;
    fetch(repo, remote, scope, 0, nullptr);
  }
  // The files to write: the lock, the params files it names that the run
  // kept, and the outputs git keeps (metrics and plots files), which checkout
  // leaves to git.
  std::map<std::string, std::string> files{{kLockFile, lock_text}};
  for (const auto& [stage, entry] : lock)
    for (const auto& [file, kv] : entry.params)
      if (auto a = run.artifacts.find(file); a != run.artifacts.end()) files[file] = content(file, a->second);
  std::vector<std::string> out_paths;
  for (const auto& t : outs) out_paths.push_back(t.rel);
  std::set<std::string> in_git;
  for (auto& p : git_indexed_under_any(repo.root(), out_paths, 1u << 20)) in_git.insert(std::move(p));
  for (const auto& t : outs)
    if (t.ptr.kind == Kind::File && in_git.count(t.rel)) files[t.rel] = content(t.rel, t.ptr.id.str());
  // Changes not in git are the user's: refused unless forced.
  auto git = GitRepo::open(repo.root());
  std::optional<GitCommitRef> head = git ? git->resolve("HEAD") : std::nullopt;
  std::vector<std::string> unsaved;
  for (auto it = files.begin(); it != files.end();) {
    const auto& [path, text] = *it;
    auto st = lstat_path(repo.abs(path));
    std::optional<std::string> now;
    if (st && st->is_regular()) now = read_file(repo.abs(path), 64u << 20);
    if (now == text) {
      it = files.erase(it);  // already as the run had it
      continue;
    }
    std::optional<std::string> committed = head ? git->read_file(head->oid, path) : std::nullopt;
    if (st && now != committed) unsaved.push_back(path);
    ++it;
  }
  if (!unsaved.empty() && !force)
    throw Error(ExitCode::Conflict,
                fmt::format("exp apply {} would overwrite changes not committed to git: {}", run.name,
                            list_some(unsaved)),
                "commit or stash them first, or use --force");
  CheckoutOptions opts;
  opts.force = force;
  for (const auto& c : checkout_tracked(repo, outs, opts, nullptr))
    if (c.placed || c.removed) res.outputs.push_back(c.rel);
  for (const auto& [path, text] : files) {
    repo.tree().write_file(path, text);
    res.files.push_back(path);
  }
  return res;
}

}  // namespace mlops

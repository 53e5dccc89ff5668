#include "tracking/run_apply.hpp"

#include <set>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "data/checkout.hpp"
#include "exp/run_store.hpp"
#include "pipeline/lock_file.hpp"
#include "pipeline/output_source.hpp"
#include "pipeline/pipeline_file.hpp"
#include "remote/remote.hpp"
#include "remote/transfer.hpp"
#include "repo/git.hpp"
#include "repo/git_history.hpp"
#include "repo/repo.hpp"
#include "store/object_store.hpp"

namespace mlops {

namespace {

// The files a run's uncommitted diff touches ("diff --git a/P b/P" lines).
std::vector<std::string> diff_paths(const std::string& diff) {
  std::vector<std::string> out;
  for (std::string_view line : split_lines(diff))
    if (line.starts_with("diff --git a/"))
      if (auto b = line.rfind(" b/"); b != std::string_view::npos) out.emplace_back(line.substr(b + 3));
  return out;
}

// What the work tree will lack of the run after apply: see ApplyResult::warnings.
std::vector<std::string> apply_warnings(Repo& repo, const Run& run, const std::optional<GitCommitRef>& head,
                                        const std::set<std::string>& written) {
  std::vector<std::string> out;
  if (run.status != "finished")
    out.push_back(fmt::format("run {} is {}: its {} holds the stages that finished", run.name, run.status, kLockFile));
  if (head && !run.git_commit.empty())
    if (std::string now = oid_hex(head->oid); run.git_commit != now)
      out.push_back(fmt::format("run {} was made at commit {}, HEAD is {}: the code may differ", run.name,
                                run.git_commit.substr(0, 12), now.substr(0, 12)));
  if (!run.git_diff_id.empty()) {
    ObjectId oid = ObjectId::parse(run.git_diff_id);
    if (!repo.store().has(oid)) return out;
    std::vector<std::string> others;
    for (auto& p : diff_paths(repo.store().read_verified(oid, 64u << 20)))
      if (!written.count(p)) others.push_back(printable_path(p));
    if (!others.empty())
      out.push_back(fmt::format("run {} was made with uncommitted changes to {} that apply does not bring back "
                                "(mlops exp show --diff {} | git apply)",
                                run.name, fmt::join(others, ", "), run.name));
  }
  return out;
}

}  // namespace

ApplyResult apply_run(Repo& repo, const std::string& ref, bool force, const std::string& remote) {
  Run run = RunStore(repo.db()).get(ref);
  ApplyResult res{run.name, run.id, {}, {}, {}};
  auto lock_it = run.artifacts.find(kLockFile);
  if (lock_it == run.artifacts.end() && starts_with(run.command, "sweep of "))
    throw Error(ExitCode::Input, fmt::format("run {} ({}) is a sweep: apply one of its runs", run.name, run.short_id()),
                fmt::format("list them with: mlops exp list --filter 'parent = \"{}\"'", run.short_id()));
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
  // Only the metrics and plots files mlops.yaml declares: a run's lock (a
  // teammate's, pulled) must not get any committed file rewritten.
  std::set<std::string> declared;
  if (has_pipeline(repo))
    for (const auto& st : load_pipeline(repo).stages) {
      declared.insert(st.metrics.begin(), st.metrics.end());
      declared.insert(st.plots.begin(), st.plots.end());
    }
  for (const auto& t : outs)
    if (t.ptr.kind == Kind::File && in_git.count(t.rel) && declared.count(t.rel))
      files[t.rel] = content(t.rel, t.ptr.id.str());
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
    if (st && (!st->is_regular() || now != committed)) unsaved.push_back(path);  // a symlink is the user's too
    ++it;
  }
  if (!unsaved.empty() && !force)
    throw Error(ExitCode::Conflict,
                fmt::format("exp apply {} would overwrite changes not committed to git: {}", run.name,
                            list_some(unsaved)),
                "commit or stash them first, or use --force");
  std::set<std::string> written;
  for (const auto& [path, text] : files) written.insert(path);
  for (const auto& t : outs) written.insert(t.rel);
  for (const auto& [path, id] : run.artifacts) written.insert(path);  // params files as the run had them
  res.warnings = apply_warnings(repo, run, head, written);
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

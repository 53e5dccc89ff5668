#include "pipeline/values_diff.hpp"

#include <set>

#include "core/error.hpp"
#include "core/hash.hpp"
#include "pipeline/lock_file.hpp"
#include "store/object_store.hpp"
#include "repo/git_history.hpp"
#include "repo/repo.hpp"

namespace mlops {

std::vector<std::string> params_files(Repo& repo, const Pipeline& p) {
  std::set<std::string> files;
  for (const auto& s : p.stages)
    for (const auto& [file, keys] : s.params) files.insert(file);
  if (files.empty() && lstat_path(repo.abs(kDefaultParamsFile))) files.insert(kDefaultParamsFile);
  return {files.begin(), files.end()};
}

std::vector<std::string> metrics_files(const Pipeline& p) {
  std::set<std::string> files;
  for (const auto& s : p.stages) files.insert(s.metrics.begin(), s.metrics.end());
  return {files.begin(), files.end()};
}

std::string workspace_file_problem(Repo& repo, const std::string& rel) {
  std::string prefix;
  for (std::size_t b = 0, e; b < rel.size(); b = e + 1) {
    e = rel.find('/', b);
    if (e == std::string::npos) e = rel.size();
    prefix = rel.substr(0, e);
    auto st = lstat_path(repo.abs(prefix));
    if (!st) return "";
    // A link may lead anywhere (~/.aws, /proc/self/environ): what a commit
    // brings is read inside the repository only.
    if (st->is_symlink())
      return fmt::format("{}: {} is a symbolic link (not followed: files are read inside the repository only)", rel,
                         prefix);
    if (e == rel.size() && st->is_dir()) return fmt::format("{}: a folder (name the files in it)", rel);
    if (e == rel.size() && !st->is_regular()) return fmt::format("{}: not a regular file", rel);
  }
  return "";
}

std::map<std::string, std::string> file_texts_at(Repo& repo, const std::vector<std::string>& files, const std::string& rev) {
  std::map<std::string, std::string> out;
  if (rev.empty()) {
    for (const auto& f : files) {
      if (std::string why = workspace_file_problem(repo, f); !why.empty()) throw Error(ExitCode::Input, why);
      if (lstat_path(repo.abs(f))) out[f] = read_file(repo.abs(f), 64u << 20);
    }
    return out;
  }
  auto git = GitRepo::open(repo.root());
  if (!git) fail(ExitCode::Usage, "comparing with a revision needs a git repository");
  auto commit = git->resolve(rev);
  if (!commit) return out;  // no commits yet: nothing there
  std::vector<std::string> absent;
  for (const auto& f : files) {
    if (auto text = git->read_file(commit->oid, f)) out[f] = std::move(*text);
    else absent.push_back(f);
  }
  if (absent.empty()) return out;
  // Files git does not keep there (a DVC project's cached plots, imported):
  // the content mlops.lock recorded for them then, when the store has it.
  auto lock_text = git->read_file(commit->oid, kLockFile);
  if (!lock_text) return out;
  std::map<std::string, std::string> recorded;  // path -> id
  try {
    for (const auto& [stage, entry] : parse_lock(*lock_text))
      for (const auto& o : entry.outs)
        if (o.kind == "file") recorded[o.path] = o.id;
  } catch (const Error&) {
    return out;  // that revision's mlops.lock is malformed: git's files only
  }
  for (const auto& f : absent) {
    auto it = recorded.find(f);
    if (it == recorded.end()) continue;
    try {
      ObjectId id = ObjectId::parse(it->second);
      if (repo.store().has(id)) out[f] = repo.store().read_verified(id, 64u << 20);
    } catch (const Error&) {
      // a malformed id, or content that is not what it should be: not there
    }
  }
  return out;
}

FileValues values_at(Repo& repo, const std::vector<std::string>& files, const std::string& rev) {
  FileValues out;
  for (const auto& [f, text] : file_texts_at(repo, files, rev)) out[f] = flatten_yaml(text, rev.empty() ? f : rev + ":" + f);
  return out;
}

std::vector<ValueChange> diff_values(const FileValues& a, const FileValues& b, bool all) {
  std::set<std::string> files;
  for (const auto& [f, _] : a) files.insert(f);
  for (const auto& [f, _] : b) files.insert(f);
  std::vector<ValueChange> out;
  static const std::map<std::string, std::string> none;
  for (const auto& f : files) {
    const auto& x = a.count(f) ? a.at(f) : none;
    const auto& y = b.count(f) ? b.at(f) : none;
    std::set<std::string> keys;
    for (const auto& [k, _] : x) keys.insert(k);
    for (const auto& [k, _] : y) keys.insert(k);
    for (const auto& k : keys) {
      ValueChange c{f, k, std::nullopt, std::nullopt};
      if (auto it = x.find(k); it != x.end()) c.old_value = it->second;
      if (auto it = y.find(k); it != y.end()) c.new_value = it->second;
      if (all || c.old_value != c.new_value) out.push_back(std::move(c));
    }
  }
  return out;
}

}  // namespace mlops

#include "pipeline/values_diff.hpp"

#include <set>

#include "core/error.hpp"
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

std::map<std::string, std::string> file_texts_at(Repo& repo, const std::vector<std::string>& files, const std::string& rev) {
  std::map<std::string, std::string> out;
  if (rev.empty()) {
    for (const auto& f : files)
      if (lstat_path(repo.abs(f))) out[f] = read_file(repo.abs(f), 64u << 20);
    return out;
  }
  auto git = GitRepo::open(repo.root());
  if (!git) fail(ExitCode::Usage, "comparing with a revision needs a git repository");
  auto commit = git->resolve(rev);
  if (!commit) return out;  // no commits yet: nothing there
  for (const auto& f : files)
    if (auto text = git->read_file(commit->oid, f)) out[f] = std::move(*text);
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

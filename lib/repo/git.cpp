#include "repo/git.hpp"

#include <mutex>

namespace mlops {

std::string oid_hex(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &oid);
  return buf;
}

void ensure_libgit2() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    // Never let libgit2 read the user's global git config for .mlops/config.
  });
}

std::string git_last_error(const char* fallback) {
  const git_error* e = git_error_last();
  return e && e->message ? e->message : fallback;
}

std::vector<std::string> git_indexed_under(const fs::path& root, const std::string& rel, std::size_t max) {
  return git_indexed_under_any(root, {rel}, max);
}

std::vector<std::string> git_indexed_under_any(const fs::path& root, const std::vector<std::string>& rels,
                                               std::size_t max) {
  std::vector<std::string> out;
  if (rels.empty()) return out;
  ensure_libgit2();
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, root.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0) return out;
  GitRepoPtr repo(raw);
  git_index* idx = nullptr;
  if (git_repository_index(&idx, repo.get()) != 0) return out;
  GitIndexPtr index(idx);
  for (const auto& rel : rels) {
    std::size_t pos = 0;
    if (git_index_find_prefix(&pos, index.get(), rel.c_str()) != 0) continue;
    for (std::size_t n = git_index_entrycount(index.get()); pos < n && out.size() < max; ++pos) {
      std::string_view path = git_index_get_byindex(index.get(), pos)->path;
      if (path.substr(0, rel.size()) != rel) break;
      if (path.size() == rel.size() || path[rel.size()] == '/') out.emplace_back(path);
    }
  }
  return out;
}

std::optional<fs::path> git_worktree_of(const fs::path& start) {
  ensure_libgit2();
  git_repository* raw = nullptr;
  if (git_repository_open_ext(&raw, start.c_str(), 0, nullptr) != 0) return std::nullopt;
  GitRepoPtr repo(raw);
  const char* wd = git_repository_workdir(repo.get());
  if (!wd) return std::nullopt;  // bare repository
  return fs::path(wd).lexically_normal().parent_path();
}

}  // namespace mlops

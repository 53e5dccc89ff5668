#include "data/add.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/safe_tree.hpp"
#include "data/gitignore.hpp"
#include "data/tracked.hpp"
#include "data/workspace.hpp"
#include "repo/git.hpp"
#include "repo/repo.hpp"
#include "store/object_store.hpp"
#include "store/store_lock.hpp"

namespace mlops {

std::vector<AddResult> add_paths(Repo& repo, const std::vector<std::string>& rels_in, const TrackedSources& sources,
                                 Progress* progress) {
  std::vector<std::string> rels = rels_in;
  std::sort(rels.begin(), rels.end());
  rels.erase(std::unique(rels.begin(), rels.end()), rels.end());

  // 1. Check every path before anything is read or written.
  std::vector<WorkTree> trees;
  for (const auto& rel : rels) {
    check_writable(rel, "mlops add");
    gitignore_check(repo.root(), rel);
    for (const auto& s : sources)
      if (std::string who = s->claims(repo, rel); !who.empty())
        throw Error(ExitCode::Input, fmt::format("{} is {}: mlops run tracks it already", rel, who),
                    "run the stage ('mlops run') to store it, or remove it from the stage's outs first");
    if (auto anc = tracked_ancestor(repo, rel); !anc.empty())
      throw Error(ExitCode::Input, fmt::format("{} is inside the tracked folder {}", rel, anc),
                  fmt::format("add the folder instead: mlops add {}", anc));
    for (const auto& other : rels)
      if (other != rel && other.size() > rel.size() && other.compare(0, rel.size() + 1, rel + "/") == 0)
        fail(ExitCode::Input, "{} and {} overlap; add one of them", rel, other);
    if (auto in_git = git_indexed_under(repo.root(), rel); !in_git.empty())
      throw Error(ExitCode::Input,
                  fmt::format("{} is tracked by git ({}); git would keep a second copy of the data", rel, in_git[0]),
                  fmt::format("stop tracking it in git first: git rm -r --cached '{}'", rel));
    WorkTree tree = list_workspace(repo, rel);
    if (tree.shape == Shape::Absent) fail(ExitCode::Input, "{} does not exist", rel);
    trees.push_back(std::move(tree));
  }

  // 2. Store the content (only what the store lacks is written). gc waits
  // until the pointers naming it are written.
  StoreLock lock(repo.store().base_dir(), StoreLock::Mode::Shared);
  std::vector<AddResult> results;
  for (std::size_t i = 0; i < rels.size(); ++i) {
    AddResult r;
    r.rel = rels[i];
    WorkTree& tree = trees[i];
    IdentifyStats stats;
    r.ptr = store_tree(repo, r.rel, tree, stats, progress);
    r.files_read = stats.files_read;
    r.objects_written = stats.objects_written;
    r.bytes_written = stats.bytes_written;
    results.push_back(std::move(r));
  }

  // 3. Write pointers and .gitignore entries.
  for (auto& r : results) {
    std::string text = serialize_pointer(r.ptr);
    fs::path pointer = repo.abs(r.rel + std::string(kPointerSuffix));
    std::string old;
    if (auto st = lstat_path(pointer); st && st->is_regular()) old = read_file(pointer, 1u << 20);
    r.changed = old != text;
    if (r.changed) atomic_write(pointer, text);
    if (r.changed) r.git_files.push_back(r.rel + std::string(kPointerSuffix));
    if (auto gi = gitignore_add(repo.root(), r.rel); !gi.empty()) r.git_files.push_back(gi);
  }
  return results;
}

}  // namespace mlops

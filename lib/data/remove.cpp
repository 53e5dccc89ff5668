#include "data/remove.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "data/gitignore.hpp"
#include "data/status.hpp"
#include "repo/repo.hpp"
#include "state/stat_cache.hpp"

namespace mlops {

std::vector<RemoveResult> remove_tracked(Repo& repo, const std::vector<std::string>& rels, const RemoveOptions& opts,
                                         const TrackedSources& sources) {
  if (rels.empty()) fail(ExitCode::Usage, "name the paths to stop tracking");
  std::vector<Tracked> tracked;
  for (const auto& rel : rels) {
    if (!lstat_path(repo.abs(rel + std::string(kPointerSuffix))))
      fail(ExitCode::Input, "{} is not tracked by mlops", rel);
    tracked.push_back(load_tracked(repo, rel));
  }
  std::vector<bool> remove_data(tracked.size(), false);
  if (!opts.keep_data) {
    for (std::size_t i = 0; i < tracked.size(); ++i) {
      PathStatus s = compare_path(repo, tracked[i], nullptr);
      if (s.state == WorkState::Deleted) continue;
      if ((s.state == WorkState::Modified || !s.in_store) && !opts.force)
        throw Error(ExitCode::Conflict,
                    fmt::format("{} has content that is not in the store; removing it would lose it", tracked[i].rel),
                    "use --keep-data to stop tracking but keep the files, or --force to delete them anyway");
      remove_data[i] = true;
    }
  }
  std::vector<RemoveResult> out;
  StatCache cache(repo.db());
  for (std::size_t i = 0; i < tracked.size(); ++i) {
    RemoveResult r;
    r.rel = tracked[i].rel;
    if (remove_data[i]) {
      repo.tree().remove(r.rel);
      r.data_removed = true;
    }
    remove_file(repo.abs(tracked[i].pointer_rel()));
    r.git_files.push_back(tracked[i].pointer_rel());
    bool still_needed = std::any_of(sources.begin(), sources.end(),
                                    [&](const auto& s) { return !s->claims(repo, r.rel).empty(); });
    if (!still_needed)
      if (auto gi = gitignore_remove(repo.root(), r.rel); !gi.empty()) r.git_files.push_back(gi);
    cache.forget_under(r.rel);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace mlops

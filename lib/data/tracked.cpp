#include "data/tracked.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/safe_tree.hpp"
#include "core/text.hpp"
#include "core/walk.hpp"
#include "data/tracked_source.hpp"
#include "repo/git_history.hpp"
#include "repo/repo.hpp"

namespace mlops {

Tracked load_tracked(const Repo& repo, const std::string& rel) {
  Tracked t;
  t.rel = rel;
  fs::path file = repo.abs(t.pointer_rel());
  auto st = lstat_path(file);
  if (!st) fail(ExitCode::Input, "{} is not tracked by mlops (no {})", rel, t.pointer_rel());
  if (!st->is_regular()) fail(ExitCode::Input, "{} is not a regular file", t.pointer_rel());
  return parse_tracked(rel, read_file(file, 1u << 20), t.pointer_rel());
}

Tracked parse_tracked(const std::string& rel, std::string_view text, const std::string& source) {
  Tracked t;
  t.rel = rel;
  check_writable(rel, source);
  t.ptr = parse_pointer(text, source);
  std::string name = rel.substr(rel.rfind('/') + 1);
  if (t.ptr.path != name)
    fail(ExitCode::Input, "{}: path '{}' does not match the pointer file's name (expected '{}')", source,
         printable_path(t.ptr.path), name);
  return t;
}

namespace {

Tracked load_or_conflict(const Repo& repo, const std::string& rel, bool keep_conflicts) {
  try {
    return load_tracked(repo, rel);
  } catch (const Error& e) {
    if (!keep_conflicts || std::string_view(e.what()).find("unresolved merge conflict") == std::string_view::npos) throw;
    Tracked t;
    t.rel = rel;
    t.conflict = e.what();
    return t;
  }
}

void collect_under(const Repo& repo, const std::string& rel, std::vector<Tracked>& out, bool keep_conflicts) {
  WalkVisitor v;
  v.enter_dir = [&](const WalkEntry& e) {
    std::string_view name = std::string_view(e.rel).substr(e.rel.rfind('/') + 1);
    if (name == ".git" || name == ".mlops") return false;
    // A tracked folder holds data, not pointers: do not descend.
    return !lstat_path(repo.abs(e.rel + std::string(kPointerSuffix)));
  };
  v.file = [&](const WalkEntry& e) {
    if (e.rel.size() > kPointerSuffix.size() && e.rel.ends_with(kPointerSuffix) && e.st.is_regular())
      out.push_back(load_or_conflict(repo, e.rel.substr(0, e.rel.size() - kPointerSuffix.size()), keep_conflicts));
  };
  walk_tree(repo.abs(rel), rel, v);
}

}  // namespace

std::vector<Tracked> find_tracked(const Repo& repo, const std::vector<std::string>& rels, bool keep_conflicts,
                                  bool untracked_ok) {
  std::vector<Tracked> out;
  if (rels.empty()) collect_under(repo, "", out, keep_conflicts);
  for (const auto& rel : rels) {
    if (lstat_path(repo.abs(rel + std::string(kPointerSuffix)))) {
      out.push_back(load_or_conflict(repo, rel, keep_conflicts));
      continue;
    }
    auto st = lstat_path(repo.abs(rel));
    std::size_t before = out.size();
    if (st && st->is_dir()) collect_under(repo, rel, out, keep_conflicts);
    if (out.size() == before && !untracked_ok) {
      if (auto anc = tracked_ancestor(repo, rel); !anc.empty())
        throw Error(ExitCode::Input, fmt::format("{} is inside the tracked folder {}", rel, anc),
                    fmt::format("name the folder itself: {}", anc));
      fail(ExitCode::Input, "{} is not tracked by mlops", rel);
    }
  }
  std::sort(out.begin(), out.end(), [](const Tracked& a, const Tracked& b) { return a.rel < b.rel; });
  out.erase(std::unique(out.begin(), out.end(), [](const Tracked& a, const Tracked& b) { return a.rel == b.rel; }),
            out.end());
  return out;
}

std::vector<Tracked> filter_tracked(std::vector<Tracked> all, const std::vector<std::string>& rels,
                                    std::string_view where) {
  if (rels.empty()) return all;
  std::vector<Tracked> out;
  for (const auto& rel : rels) {
    std::size_t before = out.size();
    for (const auto& t : all)
      if (t.rel == rel || rel.empty() || starts_with(t.rel, rel + "/")) out.push_back(t);
    if (out.size() == before) fail(ExitCode::Input, "{} is not tracked {}", rel, where);
  }
  std::sort(out.begin(), out.end(), [](const Tracked& a, const Tracked& b) { return a.rel < b.rel; });
  out.erase(std::unique(out.begin(), out.end(), [](const Tracked& a, const Tracked& b) { return a.rel == b.rel; }),
            out.end());
  return out;
}

std::vector<Tracked> find_tracked_at(const Repo& repo, const std::string& rev, const std::vector<std::string>& rels) {
  auto git = GitRepo::open(repo.root());
  if (!git) fail(ExitCode::Usage, "--rev needs a git repository; {} is not one", repo.root().string());
  std::vector<Tracked> all;
  if (auto commit = git->resolve(rev)) {
    git->for_each_file(commit->oid, kPointerSuffix, [&](const std::string& path, std::string text) {
      std::string rel = path.substr(0, path.size() - kPointerSuffix.size());
      all.push_back(parse_tracked(rel, text, fmt::format("{}:{}", rev, path)));
    });
  }
  std::sort(all.begin(), all.end(), [](const Tracked& a, const Tracked& b) { return a.rel < b.rel; });
  return filter_tracked(std::move(all), rels, fmt::format("at {}", rev));
}

std::string tracked_ancestor(const Repo& repo, const std::string& rel) {
  for (auto slash = rel.rfind('/'); slash != std::string::npos && slash > 0; slash = rel.rfind('/', slash - 1)) {
    std::string up = rel.substr(0, slash);
    if (lstat_path(repo.abs(up + std::string(kPointerSuffix)))) return up;
    if (slash == 0) break;
  }
  return {};
}

}  // namespace mlops

namespace mlops {

namespace {

class PointerSource : public TrackedSource {
public:
  std::vector<Tracked> in_workspace(Repo& repo, const std::vector<std::string>& rels) const override {
    return find_tracked(repo, rels, false, true);
  }
  bool is_pointer_files() const override { return true; }
  std::vector<Tracked> in_commit(Repo&, GitRepo& git, const GitCommitRef& c) const override {
    std::vector<Tracked> out;
    git.for_each_file(c.oid, kPointerSuffix, [&](const std::string& path, std::string text) {
      std::string where = fmt::format("{} ({}):{}", c.label, c.short_id(), path);
      out.push_back(parse_tracked(path.substr(0, path.size() - kPointerSuffix.size()), text, where));
    });
    return out;
  }
};

}  // namespace

std::unique_ptr<TrackedSource> pointer_source() { return std::make_unique<PointerSource>(); }

std::vector<Tracked> tracked_in_workspace(Repo& repo, const TrackedSources& sources,
                                          const std::vector<std::string>& rels) {
  std::vector<Tracked> out;
  for (const auto& s : sources)
    for (auto& t : s->in_workspace(repo, rels)) out.push_back(std::move(t));
  std::sort(out.begin(), out.end(), [](const Tracked& a, const Tracked& b) { return a.rel < b.rel; });
  return out;
}

std::vector<Tracked> resolve_tracked(Repo& repo, const TrackedSources& sources, const std::vector<std::string>& rels,
                                     const std::string& rev) {
  std::vector<Tracked> all;
  std::string where = "by mlops";
  if (rev.empty()) {
    all = tracked_in_workspace(repo, sources, rels);  // pointers elsewhere are not even read
  } else {
    auto git = GitRepo::open(repo.root());
    if (!git) fail(ExitCode::Usage, "--rev needs a git repository; {} is not one", repo.root().string());
    if (auto commit = git->resolve(rev))
      for (const auto& s : sources)
        for (auto& t : s->in_commit(repo, *git, *commit)) all.push_back(std::move(t));
    std::sort(all.begin(), all.end(), [](const Tracked& a, const Tracked& b) { return a.rel < b.rel; });
    where = fmt::format("at {}", rev);
  }
  return select_tracked(repo, std::move(all), rels, rev.empty(), where);
}

std::vector<Tracked> select_tracked(const Repo& repo, std::vector<Tracked> all, const std::vector<std::string>& rels,
                                    bool in_workspace, std::string_view where) {
  for (const auto& rel : rels) {
    std::string folder;
    for (const auto& t : all)
      if (starts_with(rel, t.rel + "/")) folder = t.rel;
    // Only the paths named were read from the work tree: a folder above them
    // is found by its pointer file.
    if (folder.empty() && in_workspace) folder = tracked_ancestor(repo, rel);
    if (!folder.empty())
      throw Error(ExitCode::Input, fmt::format("{} is inside the tracked folder {}", rel, folder),
                  fmt::format("name the folder itself: {}", folder));
  }
  return filter_tracked(std::move(all), rels, where);
}

}  // namespace mlops

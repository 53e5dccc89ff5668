#include "data/checkout.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <unordered_set>

#include "core/error.hpp"
#include "core/safe_tree.hpp"
#include "core/text.hpp"
#include "core/parallel.hpp"
#include "data/tracked.hpp"
#include "repo/git.hpp"
#include "data/workspace.hpp"
#include "repo/repo.hpp"
#include "state/stat_cache.hpp"
#include "store/manifest.hpp"
#include "store/object_store.hpp"
#include "store/store_lock.hpp"

namespace mlops {

namespace {

struct Plan {
  Tracked tracked;
  WorkTree tree;
  std::vector<ManifestEntry> place;   // paths relative to the tracked path
  std::vector<std::string> remove;    // files in the work tree not in the version
  bool clear_whole = false;           // the work tree holds the wrong kind of thing
};


Plan make_plan(Repo& repo, const Tracked& t, std::vector<std::string>& unsaved, std::vector<std::string>& missing) {
  ObjectStore& store = repo.store();
  repo.tree().open_parent(t.rel, false);  // refuses a symlink on the way before anything is read
  Plan p{t, list_workspace(repo, t.rel), {}, {}, false};
  Manifest want;
  if (t.ptr.kind == Kind::File) {
    want.entries.push_back({"", t.ptr.id, t.ptr.size, t.ptr.executable});
    // The pointer's size is not trusted: it must be the object's (a manifest's
    // sizes come with its verified content, and each copy is verified anyway).
    if (auto st = lstat_path(store.path_of(t.ptr.id)); st && st->size != t.ptr.size)
      throw Error(ExitCode::Input,
                  fmt::format("{}: size {} does not match the stored object {} ({} bytes)", t.where(),
                              t.ptr.size, t.ptr.id.str(), st->size),
                  "the pointer file was edited or damaged: restore it from git; nothing was changed");
  } else {
    if (!store.has(t.ptr.id)) {
      missing.push_back(fmt::format("{} (folder manifest {})", t.rel, t.ptr.id.str()));
      return p;
    }
    want = Manifest::parse(store.read_verified(t.ptr.id), t.where() + " (manifest)");
    for (const auto& e : want.entries) check_writable(t.rel + "/" + e.path, t.where() + " (manifest)");
    if (want.entries.size() != t.ptr.files && t.origin.empty())
      fail(ExitCode::Input, "{}: files: {} but its manifest lists {}", t.where(), t.ptr.files, want.entries.size());
    if (want.total_size() != t.ptr.size)
      fail(ExitCode::Input, "{}: size: {} but its manifest adds up to {}", t.where(), t.ptr.size, want.total_size());

  }
  identify(repo, t.rel, p.tree, Identify::HashOnly, nullptr);
  bool kind_ok = p.tree.shape == Shape::Absent ||
                 (p.tree.shape == Shape::File) == (t.ptr.kind == Kind::File);
  auto shown = [&](const std::string& path) { return cache_key(t.rel, path); };
  if (!kind_ok) {
    p.clear_whole = true;
    for (const auto& f : p.tree.files)
      if (!store.has(f.id)) unsaved.push_back(shown(f.path));
    p.place = want.entries;
  } else {
    const auto& have = p.tree.files;
    std::size_t i = 0, j = 0;
    while (i < want.entries.size() || j < have.size()) {
      if (j == have.size() || (i < want.entries.size() && want.entries[i].path < have[j].path)) {
        p.place.push_back(want.entries[i++]);
      } else if (i == want.entries.size() || have[j].path < want.entries[i].path) {
        if (!store.has(have[j].id)) unsaved.push_back(shown(have[j].path));
        p.remove.push_back(have[j++].path);
      } else {
        if (want.entries[i].id != have[j].id || want.entries[i].executable != have[j].st.is_executable()) {
          if (!store.has(have[j].id)) unsaved.push_back(shown(have[j].path));
          p.place.push_back(want.entries[i]);
        }
        ++i, ++j;
      }
    }
  }
  // What will be copied, against its object's size, before anything is written
  // (a manifest's sizes are someone else's input too).
  if (t.ptr.kind == Kind::Dir)
    for (const auto& e : p.place)
      if (auto st = lstat_path(store.path_of(e.id)); st && st->size != e.size)
        fail(ExitCode::Input, "{} (manifest): '{}' says {} bytes, but its object {} holds {}", t.where(),
             printable_path(e.path), e.size, e.id.str(), st->size);
  std::vector<ObjectId> ids;
  ids.reserve(p.place.size());
  for (const auto& e : p.place) ids.push_back(e.id);
  std::vector<ObjectId> absent = store.missing(ids);
  if (!absent.empty()) {
    std::unordered_set<ObjectId> lacking(absent.begin(), absent.end());
    for (const auto& e : p.place)
      if (lacking.count(e.id)) missing.push_back(fmt::format("{} ({})", shown(e.path), e.id.str()));
  }
  return p;
}

// Files to place, in pieces of one folder each (at most kPieceFiles files), so
// that a folder is opened once per piece and pieces go to different threads.
struct Piece {
  std::string dir;  // repo-relative
  std::size_t begin, end;
};
constexpr std::size_t kPieceFiles = 256;

std::vector<Piece> pieces(const std::string& top, const std::vector<ManifestEntry>& place) {
  std::vector<Piece> out;
  for (std::size_t k = 0; k < place.size(); ++k) {
    std::string full = place[k].path.empty() ? top : top + "/" + place[k].path;
    auto slash = full.rfind('/');
    std::string dir = slash == std::string::npos ? std::string() : full.substr(0, slash);
    if (out.empty() || out.back().dir != dir || out.back().end - out.back().begin >= kPieceFiles)
      out.push_back({dir, k, k});
    out.back().end = k + 1;
  }
  return out;
}

CheckoutResult execute(Repo& repo, Plan& p, Linker& linker, Progress* progress) {
  CheckoutResult r;
  const std::string& top = p.tracked.rel;
  r.rel = top;
  const SafeTree& tree = repo.tree();
  if (p.clear_whole) tree.remove(top);
  for (const auto& path : p.remove) {
    tree.remove(top + "/" + path);
    tree.prune_empty_parents(top + "/" + path, top);
    ++r.removed;
  }
  if (p.tracked.ptr.kind == Kind::Dir) tree.open_dir(top, true);
  auto work = pieces(top, p.place);
  for (const auto& w : work) tree.open_dir(w.dir, true);  // made in order, before the threads
  ObjectStore& store = repo.store();
  std::vector<std::pair<std::string, StatRecord>> records(p.place.size());
  std::mutex mu;
  std::set<LinkMode> used;
  parallel_for(work.size(), repo.jobs(), [&](std::size_t w) {
    UniqueFd dir = tree.open_dir(work[w].dir, false);
    if (!dir) fail(ExitCode::Io, "{} vanished during checkout", repo.abs(work[w].dir).string());
    for (std::size_t k = work[w].begin; k < work[w].end; ++k) {
      const ManifestEntry& e = p.place[k];
      std::string full = e.path.empty() ? top : top + "/" + e.path;
      std::string name = full.substr(full.rfind('/') + 1);
      auto placed = linker.place({store.path_of(e.id), e.size, &e.id, dir.get(), name, repo.abs(full), e.executable});
      records[k] = {cache_key(top, e.path), StatRecord{placed.st, e.id}};
      advance(progress, 1, e.size);
      std::lock_guard lock(mu);
      used.insert(placed.mode);
    }
  });
  StatCache(repo.db()).store(records);
  r.placed = p.place.size();
  r.modes_used.assign(used.begin(), used.end());
  return r;
}

}  // namespace

std::vector<CheckoutResult> checkout(Repo& repo, const std::vector<std::string>& rels, const CheckoutOptions& opts,
                                     const TrackedSources& sources, Progress* progress) {
  return checkout_tracked(repo, resolve_tracked(repo, sources, rels, opts.rev), opts, progress);
}

std::vector<CheckoutResult> checkout_tracked(Repo& repo, const std::vector<Tracked>& tracked_in,
                                             const CheckoutOptions& opts, Progress* progress) {
  StoreLock lock(repo.store().base_dir(), StoreLock::Mode::Shared);  // gc waits
  // Records may not overlap (a folder and a path inside it), and never name
  // what git keeps (mlops.yaml, a pointer file, .gitignore...): a pointer or
  // mlops.lock replacing mlops.yaml would run a command nobody reviewed.
  std::vector<std::string> rels;
  for (const auto& t : tracked_in) rels.push_back(t.rel);
  std::sort(rels.begin(), rels.end());
  for (std::size_t i = 0; i + 1 < rels.size(); ++i)
    if (starts_with(rels[i + 1], rels[i] + "/") || rels[i + 1] == rels[i])
      fail(ExitCode::Input, "{} is recorded twice, or inside the tracked {}: a pointer file and mlops.lock overlap",
           rels[i + 1], rels[i]);
  // What git keeps is git's to write: a pipeline's metrics and plots files are
  // both locked outputs and in git, so such an output is left to git (never
  // written); a pointer file naming a git-tracked path is refused.
  std::vector<std::string> in_git = git_indexed_under_any(repo.root(), rels, 1u << 20);
  auto git_keeps = [&](const std::string& rel) {
    return std::any_of(in_git.begin(), in_git.end(), [&](const std::string& p) { return p == rel || starts_with(p, rel + "/"); });
  };
  std::vector<Tracked> tracked;
  std::vector<std::string> refused;
  for (const auto& t : tracked_in) {
    if (!git_keeps(t.rel)) tracked.push_back(t);
    else if (t.origin.empty()) refused.push_back(t.pointer_rel() + " names " + t.rel);
  }
  if (!refused.empty())
    throw Error(ExitCode::Input,
                fmt::format("a pointer file names what git tracks; mlops does not write over it:{}", list_some(refused)),
                "remove that pointer file (git rm it); nothing was changed");
  std::vector<std::string> unsaved, missing;
  std::vector<Plan> plans;
  std::vector<CheckoutResult> incomplete;  // skip_missing: paths left as they are
  for (const auto& t : tracked) {
    std::size_t had = missing.size(), unsaved_had = unsaved.size();
    Plan p = make_plan(repo, t, unsaved, missing);
    if (opts.skip_missing && missing.size() > had) {
      CheckoutResult skipped;
      skipped.rel = t.rel;
      skipped.missing.assign(missing.begin() + static_cast<std::ptrdiff_t>(had), missing.end());
      missing.resize(had);
      unsaved.resize(unsaved_had);  // nothing of it is written, so nothing of it is lost
      incomplete.push_back(std::move(skipped));
      continue;
    }
    plans.push_back(std::move(p));
  }
  if (!missing.empty())
    throw Error(ExitCode::Missing,
                fmt::format("{} object(s) needed for checkout are not in the store:{}", missing.size(),
                            list_some(missing)),
                "fetch them from a remote, or run 'mlops add' where the data still exists; nothing was changed");
  if (!unsaved.empty() && !opts.force)
    throw Error(ExitCode::Conflict,
                fmt::format("checkout would overwrite or delete {} file(s) whose content is not in the store:{}",
                            unsaved.size(), list_some(unsaved)),
                "run 'mlops add' to keep them (for a pipeline output: 'mlops run -f STAGE'), or 'mlops checkout "
                "--force' to discard them; nothing was changed");
  std::uint64_t files = 0, bytes = 0;
  for (const auto& p : plans)
    for (const auto& e : p.place) ++files, bytes += e.size;
  add_total(progress, files, bytes);
  Linker linker(repo.link_modes());
  std::vector<CheckoutResult> out;
  for (auto& p : plans) out.push_back(execute(repo, p, linker, progress));
  for (auto& s : incomplete) out.push_back(std::move(s));
  return out;
}

}  // namespace mlops

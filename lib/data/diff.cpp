#include "data/diff.hpp"

#include <map>
#include <set>

#include "core/error.hpp"
#include "data/tracked_source.hpp"
#include "data/workspace.hpp"
#include "repo/repo.hpp"
#include "store/manifest.hpp"
#include "store/object_store.hpp"

namespace mlops {

namespace {

// One side of the comparison, per tracked path.
struct Side {
  // rel -> id of the whole path (a file's object, a folder's manifest)
  std::map<std::string, ObjectId> ids;
  std::map<std::string, std::uint64_t> sizes;
  // rel -> its files (empty key for a tracked file); absent when unknown
  std::map<std::string, std::map<std::string, FileVersion>> files;
};

void add_tracked(Repo& repo, Side& side, const Tracked& t) {
  side.ids[t.rel] = t.ptr.id;
  side.sizes[t.rel] = t.ptr.size;
  if (t.ptr.kind == Kind::File) {
    side.files[t.rel][""] = {t.ptr.id, t.ptr.size};
    return;
  }
  ObjectStore& store = repo.store();
  if (!store.has(t.ptr.id)) return;  // compared as a whole
  Manifest m = Manifest::parse(store.read_verified(t.ptr.id), t.rel + " (manifest " + t.ptr.id.str() + ")");
  auto& files = side.files[t.rel];
  for (auto& e : m.entries) files[e.path] = {e.id, e.size};
}

Side from_revision(Repo& repo, const TrackedSources& sources, const std::string& rev) {
  Side side;
  for (const auto& t : resolve_tracked(repo, sources, {}, rev)) add_tracked(repo, side, t);
  return side;
}

Side from_workspace(Repo& repo, const TrackedSources& sources, Progress* progress) {
  Side side;
  for (const auto& t : tracked_in_workspace(repo, sources)) {
    WorkTree tree = list_workspace(repo, t.rel);
    if (tree.shape == Shape::Absent) continue;  // deleted from the workspace
    identify(repo, t.rel, tree, Identify::HashOnly, progress);
    auto& files = side.files[t.rel];
    if (tree.shape == Shape::File) {
      side.ids[t.rel] = tree.files[0].id;
      files[""] = {tree.files[0].id, tree.files[0].st.size};
    } else {
      side.ids[t.rel] = hash_bytes(repo.store().algo(), tree.manifest().serialize());
      for (const auto& f : tree.files) files[f.path] = {f.id, f.st.size};
    }
    side.sizes[t.rel] = tree.total_size();
  }
  return side;
}

// A path is shown when it is one of rels, lies below one, or (a folder compared
// as a whole) contains one.
bool selected(const std::string& path, const std::vector<std::string>& rels) {
  if (rels.empty()) return true;
  for (const auto& r : rels)
    if (path == r || path.compare(0, r.size() + 1, r + "/") == 0 || r.compare(0, path.size() + 1, path + "/") == 0)
      return true;
  return false;
}

std::string join(const std::string& rel, const std::string& path) { return path.empty() ? rel : rel + "/" + path; }

}  // namespace

DataDiff diff_data(Repo& repo, const std::string& from, const std::optional<std::string>& to,
                   const std::vector<std::string>& rels, const TrackedSources& sources, Progress* progress) {
  Side a = from_revision(repo, sources, from);
  Side b = to ? from_revision(repo, sources, *to) : from_workspace(repo, sources, progress);
  std::set<std::string> all;
  for (const auto& [rel, id] : a.ids) all.insert(rel);
  for (const auto& [rel, id] : b.ids) all.insert(rel);
  DataDiff d;
  for (const auto& rel : all) {
    if (!selected(rel, rels)) continue;
    auto ia = a.ids.find(rel), ib = b.ids.find(rel);
    bool in_a = ia != a.ids.end(), in_b = ib != b.ids.end();
    if (in_a && in_b && ia->second == ib->second) continue;
    auto fa = a.files.find(rel), fb = b.files.find(rel);
    bool known_a = !in_a || fa != a.files.end(), known_b = !in_b || fb != b.files.end();
    if (!known_a || !known_b) {
      d.not_in_store.push_back(rel);
      DiffItem item{rel, {}, {}};
      if (in_a) item.before = FileVersion{ia->second, a.sizes[rel]};
      if (in_b) item.after = FileVersion{ib->second, b.sizes[rel]};
      (in_a && in_b ? d.modified : in_a ? d.deleted : d.added).push_back(item);
      continue;
    }
    static const std::map<std::string, FileVersion> none;
    const auto& ma = in_a ? fa->second : none;
    const auto& mb = in_b ? fb->second : none;
    auto i = ma.begin();
    auto j = mb.begin();
    while (i != ma.end() || j != mb.end()) {
      if (j == mb.end() || (i != ma.end() && i->first < j->first)) {
        d.deleted.push_back({join(rel, i->first), i->second, std::nullopt});
        ++i;
      } else if (i == ma.end() || j->first < i->first) {
        d.added.push_back({join(rel, j->first), std::nullopt, j->second});
        ++j;
      } else {
        if (!(i->second.id == j->second.id)) d.modified.push_back({join(rel, i->first), i->second, j->second});
        ++i, ++j;
      }
    }
  }
  for (auto* list : {&d.added, &d.modified, &d.deleted})
    std::erase_if(*list, [&](const DiffItem& item) { return !selected(item.path, rels); });
  std::erase_if(d.not_in_store, [&](const std::string& p) { return !selected(p, rels); });
  return d;
}

}  // namespace mlops

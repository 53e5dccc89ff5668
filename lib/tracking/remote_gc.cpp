#include "tracking/remote_gc.hpp"

#include <random>
#include <unordered_set>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "exp/run_sharing.hpp"
#include "remote/remote.hpp"
#include "remote/remote_index.hpp"
#include "repo/repo.hpp"
#include "state/db.hpp"
#include "store/manifest.hpp"
#include "store/object_store.hpp"
#include "tracking/tracking.hpp"

namespace mlops {

namespace {

// What a fixed list says is kept (the runs on the remote).
class ListedSource : public TrackedSource {
public:
  explicit ListedSource(std::vector<Tracked> kept) : kept_(std::move(kept)) {}
  std::vector<Tracked> in_workspace(Repo&, const std::vector<std::string>&) const override { return {}; }
  std::vector<Tracked> in_commit(Repo&, GitRepo&, const GitCommitRef&) const override { return {}; }
  std::vector<Tracked> kept(Repo&) const override { return kept_; }

private:
  std::vector<Tracked> kept_;
};

// Adds the packed objects to what is kept and to what is young (named by
// nothing, in a pack or index written since the cutoff).
void count_packed(const PackListing& packs, const std::unordered_set<std::string>& keep, std::int64_t cutoff,
                  std::unordered_set<std::string>& kept, std::unordered_set<std::string>& young) {
  std::unordered_set<std::string> young_files;
  for (const auto& f : packs.files)
    if (f.written_ms >= cutoff) young_files.insert(f.name);
  for (const auto& index : packs.indexes) {
    const bool is_young = young_files.count(index.pack + ".pack") || young_files.count(index.pack + ".idx");
    for (const auto& e : index.entries) {
      if (keep.count(e.id.hex)) kept.insert(e.id.hex);
      else if (is_young) young.insert(e.id.hex);
    }
  }
}

std::vector<Tracked> run_objects_or_refuse(Repo& repo, const std::string& remote) {
  std::vector<std::string> bad;
  auto objects = shared_run_objects(repo, remote, bad);
  if (!bad.empty())
    throw Error(ExitCode::Remote,
                fmt::format("gc -r: {} run page(s) on the remote fail their checks, so the objects they name are "
                            "unknown; nothing was removed:{}",
                            bad.size(), list_some(bad)),
                "remove or mend those pages on the remote, then run gc again");
  return objects;
}

}  // namespace

RemoteGcResult collect_remote_garbage(Repo& repo, const std::string& name, const RemoteGcOptions& o) {
  RemoteSpec spec = remote_spec(repo.config(), name);
  auto remote = open_remote(repo, spec);
  // A mistyped or unmounted path holds nothing to clean, and must not look clean.
  if (!remote->exists())
    throw Error(ExitCode::Remote, fmt::format("remote {}: {} does not exist", spec.name, remote->location()),
                "check the path ('mlops remote list'), or mount it");
  RemoteGcResult r;
  r.remote = spec.name;
  ObjectStore& store = repo.store();
  // A kept folder's manifest, from the store or else from the first copy
  // on the remote that matches its id (a damaged or planted copy does not
  // hide a good one).
  ManifestReader read_manifest = [&](const ObjectId& id) -> std::optional<std::string> {
    if (store.has(id)) return store.read_verified(id);
    return remote->get_checked(id, kMaxManifestBytes);
  };
  // This clone's runs and run cache are its own: on the remote, the runs
  // there (their pages) say what runs keep.
  TrackedSources sources = tracked_sources({.keep_run_cache = false, .local_runs = false});
  sources.push_back(std::make_unique<ListedSource>(run_objects_or_refuse(repo, name)));
  GcResult counts;
  // Every kept folder must be known, runs' too: their files are on the remote.
  auto keep = kept_objects(repo, o.keep, sources, read_manifest, counts, /*every_kept_known=*/true);
  r.revisions_kept = counts.revisions_kept;

  const std::int64_t now = now_ms(), cutoff = now - o.grace_ms;
  const std::vector<Remote::Listed> loose = remote->list_with_times();
  // The objects kept, and those named by nothing but young, loose or packed
  // (in a pack written within the grace period), each once.
  std::unordered_set<std::string> kept_there, young_there;
  std::vector<const Remote::Listed*> candidates;
  for (const auto& obj : loose) {
    if (keep.count(obj.hex)) kept_there.insert(obj.hex);
    else if (obj.written_ms >= cutoff) young_there.insert(obj.hex);
    else if (ObjectId::from_hex(obj.hex)) candidates.push_back(&obj);  // else no object's name
  }
  // The packs: what repacking would drop decides whether others must be told.
  const PackListing packs = list_packs(*remote);
  count_packed(packs, keep, cutoff, kept_there, young_there);
  auto tally = [&] {
    r.objects_kept = kept_there.size();
    r.young_kept = young_there.size();
  };
  tally();
  auto is_kept = [&](const std::string& hex) { return keep.count(hex) > 0; };
  RepackOptions ro{.cutoff_ms = cutoff,
                   .below_percent = o.repack_below,
                   .pack_loose = spec.packs,
                   .dry_run = true,
                   .jobs = spec.jobs ? spec.jobs : 8};
  r.packs = repack(*remote, packs, is_kept, loose, ro);
  // An object both loose and packed is counted once.
  auto count_dropped = [&] {
    std::unordered_set<std::string> listed;
    for (const auto& [id, size] : r.removed) listed.insert(id);
    for (const auto& [id, size] : r.packs.dropped)
      if (listed.insert(id.str()).second) r.removed.emplace_back(id.str(), size), r.bytes_removed += size;
  };
  if (o.keep.dry_run) {
    for (const auto* c : candidates)
      r.removed.emplace_back(ObjectId::from_hex(c->hex)->str(), c->size), r.bytes_removed += c->size;
    count_dropped();
    return r;
  }
  if (!candidates.empty() || r.packs.drops_objects()) {
    // Others' clones forget what they knew of this remote at their next push.
    std::string marker = fmt::format("{:013}-{:016x}", now, std::random_device{}() * 0x9e3779b97f4a7c15ULL);
    remote->write_file("gc", marker, "gc -r\n");
    RemoteIndex(repo.db(), remote->location()).reset({});  // and the next known() notes the markers
    // Pages written since the first reading name what they name: read again
    // just before removing.
    std::vector<std::string> unknown;
    for (const auto& t : run_objects_or_refuse(repo, name))
      if (!keep_with_files(keep, t, read_manifest, "kept")) unknown.push_back(t.rel + " (" + t.ptr.id.str() + ")");
    if (!unknown.empty())
      throw Error(ExitCode::Missing,
                  fmt::format("gc -r: {} folder(s) of runs pushed meanwhile have manifests that are neither in the "
                              "store nor on the remote; nothing was removed:{}",
                              unknown.size(), list_some(unknown)),
                  "run gc again once their pushes are complete");
    for (const auto* c : candidates) {
      if (keep.count(c->hex)) {
        kept_there.insert(c->hex);
        continue;
      }
      ObjectId id = *ObjectId::from_hex(c->hex);
      remote->remove(id);
      r.removed.emplace_back(id.str(), c->size);
      r.bytes_removed += c->size;
    }
  }
  tally();
  ro.dry_run = false;
  r.packs = repack(*remote, packs, is_kept, loose, ro);
  count_dropped();
  r.partial_uploads = remote->clean_partial_uploads(cutoff);
  return r;
}

}  // namespace mlops

#include "remote/repack.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_set>

#include "core/parallel.hpp"
#include "remote/pack_fetch.hpp"
#include "store/pack.hpp"

namespace mlops {

namespace {

// Packs holding less than this are merged once there are kSmallPacksToMerge
// of them: every reader reads every index, so many small pushes should not
// leave many small packs for good.
constexpr std::uint64_t kSmallPack = kPackTarget / 4;
constexpr std::size_t kSmallPacksToMerge = 8;

// What repack will do, decided from the listing alone.
struct Plan {
  // Packs to rewrite, with the live objects to move out of each. Each is
  // moved even when another pack that stays claims it too: that copy is not
  // checked, and may be a planted one.
  struct Rewrite {
    const Remote::PackIndex* index;
    std::vector<PackEntry> moves;
    bool merge;  // a small pack merged, not one under the threshold
  };
  std::vector<Rewrite> rewrite;
  std::vector<const Remote::PackIndex*> remove_whole;  // nothing live in them
  std::vector<std::string> orphan_packs, orphan_indexes;  // file names
  std::vector<std::string> temporaries;  // ".NAME…": what a killed write over a name left
  std::vector<const Remote::Listed*> loose;            // to move into packs
  std::size_t dead_left = 0;
};

Plan make_plan(const PackListing& packs, const IsKept& kept, const std::vector<Remote::Listed>& loose,
               const RepackOptions& o) {
  Plan plan;
  std::map<std::string, const Remote::ListedFile*> files;
  for (const auto& f : packs.files) files[f.name] = &f;
  auto old = [&](const std::string& file) {
    auto it = files.find(file);
    return it != files.end() && it->second->written_ms < o.cutoff_ms;
  };
  // What a killed push or repack left. An index that failed its checks still
  // claims its pack: fsck -r names it, and gc leaves both.
  std::set<std::string> indexed;
  for (const auto& f : packs.files)
    if (auto pack = pack_name_of_index(f.name); !pack.empty()) indexed.insert(pack);
  for (const auto& f : packs.files) {
    if (auto pack = pack_name_of_pack(f.name); !pack.empty() && !indexed.count(pack) && old(f.name))
      plan.orphan_packs.push_back(f.name);
    if (f.name.starts_with(".") && old(f.name)) plan.temporaries.push_back(f.name);
  }
  // Each pack: stays, is rewritten, or goes whole.
  std::unordered_set<std::string> in_packs;  // a loose copy of these stays
  for (const auto& index : packs.indexes)
    for (const auto& e : index.entries) in_packs.insert(e.id.hex);
  std::vector<const Remote::PackIndex*> sparse, small;
  std::map<const Remote::PackIndex*, std::size_t> dead_in;
  for (const auto& index : packs.indexes) {
    const std::string pack_file = index.pack + ".pack", index_file = index.pack + ".idx";
    if (!files.count(pack_file)) {
      if (old(index_file)) plan.orphan_indexes.push_back(index_file);
      continue;
    }
    if (!old(pack_file) || !old(index_file)) continue;  // young: left as it is
    std::uint64_t live = 0, dead = 0;  // bytes
    std::size_t live_count = 0, dead_count = 0;
    for (const auto& e : index.entries) {
      if (kept(e.id.hex)) live += e.size, ++live_count;
      else dead += e.size, ++dead_count;
    }
    dead_in[&index] = dead_count;
    if (live_count == 0) plan.remove_whole.push_back(&index);  // (an empty file is live at 0 bytes)
    else if (dead > 0 && live * 100 < std::uint64_t{o.below_percent} * (live + dead)) sparse.push_back(&index);
    else if (files[pack_file]->size < kSmallPack) small.push_back(&index);
    else plan.dead_left += dead_count;
  }
  const bool merge = small.size() >= kSmallPacksToMerge;
  if (!merge)
    for (const auto* index : small) plan.dead_left += dead_in[index];
  auto rewrite = [&](const Remote::PackIndex* index, bool merging) {
    std::vector<PackEntry> moves;
    for (const auto& e : index->entries)
      if (kept(e.id.hex)) moves.push_back(e);
    plan.rewrite.push_back({index, std::move(moves), merging});
  };
  for (const auto* index : sparse) rewrite(index, false);
  if (merge)
    for (const auto* index : small) rewrite(index, true);
  if (o.pack_loose)
    for (const auto& l : loose)
      if (l.size <= kPackObjectMax && l.written_ms < o.cutoff_ms && kept(l.hex) && !in_packs.count(l.hex))
        plan.loose.push_back(&l);
  // A few loose objects are not worth a pack of their own.
  if (plan.rewrite.empty() && plan.loose.size() < kFewestPacked) plan.loose.clear();
  // In a fixed order, whatever the listing's: the same work makes the same pack.
  std::sort(plan.loose.begin(), plan.loose.end(),
            [](const Remote::Listed* a, const Remote::Listed* b) { return a->hex < b->hex; });
  return plan;
}

// New packs, filled as objects arrive and sent when full.
class PackFiller {
public:
  PackFiller(Remote& remote, RepackResult& r) : remote_(remote), r_(r) {}
  // Whether an object was added already (its content checked).
  bool has(const ObjectId& id) const { return added_.count(id.hex) > 0; }
  // Whether this run wrote a pack of that name: never one to remove (a
  // merge may rebuild a pack byte for byte, under its old name).
  bool wrote(const std::string& pack) const { return written_.count(pack) > 0; }
  void add(const ObjectId& id, std::string_view bytes) {
    if (!added_.insert(id.hex).second) return;
    if (writer_ && !writer_->empty() && writer_->bytes() + bytes.size() > kPackTarget) flush();
    if (!writer_) writer_.emplace(id.algo);
    writer_->add_checked(id, bytes);
    ++r_.objects_moved;
  }
  // Sends what is pending; once it returns, every object added is readable
  // from a pack with its index.
  void flush() {
    if (!writer_ || writer_->empty()) return;
    auto finished = std::move(*writer_).finish();
    writer_.reset();
    written_.insert(finished.name);
    remote_.put_pack(finished);
    ++r_.packs_written;
    r_.bytes_written += finished.pack.size() + finished.index.size();
  }

private:
  Remote& remote_;
  RepackResult& r_;
  std::optional<PackWriter> writer_;
  std::unordered_set<std::string> added_, written_;
};

std::uint64_t file_size(const PackListing& packs, const std::string& name) {
  for (const auto& f : packs.files)
    if (f.name == name) return f.size;
  return 0;
}

// Removes a file of packs/; false, with a note, when it cannot be (a
// folder under a pack's name): the rest of the work goes on.
bool remove_pack_file(Remote& remote, const PackListing& packs, const std::string& file, RepackResult& r) {
  try {
    remote.remove_file(kPackDir, file);
  } catch (const Error& e) {
    r.notes.push_back(fmt::format("remote {}: {}/{} was left: {}", remote.name(), kPackDir, file, e.what()));
    return false;
  }
  r.bytes_removed += file_size(packs, file);
  return true;
}

// Removes a pack, its index first: a reader never finds an index whose pack is gone on purpose.
void remove_pack(Remote& remote, const PackListing& packs, const std::string& pack, RepackResult& r) {
  if (remove_pack_file(remote, packs, pack + ".idx", r)) remove_pack_file(remote, packs, pack + ".pack", r);
}

// Whether the loose copy of an object on the remote matches its id.
bool good_loose_copy(Remote& remote, const ObjectId& id) {
  Hasher h(id.algo);
  try {
    if (!remote.get_loose(id, kPackObjectMax, [&](const char* d, std::size_t n) { h.update(d, n); })) return false;
  } catch (const DamagedObject&) {
    return false;
  }
  return h.finish() == id;
}

// The live objects of a pack to rewrite, into `filler`; false when one fails
// its check or the pack is gone (the pack then stays: fsck -r finds why). A
// damaged copy whose object has a good loose copy on the remote too (sent
// again after fsck -r found it) is no reason to keep the pack.
bool move_out(Remote& remote, const Remote::PackIndex& index, const std::vector<PackEntry>& moves,
              const std::unordered_set<std::string>& loose, PackFiller& filler, RepackResult& r) {
  std::vector<std::pair<WantedObject, Remote::PackedAt>> objects;
  for (std::size_t k = 0; k < moves.size(); ++k)
    if (!filler.has(moves[k].id))  // moved from another pack already
      objects.push_back({{moves[k].id, kPackObjectMax, k},
                       {&index.pack, moves[k].offset, moves[k].size, moves[k].zstd}});
  std::size_t failed = 0;
  for (const auto& run : runs_in_pack(&index.pack, std::move(objects))) {
    bool read = false;
    try {
      read = read_run(remote, run, [&](const WantedObject& w, const std::string* bytes) {
        if (bytes) filler.add(w.id, *bytes);
        else if (!loose.count(w.id.hex) || !good_loose_copy(remote, w.id)) ++failed;
      });
    } catch (const DamagedObject&) {
      // not a plain file: as failed
    }
    if (!read) {
      r.notes.push_back(fmt::format("remote {}: {}/{}.pack cannot be read; it was left as it is", remote.name(),
                                    kPackDir, index.pack));
      return false;
    }
  }
  if (failed)
    r.notes.push_back(fmt::format("remote {}: {}/{}.pack: {} live object(s) in it fail their check; it was left as "
                                  "it is ('mlops fsck -r' finds them)",
                                  remote.name(), kPackDir, index.pack, failed));
  return failed == 0;
}

// Small live loose objects into packs, a pack's worth at a time: each loose
// copy goes once the pack holding it is written.
void pack_loose(Remote& remote, const std::vector<const Remote::Listed*>& loose, PackFiller& filler,
                const RepackOptions& o, RepackResult& r) {
  std::size_t next = 0;
  while (next < loose.size()) {
    std::size_t end = next;
    std::uint64_t bytes = 0;
    while (end < loose.size() && (end == next || bytes + loose[end]->size <= kPackTarget)) bytes += loose[end++]->size;
    std::vector<std::optional<std::string>> got(end - next);
    parallel_for(end - next, o.jobs, [&](std::size_t k) {
      auto id = ObjectId::from_hex(loose[next + k]->hex);
      if (!id) return;
      std::string text;
      try {
        if (!remote.get_loose(*id, kPackObjectMax, [&](const char* d, std::size_t n) { text.append(d, n); })) return;
      } catch (const DamagedObject&) {
        return;
      }
      if (hash_bytes(id->algo, text) == *id) got[k] = std::move(text);
    });
    std::vector<ObjectId> moved;
    std::size_t failed = 0;
    for (std::size_t k = 0; k < got.size(); ++k) {
      if (!got[k]) {
        ++failed;
        continue;
      }
      ObjectId id = *ObjectId::from_hex(loose[next + k]->hex);
      filler.add(id, *got[k]);
      moved.push_back(id);
    }
    filler.flush();
    parallel_for(moved.size(), o.jobs, [&](std::size_t k) { remote.remove(moved[k]); });
    r.loose_packed += moved.size();
    for (std::size_t k = 0; k < got.size(); ++k)
      if (got[k]) r.bytes_removed += loose[next + k]->size;
    if (failed)
      r.notes.push_back(fmt::format("remote {}: {} loose object(s) fail their check and were left loose ('mlops "
                                    "fsck -r' finds them)",
                                    remote.name(), failed));
    next = end;
  }
}

}  // namespace

PackListing list_packs(Remote& remote) {
  PackListing l;
  l.files = remote.list_files_with_times(kPackDir);
  l.indexes = remote.read_pack_indexes(/*cached=*/false, l.notes);
  return l;
}

RepackResult repack(Remote& remote, const PackListing& packs, const IsKept& kept,
                    const std::vector<Remote::Listed>& loose, const RepackOptions& o) {
  Plan plan = make_plan(packs, kept, loose, o);
  RepackResult r;
  r.notes = packs.notes;
  r.dead_left = plan.dead_left;
  std::set<std::string> dropped;
  auto drop_dead = [&](const Remote::PackIndex& index) {
    for (const auto& e : index.entries)
      if (!kept(e.id.hex) && dropped.insert(e.id.hex).second) r.dropped.emplace_back(e.id, e.size);
  };
  auto count_rewrite = [&](const Plan::Rewrite& w) {
    drop_dead(*w.index);
    ++(w.merge ? r.packs_merged : r.packs_rewritten);
  };
  if (o.dry_run) {
    std::unordered_set<std::string> moved;
    for (const auto& w : plan.rewrite) {
      count_rewrite(w);
      for (const auto& e : w.moves)
        if (moved.insert(e.id.hex).second) ++r.objects_moved, r.bytes_written += e.size;
      r.bytes_removed += file_size(packs, w.index->pack + ".idx") + file_size(packs, w.index->pack + ".pack");
    }
    for (const auto* index : plan.remove_whole) {
      drop_dead(*index);
      r.bytes_removed += file_size(packs, index->pack + ".idx") + file_size(packs, index->pack + ".pack");
    }
    r.packs_removed = plan.remove_whole.size() + plan.orphan_packs.size();
    r.indexes_removed = plan.orphan_indexes.size();
    for (const auto& f : plan.orphan_packs) r.bytes_removed += file_size(packs, f);
    for (const auto& f : plan.orphan_indexes) r.bytes_removed += file_size(packs, f);
    r.objects_moved += plan.loose.size();
    r.loose_packed = plan.loose.size();
    for (const auto* l : plan.loose) r.bytes_written += l->size, r.bytes_removed += l->size;
    if (r.objects_moved) r.packs_written = static_cast<std::size_t>((r.bytes_written + kPackTarget - 1) / kPackTarget);
    if (r.objects_moved && !r.packs_written) r.packs_written = 1;  // of empty objects
    return r;
  }
  // New packs first; an old pack goes only once all it held that lives is
  // in a written pack.
  PackFiller filler(remote, r);
  std::unordered_set<std::string> loose_ids;
  for (const auto& l : loose) loose_ids.insert(l.hex);
  std::vector<const Plan::Rewrite*> emptied;
  for (const auto& w : plan.rewrite)
    if (move_out(remote, *w.index, w.moves, loose_ids, filler, r)) emptied.push_back(&w);
  pack_loose(remote, plan.loose, filler, o, r);  // into the same new packs
  filler.flush();
  for (const auto* w : emptied) {
    if (!filler.wrote(w->index->pack)) remove_pack(remote, packs, w->index->pack, r);
    count_rewrite(*w);
  }
  for (const auto* index : plan.remove_whole) {
    if (filler.wrote(index->pack)) continue;
    remove_pack(remote, packs, index->pack, r);
    drop_dead(*index);
    ++r.packs_removed;
  }
  // What lacked its other half when listed is looked at again: a push or a
  // repack may have completed it since (or this run did), or written it
  // anew under the same name (then it is young again).
  std::set<std::string> now;  // present, and old
  std::set<std::string> young;
  if (!plan.orphan_indexes.empty() || !plan.orphan_packs.empty())
    for (const auto& f : remote.list_files_with_times(kPackDir))
      (f.written_ms < o.cutoff_ms ? now : young).insert(f.name);
  auto untouched = [&](const std::string& file) { return now.count(file) && !young.count(file); };
  for (const auto& f : plan.orphan_indexes) {
    const std::string pack = pack_name_of_index(f);
    if (!untouched(f) || now.count(pack + ".pack") || young.count(pack + ".pack") || filler.wrote(pack)) continue;
    if (remove_pack_file(remote, packs, f, r)) ++r.indexes_removed;
  }
  for (const auto& f : plan.orphan_packs) {
    const std::string pack = pack_name_of_pack(f);
    if (!untouched(f) || now.count(pack + ".idx") || young.count(pack + ".idx") || filler.wrote(pack)) continue;
    if (remove_pack_file(remote, packs, f, r)) ++r.packs_removed;
  }
  for (const auto& f : plan.temporaries) remove_pack_file(remote, packs, f, r);
  return r;
}

}  // namespace mlops

#pragma once
// gc -r's work on packs (store/pack.hpp). A pack whose live share of bytes
// fell under a threshold is rewritten with its live objects, and one with
// nothing live is removed; small packs are merged once there are many; what
// a killed push or repack left (a pack without its index, an index without
// its pack) goes. With remote.NAME.packs, small live loose objects move into
// packs too. Readers and pushers may be at work meanwhile: new packs and
// their indexes are written before an old index, then its pack, is removed,
// and a loose copy only after its pack is written, so every live object can
// be read at every moment (a reader that misses one lists the packs again).
// Nothing written since the grace period's cutoff is touched.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "remote/remote.hpp"

namespace mlops {

// The packs on a remote, read once for a plan and its execution.
struct PackListing {
  std::vector<Remote::PackIndex> indexes;  // those that passed their checks
  std::vector<Remote::ListedFile> files;   // everything in PREFIX/packs/
  std::vector<std::string> notes;          // indexes left out, and why
};
PackListing list_packs(Remote& remote);

struct RepackOptions {
  std::int64_t cutoff_ms = 0;   // what was written since is left alone (the grace period)
  unsigned below_percent = 50;  // a pack whose live share of bytes is under this is rewritten
  bool pack_loose = false;      // small live loose objects move into packs
  bool dry_run = false;
  unsigned jobs = 8;
};

struct RepackResult {
  std::vector<std::pair<ObjectId, std::uint64_t>> dropped;  // garbage taken out of packs (id, its bytes there)
  std::size_t dead_left = 0;        // garbage left in packs whose live share is above the threshold
  std::size_t packs_rewritten = 0;  // under the threshold: their live objects moved, then they were removed
  std::size_t packs_merged = 0;     // small ones, likewise
  std::size_t packs_removed = 0;    // nothing live in them, or no index
  std::size_t indexes_removed = 0;  // whose pack is gone
  std::size_t packs_written = 0;
  std::size_t objects_moved = 0;    // objects written into new packs, from old packs or loose
  std::size_t loose_packed = 0;     // of those, loose objects (whose loose copy then went)
  std::uint64_t bytes_removed = 0;  // of pack and index files and loose copies
  std::uint64_t bytes_written = 0;  // of new packs and indexes (with dry_run, of the objects as they are stored)
  std::vector<std::string> notes;   // what was left alone, and why
  // Whether objects leave the remote (so other clones must forget them).
  bool drops_objects() const { return !dropped.empty(); }
};

// `kept(hex)`: whether an object is live. `loose`: the remote's loose
// objects (list_with_times()). Throws Error(Remote) when the remote fails;
// a pack whose live objects fail their checks is left alone, in notes.
using IsKept = std::function<bool(const std::string& hex)>;
RepackResult repack(Remote& remote, const PackListing& packs, const IsKept& kept,
                    const std::vector<Remote::Listed>& loose, const RepackOptions& o);

}  // namespace mlops

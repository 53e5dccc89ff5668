#pragma once
// Fetching packed objects in runs: the objects of one pack that lie close
// together come in one ranged read, split into objects as the bytes arrive,
// each re-hashed (and decompressed, bounded) before it enters the store.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/hash.hpp"
#include "remote/remote.hpp"

namespace mlops {

class ObjectStore;

// An object to fetch: `tag` is the caller's, handed back by done().
struct WantedObject {
  ObjectId id;
  std::uint64_t max_bytes = 0;  // what it may weigh (its pointer's or manifest's size)
  std::size_t tag = 0;
};

// Objects of one pack fetched with one read: sorted by offset, none
// overlapping the one before, gaps between them small enough to read past.
struct PackRun {
  const std::string* pack = nullptr;
  std::vector<std::pair<WantedObject, Remote::PackedAt>> objects;
  std::uint64_t start() const { return objects.front().second.offset; }
  std::uint64_t end() const { return objects.back().second.offset + objects.back().second.size; }
};

// The packed ones among `wanted` in runs, split until there are `jobs` runs
// when runs are few and long; the tags of the others (loose, or a stretch
// larger than the object may be) go to `loose`.
std::vector<PackRun> pack_runs(Remote& remote, const std::vector<WantedObject>& wanted, std::size_t jobs,
                               std::vector<std::size_t>& loose);
// Objects of one pack (in any order) in runs.
std::vector<PackRun> runs_in_pack(const std::string* pack,
                                  std::vector<std::pair<WantedObject, Remote::PackedAt>> objects);

// Reads a run with one ranged read: `got(object, bytes)` once per object,
// with its content when it arrived whole, decoded and matching its id, else
// with nullptr. false when the pack is gone (nothing was called).
using RunSink = std::function<void(const WantedObject& object, const std::string* bytes)>;
bool read_run(Remote& remote, const PackRun& run, const RunSink& got);

// read_run() into the store: `done(tag, ok, bytes)` once per object (bytes:
// its size), ok when it is in the store. false when the pack is gone: the
// caller fetches the objects one by one.
bool download_run(Remote& remote, ObjectStore& store, const PackRun& run,
                  const std::function<void(std::size_t tag, bool ok, std::uint64_t bytes)>& done);

}  // namespace mlops

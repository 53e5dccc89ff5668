#pragma once
// gc -r: removing from a remote the objects that nothing kept names, while
// others may be pushing to it. What is kept: what the revisions asked for
// track (pointer files, pipeline outputs), every registered model version,
// every run on the remote (its artifacts, log, diff and metric points), and
// every object younger than the grace period. See mlops-gc(1) for what is
// guaranteed to concurrent pushes.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "data/gc.hpp"
#include "remote/repack.hpp"

namespace mlops {

class Repo;

struct RemoteGcOptions {
  GcOptions keep;                             // -w/-a/-T/-A, dry_run
  std::int64_t grace_ms = 24LL * 3600 * 1000;  // objects younger than this stay
  unsigned repack_below = 50;  // a pack whose live share of bytes is under this percentage is rewritten
};

struct RemoteGcResult {
  std::string remote;
  std::size_t revisions_kept = 0, objects_kept = 0;
  std::size_t young_kept = 0;  // named by nothing, but younger than the grace period
  std::vector<std::pair<std::string, std::uint64_t>> removed;  // (id, size); would be, with dry_run
  std::uint64_t bytes_removed = 0;
  // Half-written uploads removed (would be, none with dry_run); nullopt when
  // the remote cannot list them.
  std::optional<std::size_t> partial_uploads;
  RepackResult packs;  // what became of the packs (its dropped objects are in `removed` too)
};

// Throws Error(Remote), removing nothing, when a run page on the remote fails
// its checks (the objects it names are unknown), and Error(Missing) as gc
// does when a kept revision's folder manifest is neither here nor there.
RemoteGcResult collect_remote_garbage(Repo& repo, const std::string& remote, const RemoteGcOptions& opts);

}  // namespace mlops

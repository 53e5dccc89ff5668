#pragma once
// mlops checkout: make the work tree match the pointer files.
#include <string>
#include <vector>

#include "core/link.hpp"
#include "core/progress.hpp"
#include "data/tracked_source.hpp"

namespace mlops {

class Repo;
struct Tracked;

struct CheckoutOptions {
  bool force = false;  // overwrite or delete content the store does not have
  std::string rev;     // materialise the data as committed at this git revision
  // Restore every path whose objects are all in the store, and report the
  // others (CheckoutResult::missing) instead of refusing them all.
  bool skip_missing = false;
};

struct CheckoutResult {
  std::string rel;
  std::uint64_t placed = 0;   // files written from the store
  std::uint64_t removed = 0;  // files not in the tracked version, deleted
  std::vector<LinkMode> modes_used;
  std::vector<std::string> missing;  // with skip_missing: the objects lacking; nothing of this path was written
};

// Plans every path first: nothing is touched when a path lacks objects in the
// store (Error Missing; with skip_missing, that path alone is left as it is)
// or when, without force, a change would lose content the store does not hold
// (Error Conflict, naming the files).
std::vector<CheckoutResult> checkout(Repo& repo, const std::vector<std::string>& rels, const CheckoutOptions& opts,
                                     const TrackedSources& sources, Progress* progress);
// The same for paths already found (pointer files, or the outputs mlops.lock
// records), holding the store lock.
std::vector<CheckoutResult> checkout_tracked(Repo& repo, const std::vector<Tracked>& tracked,
                                             const CheckoutOptions& opts, Progress* progress);

}  // namespace mlops

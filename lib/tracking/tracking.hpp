#pragma once
// Every module's answer to "what does this revision track?" in one list
// (DESIGN.md §5b), for the commands that must ask them all: gc, fsck,
// checkout, pull and the git hooks. This area sits above data, pipeline,
// registry and exp, and is the only one that knows them all.
#include "data/gc.hpp"
#include "data/tracked_source.hpp"
#include "remote/transfer.hpp"

namespace mlops {

struct SourceOptions {
  bool keep_run_cache = true;  // the pipeline's run cache counts as kept data
  bool local_runs = true;      // this clone's run artifacts count as kept data
};

// Pointer files, pipeline outputs (mlops.lock), registered model versions, run artifacts.
TrackedSources tracked_sources(const SourceOptions& opts = {});

// What push sends besides what revisions track when no path is named: the
// data kept whatever the revision that other clones need (registered model
// versions; run artifacts stay local).
std::vector<Tracked> kept_for_transfer(Repo& repo);

// What moves between the store and a remote, for a request (paths, a
// revision, branches, tags): the pointer files and pipeline outputs of those
// revisions, as dvc moves dvc.lock outs. For what must be on the remote (push,
// status --remote, fsck --remote, the pre-push hook) with no path named, also
// every registered model version, so that `mlops model get` works in other
// clones. (Here, not in remote/: the registry itself pushes through remote/.)
enum class ScopeFor { Fetch, Push };
TransferScope transfer_scope(Repo& repo, TransferScope request, ScopeFor what);

// gc over every source; with opts.run_cache, the run cache is forgotten first
// (and its outputs are no longer kept).
GcResult collect_all_garbage(Repo& repo, const GcOptions& opts);

}  // namespace mlops

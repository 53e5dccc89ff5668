#include "tracking/tracking.hpp"

#include "tracking/pipeline_sweep.hpp"

#include "exp/artifact_source.hpp"
#include "pipeline/output_source.hpp"
#include "pipeline/run_cache.hpp"
#include "registry/registry_source.hpp"

namespace mlops {

TrackedSources tracked_sources(const SourceOptions& opts) {
  TrackedSources out;
  out.push_back(pointer_source());
  out.push_back(pipeline_output_source(opts.keep_run_cache));
  out.push_back(registry_source());
  if (opts.local_runs) out.push_back(run_artifact_source());
  return out;
}

std::vector<Tracked> kept_for_transfer(Repo& repo) { return registry_source()->kept(repo); }

TransferScope transfer_scope(Repo& repo, TransferScope request, ScopeFor what) {
  request.sources = std::make_shared<const TrackedSources>(tracked_sources());
  if (what == ScopeFor::Push && request.rels.empty()) request.extra = kept_for_transfer(repo);
  return request;
}

GcResult collect_all_garbage(Repo& repo, const GcOptions& opts) {
  if (!opts.dry_run) remove_stale_sweep_worktrees(repo);  // what killed pipeline sweeps left
  GcResult r = collect_garbage(repo, opts, tracked_sources({.keep_run_cache = !opts.run_cache, .local_runs = true}));
  if (opts.run_cache && !opts.dry_run) r.run_cache_dropped = clear_run_cache(repo);
  return r;
}

}  // namespace mlops

#pragma once
// "What does this revision track?" Data is tracked four ways — pointer files,
// the outs of mlops.lock, registered model versions and run artifacts — each
// owned by its own module, which answers through this interface (DESIGN.md
// §5b). gc, fsck, checkout, pull and the git hooks ask every source; no module
// reads another's tables.
#include <memory>
#include <string>
#include <vector>

#include "data/tracked.hpp"

namespace mlops {

class Repo;
class GitRepo;
struct GitCommitRef;

class TrackedSource {
public:
  virtual ~TrackedSource() = default;
  // Data the work tree's files track now, at or below `rels` (a hint: all
  // when empty; more may come back, and a path it does not track is no error).
  virtual std::vector<Tracked> in_workspace(Repo& repo, const std::vector<std::string>& rels = {}) const = 0;
  // Data a commit tracks (its files read through git); errors name c.label.
  virtual std::vector<Tracked> in_commit(Repo& repo, GitRepo& git, const GitCommitRef& c) const = 0;
  // Data kept whatever the revision (registered versions, run artifacts, the
  // pipeline's run cache).
  virtual std::vector<Tracked> kept(Repo&) const { return {}; }
  // Who else records rel, a folder holding it or a path inside it ("an output
  // of stage 'train' in mlops.yaml"), so that add can refuse; empty: nobody.
  virtual std::string claims(Repo&, const std::string&) const { return {}; }
  // True for the pointer-file source, which status reads itself (keeping
  // merge conflicts to report them).
  virtual bool is_pointer_files() const { return false; }
};

using TrackedSources = std::vector<std::unique_ptr<TrackedSource>>;

// Pointer files: the data module's own source.
std::unique_ptr<TrackedSource> pointer_source();

// Everything the sources say the work tree tracks (pointer files and the
// pipeline's outputs), sorted by path.
std::vector<Tracked> tracked_in_workspace(Repo& repo, const TrackedSources& sources,
                                          const std::vector<std::string>& rels = {});

// The tracked paths at or below each of `rels` (all when empty), from every
// source: in the work tree, or as committed in `rev` when it is not empty.
// A path that matches nothing is an Error(Input).
// Keeps the entries of `all` at or below each of `rels` (all when empty). A
// path that matches nothing is an Error(Input): inside a tracked folder (one
// of `all`, or in the work tree a pointer file above it), or not tracked `where`.
std::vector<Tracked> select_tracked(const Repo& repo, std::vector<Tracked> all, const std::vector<std::string>& rels,
                                    bool in_workspace, std::string_view where);

std::vector<Tracked> resolve_tracked(Repo& repo, const TrackedSources& sources, const std::vector<std::string>& rels,
                                     const std::string& rev);

}  // namespace mlops

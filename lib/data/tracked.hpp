#pragma once
// Finding the tracked paths: the pointer files in the work tree are the truth.
#include <string>
#include <vector>

#include "data/pointer.hpp"

namespace mlops {

class Repo;

struct Tracked {
  std::string rel;  // repo-relative path of the data ("data/train.csv")
  Pointer ptr;
  // Set (to the error message) when the pointer file holds an unresolved merge
  // conflict; only find_tracked(..., keep_conflicts) returns such entries.
  std::string conflict;
  // What records it, for messages, when that is not a pointer file ("mlops.lock").
  std::string origin;
  std::string pointer_rel() const { return rel + std::string(kPointerSuffix); }
  std::string where() const { return origin.empty() ? pointer_rel() : origin; }
};

// Reads and checks rel + ".mlops". Throws Error(Input) when it is not tracked
// or the pointer is malformed.
Tracked load_tracked(const Repo& repo, const std::string& rel);

// Checks a pointer file's text for the data path `rel`; `source` names it in errors.
Tracked parse_tracked(const std::string& rel, std::string_view text, const std::string& source);

// Every tracked path at or below each of `rels` (repo-relative; empty list means
// the whole repository), sorted by path. A path that is neither tracked nor a
// folder containing tracked paths is an Error(Input).
// With untracked_ok, a path of rels that holds nothing tracked is skipped.
std::vector<Tracked> find_tracked(const Repo& repo, const std::vector<std::string>& rels, bool keep_conflicts = false,
                                  bool untracked_ok = false);

// The same, as committed in a git revision (pointer files read through libgit2).
std::vector<Tracked> find_tracked_at(const Repo& repo, const std::string& rev, const std::vector<std::string>& rels);

// Keeps the entries at or below one of `rels` (all when rels is empty); an
// entry of rels that matches nothing is an Error(Input) naming `where`.
std::vector<Tracked> filter_tracked(std::vector<Tracked> all, const std::vector<std::string>& rels,
                                    std::string_view where);

// The tracked folder that contains rel, if any ("data" for "data/x/y").
std::string tracked_ancestor(const Repo& repo, const std::string& rel);

}  // namespace mlops

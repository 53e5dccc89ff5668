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
  std::string pointer_rel() const { return rel + std::string(kPointerSuffix); }
};

// Reads and checks rel + ".mlops". Throws Error(Input) when it is not tracked
// or the pointer is malformed.
Tracked load_tracked(const Repo& repo, const std::string& rel);

// Every tracked path at or below each of `rels` (repo-relative; empty list means
// the whole repository), sorted by path. A path that is neither tracked nor a
// folder containing tracked paths is an Error(Input).
std::vector<Tracked> find_tracked(const Repo& repo, const std::vector<std::string>& rels);

// The tracked folder that contains rel, if any ("data" for "data/x/y").
std::string tracked_ancestor(const Repo& repo, const std::string& rel);

}  // namespace mlops

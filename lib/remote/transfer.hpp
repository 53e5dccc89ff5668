#pragma once
// push, fetch and the remote side of status: moving objects between the store
// and a remote. Only what the other side lacks is sent; every object received
// is re-hashed before it enters the store.
#include <string>
#include <vector>

#include "core/progress.hpp"
#include "data/tracked.hpp"

namespace mlops {

class Repo;

struct TransferScope {
  std::vector<std::string> rels;  // tracked paths (default: all)
  std::string rev;                // the pointers of a git revision instead of the workspace's
  bool all_branches = false;      // and those of every branch tip
  bool all_tags = false;          // and of every tag
  std::vector<Tracked> extra;     // more data, not tracked by a pointer file (registered models)
  bool only_extra = false;        // just `extra`
};

struct TransferResult {
  std::string remote;               // its name
  std::uint64_t transferred = 0;    // objects sent or received
  std::uint64_t bytes = 0;
  std::uint64_t already = 0;        // objects the other side had
};

// Throws Error(Missing) after sending the rest when objects to push are not
// in the store, and Error(Remote) when the remote fails.
TransferResult push(Repo& repo, const std::string& remote, const TransferScope& scope, unsigned jobs,
                    Progress* progress);
// Throws Error(Remote) after fetching the rest when objects are absent from the
// remote or arrive corrupt (those are not kept).
TransferResult fetch(Repo& repo, const std::string& remote, const TransferScope& scope, unsigned jobs,
                     Progress* progress);

struct RemoteStatus {
  std::string remote;
  std::vector<std::string> not_pushed;   // "path (id)": in the store, not on the remote
  std::vector<std::string> not_fetched;  // "path (id)": needed, not in the store
};
RemoteStatus remote_status(Repo& repo, const std::string& remote, const TransferScope& scope);

}  // namespace mlops

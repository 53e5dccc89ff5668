#pragma once
// push, fetch and the remote side of status: moving objects between the store
// and a remote. Only what the other side lacks is sent; every object received
// is re-hashed before it enters the store.
#include <memory>
#include <string>
#include <vector>

#include "core/progress.hpp"
#include "data/tracked.hpp"
#include "data/tracked_source.hpp"

namespace mlops {

class Repo;

struct TransferScope {
  std::vector<std::string> rels;  // tracked paths (default: all)
  std::string rev;                // the pointers of a git revision instead of the workspace's
  bool all_branches = false;      // and those of every branch tip
  bool all_tags = false;          // and of every tag
  std::vector<Tracked> extra;     // more data, not tracked by a pointer file (registered models)
  bool only_extra = false;        // just `extra`
  // push and status --remote: ask the remote what it has instead of
  // trusting the remote index (which is then corrected).
  bool ask_remote = false;
  // What a revision tracks (pointer files, pipeline outputs: data/tracked_source);
  // pointer files alone when not set.
  std::shared_ptr<const TrackedSources> sources;
};

struct TransferResult {
  std::string remote;               // its name
  std::uint64_t transferred = 0;    // objects sent or received
  std::uint64_t bytes = 0;
  std::uint64_t already = 0;        // objects the other side had
  // fetch_available: "path (id)" of objects absent from the remote, and of
  // those that arrived damaged (not kept).
  std::vector<std::string> absent, corrupt;
  // Pack indexes on the remote that failed their checks (their objects
  // count as absent): said with the absent objects.
  std::vector<std::string> pack_notes;
};

// Throws Error(Missing) after sending the rest when objects to push are not
// in the store or do not match their names there (each is hashed as it is
// sent), and Error(Remote) when the remote fails.
TransferResult push(Repo& repo, const std::string& remote, const TransferScope& scope, unsigned jobs,
                    Progress* progress);
// Throws Error(Remote) after fetching the rest when objects are absent from the
// remote or arrive corrupt (those are not kept).
TransferResult fetch(Repo& repo, const std::string& remote, const TransferScope& scope, unsigned jobs,
                     Progress* progress);
// The same, but the objects absent or damaged are listed in the result (for
// pull, which restores what it can first); check_fetched then throws fetch's error.
TransferResult fetch_available(Repo& repo, const std::string& remote, const TransferScope& scope, unsigned jobs,
                               Progress* progress);
void check_fetched(const TransferResult& r, const std::string& also = {});

struct RemoteStatus {
  std::string remote;
  std::vector<std::string> not_pushed;   // "path (id)": in the store, not on the remote
  std::vector<std::string> not_fetched;  // "path (id)": needed, not in the store
};
RemoteStatus remote_status(Repo& repo, const std::string& remote, const TransferScope& scope);

// fsck --remote: reads back every object of the scope from the remote and
// re-hashes it. Damaged copies are moved aside on the remote (see
// Remote::quarantine); the remote index forgets what is missing or damaged and
// learns what was found good, so that the next push sends what is lacking.
// A damaged copy in a pack cannot be moved aside alone: it is listed in
// corrupt_in_packs, and recorded (RemoteIndex::mark_unusable) so that the
// next push sends the object again, loose, which fetch then reads instead.
struct RemoteCheck {
  std::string remote;
  std::uint64_t checked = 0;
  std::vector<std::string> missing;           // "path (id)"
  std::vector<std::string> corrupt;           // "path (id)": loose, moved aside
  std::vector<std::string> corrupt_in_packs;  // "path (id) (in packs/NAME.pack at OFFSET)": left there
  std::vector<std::string> pack_notes;        // pack indexes left out (their objects count as missing)
  bool ok() const { return missing.empty() && corrupt.empty() && corrupt_in_packs.empty(); }
};
RemoteCheck check_remote(Repo& repo, const std::string& remote, const TransferScope& scope, unsigned jobs,
                         Progress* progress);

}  // namespace mlops

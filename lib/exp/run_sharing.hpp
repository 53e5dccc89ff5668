#pragma once
// Sharing runs through a remote, with no server (exp push, exp pull, exp list
// --remote). On the remote, beside objects/:
//
//   runs/TIME-HASH.json   a page: the runs of one push (at most 1,000), as
//                         JSON (exp/run_record.hpp); TIME is the push's clock
//                         in ms (13 digits), HASH the XXH3-128 of the page.
//
// A run's metric points, artifacts, log and uncommitted diff are ordinary
// objects, sent before the page that names them, so a page never names an
// object that is not there yet. Pages are never changed or replaced: any
// number of clones can push at once, with no lock. A reader verifies each
// page against its name and every field in it, keeps the pages it has read
// (they never change) and lists only the names after the newest it has, less a
// day (TIME is at least one more than the newest page the pusher saw): pulling
// nothing new is one listing request.
#include <cstdint>
#include <string>
#include <vector>

#include "core/progress.hpp"
#include "data/tracked.hpp"
#include "exp/run_store.hpp"

namespace mlops {

class Repo;

struct RunSelection {
  std::vector<std::string> refs;  // ids, id prefixes, names (NAME@USER)
  std::string experiment;         // -e: only this experiment's runs
  bool absent_ok = false;         // refs (full ids) the remote lacks are listed, not an error
  // With neither refs nor experiment: every run (--all, or nothing named).
};

struct ExpPushResult {
  std::string remote;
  std::vector<std::string> pushed;        // "NAME (ID8)"
  std::size_t already = 0;                // on the remote before
  std::vector<std::string> running;       // not finished: not sent
  std::vector<std::string> incomplete;    // "NAME (ID8): what is missing from the store"
  std::uint64_t objects = 0, bytes = 0;   // sent
};
// Throws Error(Usage) for a run named that does not exist; runs whose objects
// are not in the store are listed, not sent (Error(Missing) after the rest).
ExpPushResult push_runs(Repo& repo, const std::string& remote, const RunSelection& sel, unsigned jobs,
                        Progress* progress);

struct ExpPullResult {
  std::string remote;
  std::vector<std::string> pulled;      // "NAME (ID8)"
  std::size_t already = 0;              // here before
  std::vector<std::string> failed;      // "NAME (ID8): why" (objects absent or damaged: not imported)
  std::vector<std::string> bad_pages;   // "runs/PAGE: why" (nothing of them read)
  std::vector<std::string> not_on_remote;  // refs the remote lacks (absent_ok)
  std::uint64_t objects = 0, bytes = 0; // received
};
ExpPullResult pull_runs(Repo& repo, const std::string& remote, const RunSelection& sel, unsigned jobs,
                        Progress* progress);

struct RemoteRuns {
  std::string remote;
  std::vector<Run> runs;               // newest first
  std::vector<std::string> bad_pages;  // "runs/PAGE: why"
};
// gc -r: the objects that the runs on the remote name (artifacts, logs,
// diffs, metric points), from its pages as they are now. Pages that fail
// their checks are listed in `bad_pages` (their objects are not known).
std::vector<Tracked> shared_run_objects(Repo& repo, const std::string& remote, std::vector<std::string>& bad_pages);

// What the remote holds, without importing it (exp list --remote, exp show --remote).
RemoteRuns remote_runs(Repo& repo, const std::string& remote);


}  // namespace mlops

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
// day (TIME is at least one more than the newest page the pusher saw, pages
// more than a day in the future aside): pulling nothing new is one listing
// request. When pages disagree about a run id, the newest page wins: a run
// changed after its push (tags, metrics, a new name) is pushed again, and a
// page can remove runs (exp rm --remote).
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/progress.hpp"
#include "data/tracked.hpp"
#include "exp/run_store.hpp"

namespace mlops {

class Repo;

struct RunSelection {
  std::vector<std::string> refs;  // ids, id prefixes, names (NAME@USER); a sweep brings its runs
  std::string experiment;         // -e: only this experiment's runs
  bool absent_ok = false;         // refs (full ids) the remote lacks are listed, not an error
  // With neither refs nor experiment: every run (--all, or nothing named).
};

// A run as results list it.
struct RunLabel {
  std::string id, name, user;
  std::string text() const { return fmt::format("{} ({})", name, id.substr(0, 8)); }
};

struct ExpPushResult {
  std::string remote;
  std::vector<RunLabel> pushed;           // new on the remote
  std::vector<RunLabel> updated;          // there before, changed here since (tags, metrics, name)
  std::size_t already = 0;                // there, the same
  std::vector<RunLabel> running;          // not finished: not sent
  std::vector<std::string> incomplete;    // "NAME (ID8): why it cannot be sent"
  std::uint64_t objects = 0, bytes = 0;   // sent (also what the remote had lost of runs already there)
};
// Throws Error(Input) for a run named that does not exist; runs that cannot
// be sent are listed in `incomplete` (the caller decides what that means).
ExpPushResult push_runs(Repo& repo, const std::string& remote, const RunSelection& sel, unsigned jobs,
                        Progress* progress);

struct ExpPullResult {
  std::string remote;
  std::vector<RunLabel> pulled;          // new here
  std::vector<RunLabel> updated;         // here before, replaced by the remote's (force)
  std::vector<RunLabel> differ;          // here before, different on the remote: kept (no force)
  std::size_t already = 0;               // here, the same
  std::vector<std::string> failed;       // "NAME (ID8): why" (objects absent or damaged: not imported)
  std::vector<std::string> bad_pages;    // "runs/PAGE: why" (nothing of them read)
  std::vector<std::string> strays;       // names in runs/ that are not pages (ignored)
  std::vector<std::string> not_on_remote;  // refs the remote lacks (absent_ok)
  std::uint64_t objects = 0, bytes = 0;  // received
};
// force: runs here that differ from the remote's record take the remote's.
ExpPullResult pull_runs(Repo& repo, const std::string& remote, const RunSelection& sel, bool force, unsigned jobs,
                        Progress* progress);

// exp rm --remote: a page that removes the runs from the remote's listing;
// gc -r then removes their objects. Returns the runs removed.
std::vector<RunLabel> remove_remote_runs(Repo& repo, const std::string& remote, const std::vector<std::string>& refs);

// gc -r: the objects that the runs on the remote name (artifacts, logs,
// diffs, metric points; every record of a run id not removed), from its
// pages as they are now. Pages that fail their checks are listed in
// `bad_pages` (their objects are not known).
std::vector<Tracked> shared_run_objects(Repo& repo, const std::string& remote, std::vector<std::string>& bad_pages);

struct RemoteRuns {
  std::string remote;
  std::vector<Run> runs;               // newest first
  std::vector<std::string> bad_pages;  // "runs/PAGE: why"
  std::vector<std::string> strays;     // names in runs/ that are not pages
};
// What the remote holds, without importing it (exp list --remote, exp show --remote).
RemoteRuns remote_runs(Repo& repo, const std::string& remote);

}  // namespace mlops

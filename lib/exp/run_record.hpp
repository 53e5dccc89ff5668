#pragma once
// Runs as they travel through a remote (exp push, exp pull, exp list
// --remote). A page is the runs of one push, as JSON: everything about each
// run but its metric points, which travel as one store object per run (the
// `points` text below), so that listing a remote reads pages only.
// Whatever is decoded came from someone else: every field is checked and
// bounded, and an error names the page and the run.
#include <string>
#include <string_view>
#include <vector>

#include "core/hash.hpp"
#include "exp/run_store.hpp"

namespace mlops {

struct SharedArtifact {
  std::uint64_t size = 0;  // of the file, or of a folder's manifest
  bool dir = false;        // stored as a folder manifest
};

struct SharedRun {
  Run run;                                          // run.artifacts: path -> object id
  std::map<std::string, SharedArtifact> artifacts;  // path -> what the object is
  ObjectId points;                                  // empty when the run has no metric points
  std::uint64_t points_size = 0, diff_size = 0;     // bytes of the points and git diff objects
};

// What one run may hold, so that every clone takes it from a page: a
// param, tag, command or path of at most kMaxRunText bytes; at most
// kMaxRunEntries params, tags, metrics or artifacts.
constexpr std::size_t kMaxRunText = 64 * 1024;
constexpr std::size_t kMaxRunEntries = 100000;

// A page is at most this big, and holds at most kRunsPerPage runs (and as
// many removals).
constexpr std::uint64_t kMaxRunPageBytes = 64u << 20;
constexpr std::size_t kRunsPerPage = 1000;

// A page: runs pushed, and ids of runs removed from the remote (exp rm
// --remote), which hide the records of those ids in earlier pages.
struct RunPage {
  std::vector<SharedRun> runs;
  std::vector<std::string> removed;
};

std::string encode_run_page(const RunPage& page);
// Throws Error(Remote) "WHERE: run N (ID): what is wrong".
RunPage decode_run_page(std::string_view bytes, const std::string& where);

// "mlops-points 1" then a line per point: KEY \t STEP \t VALUE \t TIME.
std::string encode_points(const std::vector<MetricPoint>& points);
// Throws Error(Remote) naming `where` and the line. Every key must be one of
// `keys` (the record's metrics) when given.
std::vector<MetricPoint> decode_points(std::string_view bytes, const std::string& where,
                                       const FlatMap<std::string, MetricSummary>* keys = nullptr);
// The most a run's metric points object may weigh.
constexpr std::uint64_t kMaxPointsBytes = 256u << 20;

// 32 lowercase hex digits, as new_run_id() makes them.
bool is_run_id(std::string_view id);

}  // namespace mlops

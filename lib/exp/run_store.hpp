#pragma once
// Experiment runs in the state database: runs, params, tags, metrics (every
// step) and the latest_metrics summary that listing reads.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/flat_map.hpp"

namespace mlops {

class Db;

// Keys and values of params and tags, and metric keys, as they arrive from the
// command line (`what`: "param", "tag", "metric"): valid UTF-8 without control
// characters, since tables, JSON and CSV show them. Throws Error(Usage)
// naming the argument.
void check_run_text(std::string_view what, std::string_view key, std::string_view value = {});

struct MetricPoint {
  std::string key;
  std::int64_t step = 0;
  double value = 0;
  std::int64_t ts = 0;  // ms since the epoch
};

struct MetricSummary {
  std::int64_t step = 0;  // of the latest value
  double last = 0, min = 0, max = 0;
  std::int64_t count = 0;
};

struct Run {
  std::string id, name, experiment, status, command, git_commit, user, host, parent_id, log_id;
  std::string os, cpu, git_diff_id;  // git_diff_id: the uncommitted changes as a stored patch
  std::int64_t cpus = 0, memory_bytes = 0;
  bool git_dirty = false;
  std::int64_t started_at = 0, ended_at = 0;  // ms since the epoch; ended 0 while running
  std::optional<int> exit_code;
  std::optional<std::int64_t> peak_rss_kib;
  // Flat sorted vectors: a listing loads thousands of runs (see flat_map.hpp).
  FlatMap<std::string, std::string> params, tags;
  FlatMap<std::string, MetricSummary> metrics;
  FlatMap<std::string, std::string> artifacts;  // path -> object id
  std::string short_id() const { return id.substr(0, 8); }
};

class RunStore {
public:
  explicit RunStore(Db& db) : db_(db) {}
  // Records this process as the run's recorder (see run_recorder.hpp).
  void create(const Run& run);
  // Runs still 'running' whose recorder died become 'lost'. list() and get()
  // (with details) call it first.
  void mark_lost();
  void finish(const std::string& id, const std::string& status, std::optional<int> exit_code,
              std::optional<std::int64_t> peak_rss_kib, const std::string& log_id);
  void set_params(const std::string& id, const FlatMap<std::string, std::string>& params);
  void set_tags(const std::string& id, const FlatMap<std::string, std::string>& tags);
  // The newest run with tag key = value ("output.models/m.json" = its id: the
  // pipeline run that produced it); nullopt when none.
  std::optional<std::string> newest_with_tag(const std::string& key, const std::string& value);
  // In one transaction, keeping latest_metrics in step. A negative step means
  // the one after the metric's latest.
  void log_metrics(const std::string& id, const std::vector<MetricPoint>& points);
  void add_artifact(const std::string& id, const std::string& path, const std::string& object_id, std::uint64_t size);
  // Adds a run recorded in another clone (exp pull) with its artifacts and
  // every metric point, in one transaction; false, writing nothing, when a run
  // with that id is here already, unless `replace` (then it is replaced
  // whole). The fields are trusted: check them first.
  bool import_run(const Run& run, const std::map<std::string, std::uint64_t>& artifact_sizes,
                  const std::vector<MetricPoint>& points, bool replace = false);
  // The ids of every run here.
  std::unordered_set<std::string> ids();
  // path -> size of a run's artifacts.
  std::map<std::string, std::uint64_t> artifact_sizes(const std::string& id);
  bool name_taken(const std::string& name);
  // Error(Usage) unless `name` can name a run: not empty, at most 200 bytes,
  // UTF-8 without control characters (it is printed in tables and messages),
  // no '@' and not 32 hex digits (NAME@USER and ids name runs too).
  static void check_name(const std::string& name);
  // Gives a run a new (unique) name; throws Error(Usage) when it is taken.
  void rename(const std::string& id, const std::string& name);
  // Deletes runs with their params, tags, metrics and artifact records; the
  // objects stay in the store until gc.
  void remove(const std::vector<std::string>& ids);
  // By full id, id prefix (at least 4 characters), name, or NAME@USER when
  // runs pulled from others share a name; throws Error(Input) when nothing or
  // more than one run matches.
  // Without `details`, params, tags, metrics and artifacts are not read (exp log).
  Run get(const std::string& ref, bool details = true);
  enum class Details { All, ParamsAndMetrics };
  // Newest first; ParamsAndMetrics leaves tags and artifacts out (faster).
  std::vector<Run> list(Details details = Details::All);
  // The runs of a sweep, in its order: NAME-1, NAME-2, ..., NAME-10.
  std::vector<Run> children(const std::string& parent_id, Details details = Details::ParamsAndMetrics);
  // Every point of one metric of a run, by step (then time).
  std::vector<MetricPoint> history(const std::string& id, const std::string& key);
  // Every point of every metric of a run, by key, step and time.
  std::vector<MetricPoint> history(const std::string& id);

private:
  void load_details(std::vector<Run>& runs, Details details = Details::All);
  // remove() inside a transaction the caller holds.
  void delete_runs(const std::vector<std::string>& ids);
  Db& db_;
};

// A sweep's order: NAME-1, NAME-2, ..., NAME-10 (by name, shorter first).
void sort_sweep_order(std::vector<Run>& runs);

}  // namespace mlops

#pragma once
// A run's journal. `mlops exp log` called from inside `mlops exp run` appends
// one JSON line per value to .mlops/runs/ID/journal.jsonl (named by
// $MLOPS_RUN_JOURNAL) instead of opening the state database, which halves
// the cost of a call and keeps loggers off the database's write lock. The run
// applies the journal about once a second and at the end, when it takes an
// exclusive lock on the file, applies the rest and removes it; a logger holds
// a shared lock while it appends and falls back to the database when it finds
// the journal gone, so no value is lost to that race. The recorder also holds
// an exclusive lock on recorder.lock beside it for as long as it lives: when
// `mlops exp run` was killed, loggers find that lock free and write to the
// database rather than into a journal nobody reads.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/file_lock.hpp"
#include "core/file_tail.hpp"
#include "core/fs.hpp"
#include "exp/run_store.hpp"

namespace mlops {

struct JournalEntry {
  enum class Kind { Metric, Param, Tag } kind = Kind::Metric;
  std::string key;
  std::string text;        // param and tag values
  double value = 0;        // metric values
  std::int64_t step = -1;  // -1: the metric's next step, decided when applied
  std::int64_t ts = 0;     // when it was logged (ms since the epoch)
};

std::string journal_line(const JournalEntry& e);

// The journal to append to for run `ref` ("" = $MLOPS_RUN_ID): set only when
// this process runs inside `mlops exp run` of that very run.
std::optional<fs::path> current_run_journal(const std::string& ref);

// Appends one entry; false when the journal no longer exists (its run has
// ended), in which case the caller writes to the database itself.
bool append_to_journal(const fs::path& journal, const JournalEntry& e);

class JournalReader {
public:
  explicit JournalReader(fs::path journal) : tail_(std::move(journal)) {}
  // Creates the (empty) journal and takes the recorder's lock.
  void create();
  // Applies the lines appended since the last call.
  void apply_new(RunStore& runs, const std::string& run_id, std::vector<std::string>& warnings);
  // Applies the rest under the exclusive lock and removes the journal.
  void close(RunStore& runs, const std::string& run_id, std::vector<std::string>& warnings);

private:
  void apply(const std::string& text, std::size_t first_line, RunStore& runs, const std::string& run_id,
             std::vector<std::string>& warnings);
  FileTail tail_;
  std::optional<FileLock> recorder_;
};

}  // namespace mlops

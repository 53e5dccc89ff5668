#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>

#include "core/fd.hpp"
#include "core/file_lock.hpp"
#include "core/file_tail.hpp"
#include "exp/run_journal.hpp"
#include "temp_dir.hpp"

using namespace mlops;

namespace {
void append(const fs::path& p, const std::string& text) {
  UniqueFd fd(::open(p.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0644));
  write_all(fd.get(), text.data(), text.size(), p);
}
}  // namespace

TEST_CASE("FileTail: whole lines while the writer runs, the rest at the end") {
  test::TempDir dir;
  FileTail tail(dir / "m.jsonl");
  CHECK(tail.read_new(false).empty());  // no file yet
  append(dir / "m.jsonl", "one\ntw");
  CHECK(tail.read_new(false) == "one\n");
  CHECK(tail.next_line() == 2);
  CHECK(tail.read_new(false).empty());  // half a line waits
  append(dir / "m.jsonl", "o\nthree");
  CHECK(tail.read_new(false) == "two\n");
  CHECK(tail.read_new(true) == "three");
  CHECK(tail.read_new(true).empty());
}

TEST_CASE("journal lines keep every kind of value exactly") {
  JournalEntry m{JournalEntry::Kind::Metric, "lo\"ss", "", 0.1 + 0.2, 4, 1700000000000};
  CHECK(journal_line(m) == "{\"metric\":\"lo\\\"ss\",\"step\":4,\"ts\":1700000000000,\"value\":0.30000000000000004}\n");
  JournalEntry p{JournalEntry::Kind::Param, "lr", "1e-3", 0, -1, 5};
  CHECK(journal_line(p) == "{\"param\":\"lr\",\"ts\":5,\"value\":\"1e-3\"}\n");
  m.step = -1;  // the next step: decided when the run applies it
  CHECK(journal_line(m).find("step") == std::string::npos);
}

TEST_CASE("append_to_journal: only to a journal that still exists") {
  test::TempDir dir;
  fs::path j = dir / "runs" / "abc" / "journal.jsonl";
  JournalEntry e{JournalEntry::Kind::Tag, "team", "nlp", 0, -1, 1};
  CHECK_FALSE(append_to_journal(j, e));  // the run has ended: the caller writes to the database
  dir.write("runs/abc/journal.jsonl", "");
  CHECK_FALSE(append_to_journal(j, e));  // no recorder holds it: exp run was killed
  {
    FileLock recorder(dir / "runs" / "abc" / "recorder.lock", FileLock::Mode::Exclusive);
    CHECK(append_to_journal(j, e));
    CHECK(append_to_journal(j, e));
  }
  CHECK_FALSE(append_to_journal(j, e));  // the recorder is gone again
  CHECK(read_file(j) == journal_line(e) + journal_line(e));
}

TEST_CASE("current_run_journal: the journal of this very run only") {
  ::setenv("MLOPS_RUN_ID", "abc", 1);
  ::setenv("MLOPS_RUN_JOURNAL", "/r/.mlops/runs/abc/journal.jsonl", 1);
  CHECK(current_run_journal("") == fs::path("/r/.mlops/runs/abc/journal.jsonl"));
  CHECK(current_run_journal("abc").has_value());
  CHECK_FALSE(current_run_journal("ab").has_value());     // a prefix or a name: through the database
  CHECK_FALSE(current_run_journal("other").has_value());  // --run names another run
  ::setenv("MLOPS_RUN_ID", "xyz", 1);                     // changed by the command: not abc's journal
  CHECK_FALSE(current_run_journal("").has_value());
  ::setenv("MLOPS_RUN_JOURNAL", "runs/xyz/journal.jsonl", 1);  // relative: not one exp run set
  CHECK_FALSE(current_run_journal("").has_value());
  ::unsetenv("MLOPS_RUN_ID");
  ::unsetenv("MLOPS_RUN_JOURNAL");
  CHECK_FALSE(current_run_journal("").has_value());
}

#include <doctest/doctest.h>

#include "state/db.hpp"
#include "state/stat_cache.hpp"
#include "temp_dir.hpp"

#include <cmath>
#include <string>
#include <vector>

using namespace mlops;

namespace {
StatRecord record(std::uint64_t ino, const char* content) {
  StatRecord r;
  r.st.dev = 1;
  r.st.ino = ino;
  r.st.size = 3;
  r.st.mtime_ns = 1'000'000'000;  // long ago: not racy
  r.st.ctime_ns = 1'000'000'000;
  r.id = hash_bytes(HashAlgo::Xxh128, content);
  return r;
}
}  // namespace

std::vector<std::string> paths_under(StatCache& cache, const std::string& path) {
  std::vector<std::string> out;
  cache.for_each_under(path, [&](std::string_view p, const StatRecord&) { out.emplace_back(p); });
  return out;
}

TEST_CASE("the stat cache stores and reads back what is at or below a path, in path order") {
  test::TempDir dir;
  Db db(dir / "state.db");
  StatCache cache(db);
  // data.txt and data-x sort between data and data/…, data0 and datum after.
  cache.store({{"data/sub/b", record(2, "b")}, {"data/a", record(1, "a")}, {"data0", record(3, "x")},
               {"datum", record(4, "y")}, {"data", record(5, "z")}, {"data.txt", record(6, "t")},
               {"data-x", record(7, "u")}, {"data/a-b", record(8, "v")}});
  CHECK(paths_under(cache, "data") == std::vector<std::string>{"data", "data/a", "data/a-b", "data/sub/b"});
  StatRecord got;
  cache.for_each_under("data/a", [&](std::string_view, const StatRecord& r) { got = r; });
  CHECK(got.id == hash_bytes(HashAlgo::Xxh128, "a"));
  CHECK(got.st.same_as(record(1, "a").st));
  cache.forget_under("data");
  CHECK(paths_under(cache, "data").empty());
  CHECK(paths_under(cache, "data0") == std::vector<std::string>{"data0"});
  CHECK(paths_under(cache, "data.txt") == std::vector<std::string>{"data.txt"});
}

TEST_CASE("racy entries (modified just now) are not cached") {
  test::TempDir dir;
  Db db(dir / "state.db");
  StatCache cache(db);
  StatRecord r = record(1, "a");
  r.st.mtime_ns = now_ns();
  cache.store({{"fresh", r}});
  CHECK(paths_under(cache, "fresh").empty());
}

TEST_CASE("the schema is versioned and reopening is idempotent") {
  test::TempDir dir;
  { Db db(dir / "state.db"); }
  Db db(dir / "state.db");
  Stmt s(db, "PRAGMA user_version");
  REQUIRE(s.step());
  CHECK(s.col_int(0) == 9);
  Stmt wal(db, "PRAGMA journal_mode");
  REQUIRE(wal.step());
  CHECK(wal.col_text(0) == "wal");
}

TEST_CASE("the state database keeps NaN and infinities as themselves (SQLite alone would make NaN NULL)") {
  test::TempDir dir;
  Db db(dir / "state.db");
  db.exec("CREATE TABLE t (v REAL NOT NULL)");
  for (double v : {std::nan(""), double(INFINITY), -double(INFINITY), 0.25}) {
    Stmt ins(db, "INSERT INTO t (v) VALUES (?)");
    ins.bind_double(1, v);
    ins.run();
  }
  Stmt s(db, "SELECT v FROM t ORDER BY rowid");
  std::vector<double> back;
  while (s.step()) back.push_back(s.col_double(0));
  REQUIRE(back.size() == 4);
  CHECK(std::isnan(back[0]));
  CHECK(back[1] == INFINITY);
  CHECK(back[2] == -INFINITY);
  CHECK(back[3] == 0.25);
}

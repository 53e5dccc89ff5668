#include <doctest/doctest.h>

#include "state/db.hpp"
#include "state/stat_cache.hpp"
#include "temp_dir.hpp"

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

TEST_CASE("the stat cache stores, matches exactly, and loads by prefix") {
  test::TempDir dir;
  Db db(dir / "state.db");
  StatCache cache(db);
  cache.store({{"data/a", record(1, "a")}, {"data/sub/b", record(2, "b")}, {"data0", record(3, "x")},
               {"datum", record(4, "y")}, {"data", record(5, "z")}});
  auto under = cache.load_under("data");
  CHECK(under.size() == 3);  // data, data/a, data/sub/b; not data0 or datum
  CHECK(under.count("data0") == 0);
  FileStat st = record(1, "a").st;
  REQUIRE(StatCache::lookup(under, "data/a", st) != nullptr);
  CHECK(*StatCache::lookup(under, "data/a", st) == hash_bytes(HashAlgo::Xxh128, "a"));
  st.mtime_ns += 1;
  CHECK(StatCache::lookup(under, "data/a", st) == nullptr);
  st = record(1, "a").st;
  st.ino = 99;
  CHECK(StatCache::lookup(under, "data/a", st) == nullptr);
  cache.forget_under("data");
  CHECK(cache.load_under("data").empty());
  CHECK(cache.load_under("data0").size() == 1);
}

TEST_CASE("racy entries (modified just now) are not cached") {
  test::TempDir dir;
  Db db(dir / "state.db");
  StatCache cache(db);
  StatRecord r = record(1, "a");
  r.st.mtime_ns = now_ns();
  cache.store({{"fresh", r}});
  CHECK(cache.load_under("fresh").empty());
}

TEST_CASE("the schema is versioned and reopening is idempotent") {
  test::TempDir dir;
  { Db db(dir / "state.db"); }
  Db db(dir / "state.db");
  Stmt s(db, "PRAGMA user_version");
  REQUIRE(s.step());
  CHECK(s.col_int(0) == 6);
  Stmt wal(db, "PRAGMA journal_mode");
  REQUIRE(wal.step());
  CHECK(wal.col_text(0) == "wal");
}

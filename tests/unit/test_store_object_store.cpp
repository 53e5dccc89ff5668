#include <doctest/doctest.h>
#include <sys/stat.h>

#include "core/error.hpp"
#include "core/walk.hpp"
#include "store/object_store.hpp"
#include "temp_dir.hpp"

using namespace mlops;

namespace {
struct StoreFixture {
  test::TempDir dir;
  ObjectStore store{dir / "objects", dir / "tmp", HashAlgo::Xxh128};
  StoreFixture() {
    make_dirs(dir / "objects");
    make_dirs(dir / "tmp");
  }
  std::size_t tmp_count() const {
    std::size_t n = 0;
    walk_tree(dir / "tmp", "", WalkVisitor{.file = [&](const WalkEntry&) { ++n; }});
    return n;
  }
};
}  // namespace

TEST_CASE_FIXTURE(StoreFixture, "put_file stores once, read-only, under its id") {
  dir.write("a.txt", "abc");
  auto r = store.put_file(dir / "a.txt", "a.txt", *lstat_path(dir / "a.txt"));
  CHECK(r.id.str() == "xxh128:06b05ab6733a618578af5f94892f3950");
  CHECK(r.written);
  CHECK(store.path_of(r.id) == dir / "objects/06/b05ab6733a618578af5f94892f3950");
  CHECK(read_file(store.path_of(r.id)) == "abc");
  CHECK((lstat_path(store.path_of(r.id))->mode & 0777) == 0444);
  dir.write("b.txt", "abc");
  auto again = store.put_file(dir / "b.txt", "b.txt", *lstat_path(dir / "b.txt"));
  CHECK(again.id == r.id);
  CHECK_FALSE(again.written);
  CHECK(tmp_count() == 0);
}

TEST_CASE_FIXTURE(StoreFixture, "large files stream through tmp and leave nothing behind") {
  std::string big(20u << 20, 'x');
  big[12345] = 'y';
  dir.write("big", big);
  auto r = store.put_file(dir / "big", "big", *lstat_path(dir / "big"));
  CHECK(r.written);
  CHECK(r.id == hash_bytes(HashAlgo::Xxh128, big));
  CHECK(store.verify(r.id));
  CHECK(tmp_count() == 0);
  CHECK_FALSE(store.put_file(dir / "big", "big", *lstat_path(dir / "big")).written);
  CHECK(tmp_count() == 0);
}

TEST_CASE_FIXTURE(StoreFixture, "errors name the file") {
  CHECK_THROWS_WITH_AS(store.put_file(dir / "nope", "data/nope", FileStat{}), doctest::Contains("data/nope vanished"), Error);
  ::symlink("/etc/hostname", (dir / "link").c_str());
  CHECK_THROWS_AS(store.put_file(dir / "link", "link", FileStat{}), Error);  // never follows a link
}

TEST_CASE_FIXTURE(StoreFixture, "put_bytes, read_verified and corruption") {
  ObjectId id = store.put_bytes("manifest text\n");
  CHECK(store.read_verified(id) == "manifest text\n");
  fs::path p = store.path_of(id);
  ::chmod(p.c_str(), 0644);
  atomic_write(p, "tampered\n");
  CHECK_FALSE(store.verify(id));
  CHECK_THROWS_WITH_AS(store.read_verified(id), doctest::Contains("corrupt"), Error);
  ObjectId missing = hash_bytes(HashAlgo::Xxh128, "never stored");
  CHECK_FALSE(store.has(missing));
  CHECK_THROWS_WITH_AS(store.read_verified(missing), doctest::Contains("missing from the store"), Error);
}

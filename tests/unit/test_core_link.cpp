#include <doctest/doctest.h>
#include <sys/stat.h>

#include "core/error.hpp"
#include "core/link.hpp"
#include "temp_dir.hpp"

using namespace mlops;

TEST_CASE("link mode lists") {
  auto m = parse_link_modes("reflink, hardlink,copy");
  REQUIRE(m.size() == 3);
  CHECK(m[0] == LinkMode::Reflink);
  CHECK(m[2] == LinkMode::Copy);
  CHECK_THROWS_WITH_AS(parse_link_modes("reflink,teleport"), doctest::Contains("'teleport'"), Error);
}

TEST_CASE("each mode places the object's content and replaces what was there") {
  test::TempDir dir;
  dir.write("obj", "content");
  ::chmod((dir / "obj").c_str(), 0444);
  for (auto mode : {LinkMode::Copy, LinkMode::Hardlink, LinkMode::Symlink}) {
    dir.write("ws/file", "old");
    Linker linker({mode});
    auto placed = linker.place(dir / "obj", 7, dir / "ws/file", false);
    CHECK(placed.mode == mode);
    CHECK(placed.st.size == 7);
    CHECK(read_file(dir / "ws/file") == "content");
    auto st = lstat_path(dir / "ws/file");
    CHECK(st->is_symlink() == (mode == LinkMode::Symlink));
  }
}

TEST_CASE("an unsupported mode falls through to the next") {
  test::TempDir dir;
  dir.write("obj", "content");
  // Reflink is refused on most test filesystems (ext4, tmpfs); copy follows.
  Linker linker({LinkMode::Reflink, LinkMode::Copy});
  LinkMode used = linker.place(dir / "obj", 7, dir / "out", true).mode;
  CHECK(read_file(dir / "out") == "content");
  if (used == LinkMode::Copy) CHECK(lstat_path(dir / "out")->is_executable());
}

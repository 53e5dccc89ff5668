#include <doctest/doctest.h>

#include "data/gitignore.hpp"
#include "temp_dir.hpp"

using namespace mlops;

TEST_CASE("gitignore entries are added once, beside the data, and removed") {
  test::TempDir dir;
  fs::create_directories(dir / ".mlops");  // a repository's: it holds the edit lock
  dir.write("data/.gitignore", "*.tmp");  // no trailing newline
  CHECK(gitignore_add(dir.path(), "data/train.csv") == "data/.gitignore");
  CHECK(gitignore_add(dir.path(), "data/train.csv").empty());
  CHECK(read_file(dir / "data/.gitignore") == "*.tmp\n/train.csv\n");
  CHECK(gitignore_add(dir.path(), "top") == ".gitignore");
  CHECK(read_file(dir / ".gitignore") == "/top\n");
  make_dirs(dir / "x");
  CHECK(gitignore_add(dir.path(), "x/we*ird[1]") == "x/.gitignore");
  CHECK(read_file(dir / "x/.gitignore") == "/we\\*ird\\[1]\n");
  CHECK(gitignore_remove(dir.path(), "data/train.csv") == "data/.gitignore");
  CHECK(read_file(dir / "data/.gitignore") == "*.tmp\n");
  CHECK(gitignore_remove(dir.path(), "top") == ".gitignore");
  CHECK_FALSE(lstat_path(dir / ".gitignore"));  // emptied: removed
  CHECK(gitignore_remove(dir.path(), "missing").empty());
}

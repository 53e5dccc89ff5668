#include <doctest/doctest.h>

#include "core/error.hpp"
#include "repo/config.hpp"
#include "temp_dir.hpp"

using namespace mlops;

TEST_CASE("config keys are validated before they are written") {
  test::TempDir dir;
  dir.write("config", "");
  Config cfg(dir / "config");
  CHECK(cfg.get_or_default("cache.link") == "reflink,copy");
  cfg.set("cache.link", "hardlink,copy");
  CHECK(*cfg.get("cache.link") == "hardlink,copy");
  CHECK_THROWS_WITH_AS(cfg.set("cache.link", "teleport"), doctest::Contains("teleport"), Error);
  CHECK_THROWS_WITH_AS(cfg.set("cache.lnk", "copy"), doctest::Contains("unknown config key 'cache.lnk'"), Error);
  CHECK_THROWS_AS(cfg.set("core.jobs", "0"), Error);
  CHECK_THROWS_AS(cfg.set("core.hash", "sha256"), Error);
  CHECK(*cfg.get("cache.link") == "hardlink,copy");
  CHECK(cfg.unset("cache.link"));
  CHECK_FALSE(cfg.unset("cache.link"));
  CHECK(read_file(dir / "config").find("hardlink") == std::string::npos);
}

TEST_CASE("a broken config file is reported with its name") {
  test::TempDir dir;
  dir.write("config", "[core\n\thash = xxh128\n");
  CHECK_THROWS_WITH_AS(Config(dir / "config"), doctest::Contains((dir / "config").c_str()), Error);
}

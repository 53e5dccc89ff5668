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

#include "repo/config_reader.hpp"

namespace {
// What libgit2 reads from the same text: the oracle for the fast reader.
std::vector<std::pair<std::string, std::string>> libgit2_read(const fs::path& file) {
  ensure_libgit2();
  git_config* raw = nullptr;
  REQUIRE(git_config_open_ondisk(&raw, file.c_str()) == 0);
  GitConfigPtr cfg(raw);
  std::vector<std::pair<std::string, std::string>> out;
  git_config_foreach(
      cfg.get(),
      [](const git_config_entry* e, void* p) -> int {
        static_cast<std::vector<std::pair<std::string, std::string>>*>(p)->emplace_back(e->name, e->value ? e->value : "");
        return 0;
      },
      &out);
  return out;
}
}  // namespace

TEST_CASE("the fast config reader reads what libgit2 reads") {
  test::TempDir dir;
  const char* texts[] = {
      "[core]\n\thash = xxh128\n[cache]\n\tlink = hardlink,copy\n",
      "# comment\n; other\n[Core]\n  Hash=sha256   \n[cache]\n\tlink = \"reflink, copy\" ; trailing\n",
      "[cache]\n\tdir = /path/with\\\\backslash # c\n\tdir = /second\n",
      "[remote \"Origin Server\"]\n\tURL = s3://bucket/a b\n\tbare\n[section.Sub]\n\tk = v\n",
      "[a]\n\tmulti = one\\\n two\n\tquoted = \"  spaced  \" after\n\ttab = a\\tb\n\tq = x\"#not comment\"y\n",
      "[a]\n\tempty =\n\tsp = \"\"\n[b] key = on-header-line\n",
  };
  for (const char* text : texts) {
    CAPTURE(text);
    dir.write("config", text);
    auto ours = parse_git_config(text, "config");
    auto theirs = libgit2_read(dir / "config");
    std::string a, b;
    for (const auto& [k, v] : ours.entries) a += k + "=[" + v + "]\n";
    for (const auto& [k, v] : theirs) b += k + "=[" + v + "]\n";
    CHECK(a == b);
  }
}

TEST_CASE("the fast reader refuses what libgit2 refuses, naming the line") {
  CHECK_THROWS_WITH_AS(parse_git_config("[core]\n\thash = x\n[cache\n", "cfg"), doctest::Contains("cfg:3"), Error);
  CHECK_THROWS_WITH_AS(parse_git_config("[a]\n\tk = \"open\n", "cfg"), doctest::Contains("cfg:2"), Error);
  CHECK_THROWS_AS(parse_git_config("k = v\n", "cfg"), Error);
  CHECK(parse_git_config("[include]\n\tpath = other\n", "cfg").has_includes);
}

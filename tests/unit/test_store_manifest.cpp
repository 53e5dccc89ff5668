#include <doctest/doctest.h>

#include "core/error.hpp"
#include "store/manifest.hpp"

using namespace mlops;

namespace {
ObjectId id_of(const char* s) { return hash_bytes(HashAlgo::Xxh128, s); }
}  // namespace

TEST_CASE("manifests serialise sorted and parse back") {
  Manifest m;
  m.entries.push_back({"b/c.txt", id_of("c"), 1, false});
  m.entries.push_back({"a b.bin", id_of("a"), 10, true});
  m.normalise();
  std::string text = m.serialize();
  CHECK(text == id_of("a").str() + " 10 755 a b.bin\n" + id_of("c").str() + " 1 644 b/c.txt\n");
  Manifest back = Manifest::parse(text, "m");
  REQUIRE(back.entries.size() == 2);
  CHECK(back.entries[0].path == "a b.bin");
  CHECK(back.entries[0].executable);
  CHECK(back.total_size() == 11);
  CHECK(back.find("b/c.txt")->size == 1);
  CHECK(back.find("zzz") == nullptr);
}

TEST_CASE("malformed manifests are refused with a line number") {
  std::string good = id_of("a").str() + " 1 644 a\n";
  CHECK_THROWS_WITH_AS(Manifest::parse(good + id_of("b").str() + " 1 644 ../escape\n", "M"),
                       doctest::Contains("M:2: unsafe path '../escape'"), Error);
  CHECK_THROWS_WITH_AS(Manifest::parse(id_of("a").str() + " 1 644 /etc/passwd\n", "M"),
                       doctest::Contains("unsafe path"), Error);
  CHECK_THROWS_WITH_AS(Manifest::parse("xxh128:zz 1 644 a\n", "M"), doctest::Contains("M:1: invalid object id"), Error);
  CHECK_THROWS_WITH_AS(Manifest::parse(id_of("a").str() + " -1 644 a\n", "M"), doctest::Contains("invalid size"), Error);
  CHECK_THROWS_WITH_AS(Manifest::parse(id_of("a").str() + " 1 777 a\n", "M"), doctest::Contains("invalid mode"), Error);
  CHECK_THROWS_WITH_AS(Manifest::parse(good + good, "M"), doctest::Contains("M:2: entries are not sorted"), Error);
  CHECK_THROWS_WITH_AS(Manifest::parse(id_of("a").str() + " 1 644 a", "M"), doctest::Contains("not terminated"), Error);
  Manifest dup;
  dup.entries = {{"x", id_of("a"), 1, false}, {"x", id_of("b"), 1, false}};
  CHECK_THROWS_AS(dup.normalise(), Error);
}

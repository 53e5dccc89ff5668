// Known vectors: XXH3-128 values from the reference xxhsum (-H2); SHA-256
// values from FIPS 180-2 and Python's hashlib.
#include <doctest/doctest.h>

#include "core/error.hpp"
#include "core/file_hash.hpp"
#include "core/hash.hpp"
#include "temp_dir.hpp"

using namespace mlops;

namespace {
std::string pattern_10mb() {
  std::string s;
  s.reserve(256 * 40000);
  for (int k = 0; k < 40000; ++k)
    for (int b = 0; b < 256; ++b) s.push_back(static_cast<char>(b));
  return s;
}
}  // namespace

TEST_CASE("XXH3-128 known vectors") {
  CHECK(hash_bytes(HashAlgo::Xxh128, "").str() == "xxh128:99aa06d3014798d86001c324468d497f");
  CHECK(hash_bytes(HashAlgo::Xxh128, "abc").str() == "xxh128:06b05ab6733a618578af5f94892f3950");
  CHECK(hash_bytes(HashAlgo::Xxh128, "The quick brown fox jumps over the lazy dog").hex ==
        "ddd650205ca3e7fa24a1cc2e3a8a7651");
}

TEST_CASE("SHA-256 known vectors") {
  CHECK(hash_bytes(HashAlgo::Sha256, "").hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(hash_bytes(HashAlgo::Sha256, "abc").str() ==
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("streaming in pieces gives the one-shot hash") {
  std::string data = pattern_10mb();
  for (auto algo : {HashAlgo::Xxh128, HashAlgo::Sha256}) {
    Hasher h(algo);
    for (std::size_t i = 0; i < data.size(); i += 777777) h.update(data.data() + i, std::min<std::size_t>(777777, data.size() - i));
    CHECK(h.finish() == hash_bytes(algo, data));
  }
}

TEST_CASE("hash_file streams files larger than its buffer") {
  test::TempDir dir;
  std::string data = pattern_10mb();
  REQUIRE(data.size() > kReadChunk);
  dir.write("big", data);
  FileStat st;
  CHECK(hash_file(dir / "big", HashAlgo::Xxh128, &st).hex == "69e47cc0f270b1f3e93fd97c8f029ea3");
  CHECK(st.size == data.size());
  CHECK(hash_file(dir / "big", HashAlgo::Sha256).hex ==
        "19d6d9faf9ce166abeb8452ff274241877eb1c09580f7ef62ff77696a6bee1fc");
}

TEST_CASE("object ids parse strictly") {
  ObjectId id = ObjectId::parse("xxh128:99aa06d3014798d86001c324468d497f");
  CHECK(id.algo == HashAlgo::Xxh128);
  CHECK(id.str() == "xxh128:99aa06d3014798d86001c324468d497f");
  CHECK_THROWS_WITH_AS(ObjectId::parse("md5:99aa06d3014798d86001c324468d497f"),
                       doctest::Contains("unknown hash prefix 'md5'"), Error);
  CHECK_THROWS_WITH_AS(ObjectId::parse("99aa06d3014798d86001c324468d497f"), doctest::Contains("no algorithm prefix"),
                       Error);
  CHECK_THROWS_WITH_AS(ObjectId::parse("xxh128:99AA06d3014798d86001c324468d497f"),
                       doctest::Contains("32 lowercase hex"), Error);
  CHECK_THROWS_AS(ObjectId::parse("sha256:abc"), Error);
  CHECK(parse_algo("sha256") == HashAlgo::Sha256);
  CHECK_THROWS_AS(parse_algo("md5"), Error);
}

TEST_CASE("a bare digest names an object by its length, as files on disk do") {
  auto x = ObjectId::from_hex("99aa06d3014798d86001c324468d497f");
  REQUIRE(x);
  CHECK(x->str() == "xxh128:99aa06d3014798d86001c324468d497f");
  auto s = ObjectId::from_hex(std::string(64, 'e'));
  REQUIRE(s);
  CHECK(s->algo == HashAlgo::Sha256);
  CHECK_FALSE(ObjectId::from_hex(std::string(33, 'a')));
  CHECK_FALSE(ObjectId::from_hex(std::string(32, 'A')));
  CHECK_FALSE(ObjectId::from_hex(""));
  CHECK_FALSE(ObjectId::from_hex("tmp-99aa06d3014798d86001c3244"));
}

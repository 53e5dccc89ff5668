#include <doctest/doctest.h>

#include <zstd.h>

#include "core/error.hpp"
#include "core/zstd_codec.hpp"

using namespace mlops;

namespace {

std::string failure(std::string_view frame, std::uint64_t max) {
  try {
    zstd_decompress(frame, max, "obj");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::Remote);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("text is compressed and comes back the same; data that does not shrink is left as it is") {
  std::string csv;
  for (int i = 0; i < 2000; ++i) csv += "2026-12-0" + std::to_string(i % 9) + ",sensor-" + std::to_string(i % 7) + ",0.25\n";
  auto packed = zstd_compress_if_smaller(csv);
  REQUIRE(packed);
  CHECK(packed->size() * 5 < csv.size());
  CHECK(zstd_decompress(*packed, csv.size(), "obj") == csv);
  CHECK_FALSE(zstd_compress_if_smaller("short"));
  std::string noise;
  std::uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 4096; ++i) x ^= x << 13, x ^= x >> 7, x ^= x << 17, noise += static_cast<char>(x);
  CHECK_FALSE(zstd_compress_if_smaller(noise));
}

TEST_CASE("a zstd frame from elsewhere is bounded and checked before it is trusted") {
  std::string big(1 << 20, 'a');
  auto bomb = zstd_compress_if_smaller(big);
  REQUIRE(bomb);
  CHECK(bomb->size() < 1000);
  CHECK(failure(*bomb, 1000) == "obj: decompresses to 1048576 bytes, more than the 1000 expected");
  CHECK(failure("not zstd at all", 100) == "obj: not a zstd frame");
  CHECK(failure(bomb->substr(0, bomb->size() - 3), 1 << 20) == "obj: not one whole zstd frame");
  CHECK(failure(*bomb + *bomb, 1 << 21) == "obj: not one whole zstd frame");
  // A frame that does not record its size (streamed) is refused.
  std::string streamed(ZSTD_compressBound(big.size()), '\0');
  ZSTD_CCtx* c = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 0);
  streamed.resize(ZSTD_compress2(c, streamed.data(), streamed.size(), big.data(), big.size()));
  ZSTD_freeCCtx(c);
  CHECK(failure(streamed, 1 << 21) == "obj: a zstd frame that does not say its size");
  // Damaged inside: the checksum-less frame decodes wrong or fails; either
  // way the caller's hash decides, and nothing larger than declared appears.
  std::string damaged = *bomb;
  damaged[damaged.size() / 2] ^= 0x55;
  try {
    CHECK(zstd_decompress(damaged, 1 << 20, "obj").size() == big.size());
  } catch (const Error& e) {
    CHECK(std::string(e.what()).starts_with("obj: "));
  }
}

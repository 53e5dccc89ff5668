#include <doctest/doctest.h>

#include "core/error.hpp"
#include "core/zstd_codec.hpp"
#include "store/pack.hpp"
#include "temp_dir.hpp"

using namespace mlops;

namespace {

ObjectId id_of(const std::string& s) { return hash_bytes(HashAlgo::Xxh128, s); }

std::string parse_error(const std::string& text) {
  try {
    parse_pack_index(text, "p.idx");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::Remote);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a pack holds its objects' bytes back to back after the header, and its index says where") {
  test::TempDir dir;
  dir.write("a", "alpha");
  dir.write("b", "");
  dir.write("c", "charlie!");
  std::string text(5000, 'x');
  dir.write("t", text);
  PackWriter w(HashAlgo::Xxh128);
  CHECK(w.add(id_of("alpha"), dir / "a", 5));
  CHECK(w.add(id_of(""), dir / "b", 0));
  CHECK_FALSE(w.add(id_of("something else"), dir / "c", 8));  // a damaged store object adds nothing
  CHECK(w.add(id_of("charlie!"), dir / "c", 8));
  CHECK(w.add(id_of(text), dir / "t", text.size()));
  CHECK(w.raw_bytes() == 13 + text.size());
  auto f = std::move(w).finish();
  CHECK(f.pack.starts_with(std::string(kPackMagic) + "alphacharlie!"));
  CHECK(f.pack.size() < kPackMagic.size() + 13 + 100);  // the text went in compressed
  CHECK(f.name == id_of(f.pack).hex);
  CHECK(f.ids.size() == 4);
  auto entries = parse_pack_index(f.index, "p.idx");
  REQUIRE(entries.size() == 4);
  for (const auto& e : entries) {
    std::string bytes = f.pack.substr(e.offset, e.size);
    if (e.zstd) bytes = zstd_decompress(bytes, 1 << 20, "t");
    CHECK(e.zstd == (e.id == id_of(text)));
    CHECK(id_of(bytes) == e.id);
  }
  CHECK(encode_pack_index(entries) == f.index);
}

TEST_CASE("objects checked elsewhere (a repack's) are added from memory, compressed as from files") {
  std::string text(5000, 'y');
  PackWriter w(HashAlgo::Xxh128);
  w.add_checked(id_of("delta"), "delta");
  w.add_checked(id_of(text), text);
  CHECK(w.raw_bytes() == 5 + text.size());
  auto f = std::move(w).finish();
  auto entries = parse_pack_index(f.index, "p.idx");
  REQUIRE(entries.size() == 2);
  for (const auto& e : entries) {
    std::string bytes = f.pack.substr(e.offset, e.size);
    CHECK(e.zstd == (e.id == id_of(text)));
    if (e.zstd) bytes = zstd_decompress(bytes, 1 << 20, "t");
    CHECK(id_of(bytes) == e.id);
  }
}

TEST_CASE("a pack index that is not right is refused, naming the line") {
  std::string id = id_of("x").str(), id2 = id_of("y").str();
  std::string first = std::min(id, id2), second = std::max(id, id2);
  std::string head(kPackIndexMagic);
  CHECK(parse_error("") == "p.idx:1: not a pack index (no 'mlops-pack-index 1' header)");
  CHECK(parse_error(head + first + " 13 1 raw") == "p.idx:2: the index is cut short (no end of line)");
  CHECK(parse_error(head + first + " 13 1\n") == "p.idx:2: expected 'ID OFFSET LENGTH CODING'");
  CHECK(parse_error(head + first + " 13 1 raw extra\n") == "p.idx:2: expected 'ID OFFSET LENGTH CODING'");
  CHECK(parse_error(head + first + "  13 1 raw\n") == "p.idx:2: expected 'ID OFFSET LENGTH CODING'");
  CHECK(parse_error(head + first + " 13 1 gzip\n") == "p.idx:2: unknown coding 'gzip' (raw or zstd)");
  CHECK(parse_error(head + first + " 13 1 raw\r\n") == "p.idx:2: the line ends in CR (converted to Windows line endings?)");
  CHECK(parse_error("mlops-pack-index 1\r\n") == "p.idx:1: lines end in CR LF (converted to Windows line endings?)");
  CHECK(parse_error(head + "md5:abc 13 1 raw\n") == "p.idx:2: 'md5:abc' is not an object id");
  CHECK(parse_error(head + first + " -1 1 raw\n") == "p.idx:2: the offset and length must be whole numbers");
  CHECK(parse_error(head + first + " 013 1 raw\n") == "p.idx:2: the offset and length must be whole numbers");
  CHECK(parse_error(head + first + " 99999999999999999999999 1 raw\n") ==
        "p.idx:2: the offset and length must be whole numbers");
  CHECK(parse_error(head + first + " 3 1 raw\n") == "p.idx:2: the offset is inside the pack's header");
  CHECK(parse_error(head + first + " 13 1048577 zstd\n") ==
        "p.idx:2: a length of 1048577 bytes; packs hold objects of at most 1048576");
  CHECK(parse_error(head + second + " 13 1 raw\n" + first + " 14 1 raw\n") == "p.idx:3: ids out of order or repeated");
  CHECK(parse_error(head + first + " 13 1 raw\n" + first + " 14 1 raw\n") == "p.idx:3: ids out of order or repeated");
  auto one = parse_pack_index(head + first + " 13 7 zstd\n", "p.idx");
  REQUIRE(one.size() == 1);
  CHECK(one[0].zstd);
  CHECK(one[0].size == 7);
  CHECK(parse_pack_index(head, "p.idx").empty());
}

TEST_CASE("only NAME.idx with a hex digest for NAME names a pack index") {
  CHECK(pack_name_of_index(std::string(32, 'a') + ".idx") == std::string(32, 'a'));
  CHECK(pack_name_of_index(std::string(64, '0') + ".idx") == std::string(64, '0'));
  CHECK(pack_name_of_index(std::string(32, 'a') + ".pack").empty());
  CHECK(pack_name_of_index(std::string(31, 'a') + ".idx").empty());
  CHECK(pack_name_of_index(std::string(32, 'A') + ".idx").empty());
  CHECK(pack_name_of_index("../" + std::string(29, 'a') + ".idx").empty());
  CHECK(pack_name_of_pack(std::string(32, 'a') + ".pack") == std::string(32, 'a'));
  CHECK(pack_name_of_pack(std::string(32, 'a') + ".idx").empty());
  CHECK(pack_name_of_pack(std::string(32, 'a') + ".pack.tmp").empty());
}

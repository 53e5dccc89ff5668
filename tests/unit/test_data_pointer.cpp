#include <doctest/doctest.h>

#include "core/error.hpp"
#include "data/pointer.hpp"

using namespace mlops;

namespace {
const std::string kId = "xxh128:3aa45359d77686d293f43dcdf5c23e3d";
}

TEST_CASE("pointer files round-trip with a stable field order") {
  Pointer p;
  p.path = "train.csv";
  p.id = ObjectId::parse(kId);
  p.size = 2147483648;
  std::string text = serialize_pointer(p);
  CHECK(text ==
        "# tracked by mlops; the data lives in the store\npath: train.csv\nid: " + kId + "\nsize: 2147483648\n");
  Pointer back = parse_pointer(text, "train.csv.mlops");
  CHECK(back.path == "train.csv");
  CHECK(back.size == 2147483648u);
  CHECK(back.kind == Kind::File);

  p.kind = Kind::Dir;
  p.files = 10000;
  p.path = "yes";  // a YAML boolean unless quoted
  back = parse_pointer(serialize_pointer(p), "x");
  CHECK(back.kind == Kind::Dir);
  CHECK(back.files == 10000);
  CHECK(back.path == "yes");
}

TEST_CASE("bad pointer files are refused, naming file and line") {
  auto bad = [](const std::string& text, const char* expect) {
    CHECK_THROWS_WITH_AS(parse_pointer(text, "d.mlops"), doctest::Contains(expect), Error);
  };
  bad("path: d\nid: a: b\nsize: 1\n", "d.mlops:2: malformed YAML");
  bad("path: ../../etc/passwd\nid: " + kId + "\nsize: 1\n", "d.mlops:1: unsafe path");
  bad("path: /etc/passwd\nid: " + kId + "\nsize: 1\n", "unsafe path");
  bad("path: a/b\nid: " + kId + "\nsize: 1\n", "unsafe path");
  bad("path: d\nid: md5:abc\nsize: 1\n", "d.mlops:2: object id 'md5:abc' has an unknown hash prefix");
  bad("path: d\nid: " + kId + "\nsize: lots\n", "d.mlops:3: 'size' must be a whole number");
  bad("path: d\nid: " + kId + "\n", "missing field 'size'");
  bad("path: d\nid: " + kId + "\nsize: 1\ncolour: red\n", "d.mlops:4: unknown field 'colour'");
  bad("path: d\nid: " + kId + "\nsize: 1\nkind: blob\n", "unknown kind 'blob'");
  bad("- a\n- b\n", "expected a mapping");
  bad("<<<<<<< HEAD\nid: " + kId + "\n=======\nid: " + kId + "\n>>>>>>> other\n", "d.mlops:1: unresolved merge conflict");
}

#include <doctest/doctest.h>

#include "core/error.hpp"
#include "core/yaml_load.hpp"

using namespace mlops;

TEST_CASE("load_yaml applies YAML 1.1 merge keys: own keys win, then the first merged mapping's") {
  auto doc = load_yaml(R"(base: &base {cmd: train, deps: [a], lr: 1}
more: &more {lr: 2, seed: 7}
stage:
  <<: [*base, *more]
  lr: 3
other:
  <<: *base
)", "t.yaml");
  CHECK(doc["stage"]["cmd"].Scalar() == "train");
  CHECK(doc["stage"]["lr"].Scalar() == "3");
  CHECK(doc["stage"]["seed"].Scalar() == "7");
  CHECK(doc["stage"]["deps"][0].Scalar() == "a");
  CHECK(!doc["stage"]["<<"]);
  CHECK(doc["other"]["lr"].Scalar() == "1");
  CHECK(doc["other"].size() == 3);
  CHECK(doc["base"].size() == 3);  // the anchor itself is unchanged
}

TEST_CASE("load_yaml: a quoted '<<' is a plain key; merging a scalar is refused with the line") {
  auto doc = load_yaml("a:\n  '<<': x\n", "t.yaml");
  CHECK(doc["a"]["<<"].Scalar() == "x");
  CHECK_THROWS_WITH_AS(load_yaml("a: 1\nb:\n  <<: [1]\n", "t.yaml"), doctest::Contains("t.yaml:3: '<<' merges mappings only"),
                       Error);
}

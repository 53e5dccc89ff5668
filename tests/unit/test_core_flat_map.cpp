#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/flat_map.hpp"

using mlops::FlatMap;

TEST_CASE("FlatMap keeps its keys sorted whatever the order they come in") {
  FlatMap<std::string, int> m;
  CHECK(m.emplace("b", 2).second);
  CHECK(m.emplace("a", 1).second);
  CHECK(m.emplace("c", 3).second);
  CHECK_FALSE(m.emplace("a", 9).second);  // an existing key keeps its value, as std::map's emplace
  std::string keys;
  for (const auto& [k, v] : m) keys += k + "=" + std::to_string(v) + " ";
  CHECK(keys == "a=1 b=2 c=3 ");
  CHECK(m.size() == 3);
}

TEST_CASE("FlatMap finds by any comparable key, and misses cleanly") {
  FlatMap<std::string, std::string> m{{"lr", "0.1"}, {"epochs", "5"}};
  CHECK(m.find(std::string_view("lr"))->second == "0.1");
  CHECK(m.find("epochs")->second == "5");
  CHECK(m.find("batch") == m.end());
  CHECK(m.count("lr") == 1);
  CHECK(m.count("l") == 0);
  CHECK(m.at("epochs") == "5");
  CHECK_THROWS_AS(m.at("nope"), std::out_of_range);
  m["batch"] = "32";
  m.insert_or_assign("lr", "0.2");
  CHECK(m.at("lr") == "0.2");
  CHECK(m.erase("epochs") == 1);
  CHECK(m.erase("epochs") == 0);
  CHECK(m.size() == 2);
  CHECK(m.begin()->first == "batch");
}

TEST_CASE("FlatMap is written to JSON as an object, as a std::map is") {
  FlatMap<std::string, std::string> m{{"b", "2"}, {"a", "1"}};
  CHECK(nlohmann::json(m).dump() == R"({"a":"1","b":"2"})");
  CHECK(nlohmann::json(FlatMap<std::string, std::string>()).dump() == "{}");
}

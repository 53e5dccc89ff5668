#include <doctest/doctest.h>

#include "exp/metrics_file.hpp"

using namespace mlops;

TEST_CASE("JSON lines: steps, implicit steps across pieces, and bad lines") {
  std::int64_t next = 0;
  auto a = parse_metrics_lines("{\"loss\": 1.5}\n{\"step\": 7, \"loss\": 1.0, \"acc\": 0.5}\n", "m", next);
  REQUIRE(a.points.size() == 3);
  CHECK(a.points[0].step == 0);
  CHECK(a.points[1].step == 7);
  CHECK(a.warnings.empty());
  // A second piece of the same file keeps counting.
  auto b = parse_metrics_lines("{\"loss\": 0.5}\nnot json\n{\"loss\": \"high\", \"acc\": 1}\n{\"step\": 1.5}\n", "m", next, 3);
  REQUIRE(b.points.size() == 2);
  CHECK(b.points[0].step == 2);
  CHECK(b.points[1].key == "acc");
  REQUIRE(b.warnings.size() == 3);
  CHECK(b.warnings[0] == "m:4: not a JSON object; line skipped");
  CHECK(b.warnings[1] == "m:5: \"loss\" is not a finite number; value skipped");
  CHECK(b.warnings[2] == "m:6: \"step\" must be a whole number; line skipped");
}

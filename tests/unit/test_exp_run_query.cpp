#include <doctest/doctest.h>

#include "core/error.hpp"
#include "exp/run_query.hpp"

using namespace mlops;

namespace {
Run run(const char* name, std::map<std::string, std::string> params, std::map<std::string, MetricSummary> metrics) {
  Run r;
  r.id = std::string(name) + "-id";
  r.name = name;
  r.params = std::move(params);
  r.metrics = std::move(metrics);
  return r;
}
// step, last, min, max, count
MetricSummary m(double last, double min, double max) { return MetricSummary{3, last, min, max, 4}; }
RunField f(const char* name) { return *RunField::parse(name); }
std::vector<std::string> names(const std::vector<Run>& runs) {
  std::vector<std::string> out;
  for (const auto& r : runs) out.push_back(r.name);
  return out;
}
}  // namespace

TEST_CASE("sort_runs: numbers as numbers before text, runs without the key last either way") {
  std::vector<Run> runs = {run("a", {{"lr", "0.1"}}, {}), run("b", {{"lr", "adaptive"}}, {}), run("c", {}, {}),
                           run("d", {{"lr", "0.05"}}, {}), run("e", {{"lr", "1e-3"}}, {})};
  sort_runs(runs, f("params.lr"), false);
  CHECK(names(runs) == std::vector<std::string>{"e", "d", "a", "b", "c"});
  sort_runs(runs, f("params.lr"), true);
  CHECK(names(runs) == std::vector<std::string>{"a", "d", "e", "b", "c"});
}

TEST_CASE("best_run and best_value follow the metric's goal; the first of equals wins") {
  std::vector<Run> runs = {run("a", {}, {{"loss", m(0.3, 0.2, 0.9)}, {"acc", m(0.8, 0.1, 0.8)}}),
                           run("b", {}, {{"loss", m(0.1, 0.1, 0.7)}}),
                           run("c", {}, {{"loss", m(0.1, 0.05, 0.5)}, {"acc", m(0.9, 0.2, 0.95)}})};
  CHECK(best_run(runs, f("metrics.loss"), Goal::Min) == 1u);
  CHECK(best_run(runs, f("metrics.loss"), Goal::Max) == 0u);
  CHECK(best_run(runs, f("metrics.acc"), Goal::Max) == 2u);
  CHECK(best_value(runs, f("metrics.loss")) == doctest::Approx(0.1));
  CHECK(best_value(runs, f("best.acc")) == doctest::Approx(0.95));  // best step: the max of acc
  CHECK_FALSE(best_run(runs, f("metrics.f1"), Goal::Max));
  CHECK_FALSE(best_value({}, f("metrics.loss")));
}

TEST_CASE("run_columns: the default set, wildcards, and unknown columns") {
  std::vector<Run> runs = {run("a", {{"lr", "0.1"}}, {{"loss", m(0.3, 0.2, 0.9)}, {"acc", m(0.8, 0.1, 0.8)}})};
  std::vector<std::string> got;
  for (const auto& c : run_columns(runs, "")) got.push_back(c.name);
  // best.loss: the lowest loss was not the last; acc's best is its last.
  CHECK(got == std::vector<std::string>{"id", "name", "experiment", "status", "started", "duration", "params.lr",
                                        "metrics.acc", "metrics.loss", "best.loss"});
  got.clear();
  for (const auto& c : run_columns(runs, "name, metrics.*")) got.push_back(c.name);
  CHECK(got == std::vector<std::string>{"name", "metrics.acc", "metrics.loss"});
  CHECK_THROWS_WITH_AS(run_columns(runs, "name,nope"), doctest::Contains("--columns: unknown column 'nope'"), Error);
}

TEST_CASE("compare_runs: a row per key, what differs and the best runs") {
  std::vector<Run> runs = {run("a", {{"lr", "0.1"}, {"opt", "adam"}}, {{"loss", m(0.3, 0.3, 0.3)}}),
                           run("b", {{"lr", "0.1"}, {"opt", "sgd"}}, {{"loss", m(0.2, 0.2, 0.2)}})};
  auto rows = compare_runs(runs);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].key == "params.lr");
  CHECK_FALSE(rows[0].differs());
  CHECK(rows[1].key == "params.opt");
  CHECK(rows[1].differs());
  CHECK(rows[2].key == "metrics.loss");
  CHECK(rows[2].metric);
  CHECK(rows[2].differs());
  CHECK(rows[2].best == std::set<std::size_t>{1});
}

TEST_CASE("diff_runs: params, then metrics with their change, then tags; unchanged only with all") {
  Run x = run("x", {{"lr", "0.1"}, {"seed", "1"}}, {{"acc", m(0.8, 0.8, 0.8)}, {"loss", m(0.5, 0.5, 0.5)}});
  Run y = run("y", {{"lr", "0.2"}, {"seed", "1"}}, {{"acc", m(0.9, 0.9, 0.9)}, {"loss", m(0.6, 0.6, 0.6)}});
  y.tags["team"] = "nlp";
  auto changes = diff_runs(x, y, false);
  std::vector<std::string> keys;
  for (const auto& c : changes) keys.push_back(c.key);
  CHECK(keys == std::vector<std::string>{"params.lr", "metrics.acc", "metrics.loss", "tags.team"});
  CHECK(changes[1].delta == doctest::Approx(0.1));
  CHECK(changes[1].improved());       // accuracy went up
  CHECK_FALSE(changes[2].improved());  // loss went up
  CHECK(changes[3].old_text == std::nullopt);
  CHECK(changes[3].new_text == "nlp");
  CHECK(diff_runs(x, y, true).size() == 6);  // seed and the (empty) commit too
}

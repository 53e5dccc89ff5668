#include <doctest/doctest.h>

#include "core/error.hpp"
#include "exp/metric_goal.hpp"
#include "exp/run_fields.hpp"
#include "exp/sweep.hpp"

using namespace mlops;

TEST_CASE("a sweep is the grid of every combination, the first key slowest") {
  auto grid = expand_grid({"lr=0.1,0.01", "batch=32,64,128", "opt=adam"});
  REQUIRE(grid.size() == 6);
  CHECK(grid[0] == std::map<std::string, std::string>{{"lr", "0.1"}, {"batch", "32"}, {"opt", "adam"}});
  CHECK(grid[2].at("batch") == "128");
  CHECK(grid[3].at("lr") == "0.01");
  CHECK(grid[5] == std::map<std::string, std::string>{{"lr", "0.01"}, {"batch", "128"}, {"opt", "adam"}});
  CHECK(expand_grid({}).size() == 1);
  // "\," keeps a comma; a lone value (even empty) is one run.
  auto one = expand_grid({"layers=64\\,32", "note="});
  REQUIRE(one.size() == 1);
  CHECK(one[0].at("layers") == "64,32");
  CHECK(one[0].at("note") == "");
}

TEST_CASE("bad sweep items say what is wrong") {
  auto fails = [](std::vector<std::string> items, const char* message) {
    try {
      expand_grid(items);
      FAIL("expected an error");
    } catch (const Error& e) {
      CHECK(e.code() == ExitCode::Usage);
      CHECK(std::string(e.what()).find(message) != std::string::npos);
    }
  };
  fails({"lr"}, "param 'lr' is not KEY=VALUE");
  fails({"=1,2"}, "is not KEY=VALUE");
  fails({"lr=1,"}, "param lr: empty value in the list '1,'");
  fails({"lr=1", "lr=2"}, "param lr is given twice");
}

TEST_CASE("a sweep is capped at kMaxSweepRuns runs, refused before it is expanded") {
  auto values = [](std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += (i ? "," : "") + std::to_string(i);
    return s;
  };
  CHECK(expand_grid({"a=" + values(100), "b=" + values(100), "c=1"}).size() == kMaxSweepRuns);
  // 1000^3 runs, and 50000^4 (which overflows 64 bits): refused at once.
  CHECK_THROWS_WITH_AS(expand_grid({"a=" + values(1000), "b=" + values(1000), "c=" + values(1000)}),
                       "a sweep of more than 10000 runs: -p a (1000 values) x -p b (1000 values) x -p c (1000 values)",
                       Error);
  auto huge = values(50000);
  CHECK_THROWS_WITH_AS(expand_grid({"w=" + huge, "x=" + huge, "y=" + huge, "z=" + huge}),
                       doctest::Contains("more than 10000 runs: -p w (50000 values) x -p x"), Error);
  CHECK_THROWS_WITH_AS(expand_grid({"lr=1", "a=" + values(10001)}), "a sweep of more than 10000 runs: -p a (10001 values)",
                       Error);
}

TEST_CASE("metric goals: costs are minimised, scores maximised") {
  for (const char* m : {"loss", "val_loss", "train.loss", "error_rate", "rmse", "MAE", "latency_ms", "eval/wer"})
    CHECK_MESSAGE(default_goal(m) == Goal::Min, m);
  for (const char* m : {"acc", "accuracy", "f1", "auc", "terror_score", "timely", "precision", "eval.f1"})
    CHECK_MESSAGE(default_goal(m) == Goal::Max, m);
  CHECK(better(Goal::Min, 0.1, 0.2));
  CHECK(better(Goal::Max, 0.2, 0.1));
}

TEST_CASE("run fields: summaries, best by goal, absent fields") {
  Run r;
  r.id = "abc";
  r.name = "run-name";
  r.started_at = 1000;
  r.ended_at = 3500;
  r.metrics["loss"] = MetricSummary{9, 0.5, 0.25, 2.0, 10};
  r.metrics["acc"] = MetricSummary{9, 0.8, 0.1, 0.9, 10};
  auto text = [&](const char* name) { return RunField::parse(name)->text(r); };
  CHECK(text("metrics.loss") == "0.5");
  CHECK(text("best.loss") == "0.25");
  CHECK(text("best.acc") == "0.9");
  CHECK(text("min.acc") == "0.1");
  CHECK(text("duration") == "2500");
  CHECK(RunField::parse("max.loss")->number(r) == 2.0);
  CHECK(RunField::parse("duration")->number(r) == 2500);
  CHECK_FALSE(text("params.lr"));
  CHECK_FALSE(text("commit"));
  CHECK(RunField::parse("params.a.b")->key == "a.b");
  CHECK(is_run_field("best.x"));
  CHECK_FALSE(is_run_field("best."));
  CHECK_FALSE(is_run_field("colour"));
}

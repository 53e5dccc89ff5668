#include <doctest/doctest.h>

#include <cmath>

#include "core/error.hpp"
#include "exp/run_record.hpp"

using namespace mlops;

namespace {
SharedRun sample() {
  SharedRun s;
  Run& r = s.run;
  r.id = "0123456789abcdef0123456789abcdef";
  r.name = "brave-otter-007";
  r.experiment = "default";
  r.status = "finished";
  r.command = "python train.py\n\t--lr 0.1";
  r.user = "alice";
  r.host = "box";
  r.started_at = 1700000000000;
  r.ended_at = 1700000001000;
  r.exit_code = 0;
  r.params = {{"lr", "0.1"}};
  r.tags = {{"team", "vision"}};
  r.metrics = {{"loss", MetricSummary{4, 0.1, 0.1, 0.5, 5}}};
  r.artifacts = {{"out/model.bin", "xxh128:00112233445566778899aabbccddeeff"}};
  s.artifacts = {{"out/model.bin", SharedArtifact{42, false}}};
  s.points = ObjectId::parse("xxh128:ffeeddccbbaa99887766554433221100");
  s.points_size = 100;
  return s;
}
std::string error_of(std::string_view page) {
  try {
    decode_run_page(page, "runs/P");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::Remote);
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("run pages: what is encoded decodes to the same run") {
  auto runs = decode_run_page(encode_run_page({{sample()}, {}}), "runs/P").runs;
  REQUIRE(runs.size() == 1);
  const Run& r = runs[0].run;
  CHECK(r.name == "brave-otter-007");
  CHECK(r.command == "python train.py\n\t--lr 0.1");
  CHECK(r.exit_code == 0);
  CHECK(r.params.at("lr") == "0.1");
  CHECK(r.metrics.at("loss").count == 5);
  CHECK(runs[0].artifacts.at("out/model.bin").size == 42);
  CHECK(runs[0].points.str() == "xxh128:ffeeddccbbaa99887766554433221100");
}

TEST_CASE("NaN and infinities (imported MLflow histories) travel in pages and points as themselves") {
  SharedRun s = sample();
  s.run.metrics = {{"loss", MetricSummary{2, NAN, -INFINITY, INFINITY, 3}}};
  auto page = encode_run_page({{s}, {}});
  CHECK(page.find("\"last\":\"NaN\"") != std::string::npos);
  const RunPage decoded = decode_run_page(page, "runs/P");
  const MetricSummary& m = decoded.runs.at(0).run.metrics.at("loss");
  CHECK(std::isnan(m.last));
  CHECK(m.min == -INFINITY);
  CHECK(m.max == INFINITY);
  std::vector<MetricPoint> pts = {{"loss", 0, NAN, 1}, {"loss", 1, INFINITY, 2}, {"loss", 2, -INFINITY, 3}};
  auto back = decode_points(encode_points(pts), "points");
  REQUIRE(back.size() == 3);
  CHECK(std::isnan(back[0].value));
  CHECK(back[1].value == INFINITY);
  CHECK(back[2].value == -INFINITY);
}

TEST_CASE("run pages: errors name the page, the run and the field") {
  CHECK(error_of("{") .find("runs/P: not a run page") == 0);
  CHECK(error_of(R"({"format":"mlops-runs 1","runs":[{"id":"x"}]})") == "runs/P: run 1: id is not a run id");
  std::string page = encode_run_page({{sample()}, {}});
  auto swap = [&](const std::string& from, const std::string& to) {
    std::string p = page;
    p.replace(p.find(from), from.size(), to);
    return error_of(p);
  };
  CHECK(swap("\"out/model.bin\":{", "\"/etc/passwd\":{").find("run 1 (01234567): artifacts names an unsafe path") != std::string::npos);
  CHECK(swap("\"lr\":\"0.1\"", "\"lr\":\"\\u001b[31m\"").find("params.lr has a control character") != std::string::npos);
  CHECK(swap("\"status\":\"finished\"", "\"status\":\"running\"").find("status") != std::string::npos);
  CHECK(swap("\"started_at\":1700000000000", "\"started_at\":-1").find("started_at is negative") != std::string::npos);
}

TEST_CASE("metric points: round trip exact, and bad lines named") {
  std::vector<MetricPoint> pts = {{"loss", 0, 0.1, 1700000000000}, {"loss", 1, 1.0 / 3, 1700000000001},
                                  {"acc", 7, 1e-300, 5}};
  auto back = decode_points(encode_points(pts), "points");
  REQUIRE(back.size() == 3);
  CHECK(back[1].value == 1.0 / 3);  // shortest exact digits, not rounded
  CHECK(back[2].key == "acc");
  CHECK(back[2].step == 7);
  auto err = [](std::string_view text) {
    try {
      decode_points(text, "points");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(err("nope") == "points: not a metric points file");
  CHECK(err("mlops-points 1\nloss\t0\tone\t1\n") == "points: line 2: the value is not a number");
  CHECK(err("mlops-points 1\nloss\t-1\t1\t1\n") == "points: line 2: a step or time is not a whole number");
  CHECK(err("mlops-points 1\nloss\t0\t1\t1") == "points: line 2 is cut short");
  CHECK(err("mlops-points 1\nloss\t0\t1\n") == "points: line 2: expected KEY, STEP, VALUE and TIME separated by tabs");
}

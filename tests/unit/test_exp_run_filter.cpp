#include <doctest/doctest.h>

#include "core/error.hpp"
#include "exp/run_filter.hpp"

using namespace mlops;

namespace {
Run sample() {
  Run r;
  r.name = "brave-otter-042";
  r.status = "finished";
  r.experiment = "churn";
  r.params = {{"lr", "0.010"}, {"optimizer", "adam"}};
  r.tags = {{"team", "nlp"}};
  r.metrics["acc"] = MetricSummary{9, 0.93, 0.5, 0.93, 10};
  r.metrics["val/loss"] = MetricSummary{9, 0.2, 0.2, 0.9, 10};  // MLflow's names
  return r;
}
bool match(const char* expr) { return RunFilter::parse(expr).matches(sample()); }
}  // namespace

TEST_CASE("filters compare numbers as numbers and strings as strings") {
  CHECK(match("metrics.acc > 0.9"));
  CHECK_FALSE(match("metrics.acc > 0.95"));
  CHECK(match("params.lr = 0.01"));  // "0.010" is 0.01
  CHECK(match("params.lr == 0.01 and tags.team = \"nlp\""));
  CHECK(match("params.optimizer = adam"));
  CHECK(match("params.optimizer != 'sgd'"));
  CHECK(match("status = finished and (metrics.acc < 0.5 or experiment = churn)"));
  CHECK(match("not metrics.acc <= 0.9"));
  CHECK_FALSE(match("metrics.loss < 1"));   // missing fields never match
  CHECK_FALSE(match("tags.owner = me"));
  CHECK(match("not tags.owner = me"));
  CHECK(match("metrics.acc >= -1"));
  CHECK(match("metrics.val/loss < 0.5"));
}

TEST_CASE("bad filters say what was expected and where") {
  auto fails = [](const char* expr, const char* expect) {
    CHECK_THROWS_WITH_AS(RunFilter::parse(expr), doctest::Contains(expect), Error);
  };
  fails("metrics.acc >", "expected a value after '>' at position 14");
  fails("metrics.acc > 0.9 and", "expected a field, found the end at position 22");
  fails("metrics.acc 0.9", "expected a comparison (= != < <= > >=) after 'metrics.acc' at position 13");
  fails("colour = red", "unknown field 'colour'");
  fails("(metrics.acc > 1", "expected ')' to close the '(' at position 1");
  fails("metrics.acc > 1 metrics.f1 > 2", "expected 'and', 'or' or the end, not 'metrics.f1' at position 17");
  fails("tags.team = \"nlp", "unterminated string at position 13");
  fails("metrics.acc ! 1", "'!' must be followed by '='");
  fails("metrics.acc > 1 & 2", "unexpected character '&' at position 17");
}

TEST_CASE("nesting is bounded; long chains of and/or are not nesting") {
  auto nested = [](std::size_t depth, const char* open) {
    std::string s;
    for (std::size_t i = 0; i < depth; ++i) s += open;
    s += "metrics.acc > 0.9";
    if (std::string(open) == "(") s += std::string(depth, ')');
    return s;
  };
  CHECK(match(nested(100, "(").c_str()));
  CHECK(match(nested(50, "not not ").c_str()));
  try {
    RunFilter::parse(nested(40000, "("));
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::Usage);
    CHECK(std::string(e.what()).find("filter: more than 100 nested parentheses and 'not's at position 101") == 0);
    // Shown around the position: "...((( ... (((..." with the caret under position 101.
    std::string shown = std::string(e.what()).substr(std::string(e.what()).find('\n'));
    CHECK(shown == "\n  ..." + std::string(80, '(') + "...\n  " + std::string(43, ' ') + "^");
  }
  CHECK_THROWS_WITH_AS(RunFilter::parse(nested(40000, "not ")), doctest::Contains("more than 100 nested"), Error);
  std::string chain = "metrics.acc > 0.9";
  for (int i = 0; i < 20000; ++i) chain += i % 2 ? " and metrics.acc > 0.9" : " or tags.team = nlp";
  CHECK(match(chain.c_str()));
}

TEST_CASE("id and parent take the short ids and names tables show") {
  Run child = sample();
  child.id = "67479e23aa00000000000000000000ff";
  child.parent_id = "0123456789abcdef0123456789abcdef";
  RunRefResolver resolve = [](const std::string& ref) -> std::optional<std::string> {
    if (ref == "01234567" || ref == "sweep-1") return std::string("0123456789abcdef0123456789abcdef");
    if (ref == "67479e23") return std::string("67479e23aa00000000000000000000ff");
    return std::nullopt;
  };
  auto m = [&](const char* expr) { return RunFilter::parse(expr, resolve).matches(child); };
  CHECK(m("parent = \"01234567\""));
  CHECK(m("parent = sweep-1"));
  CHECK(m("parent == '01234567' and id = \"67479e23\""));
  CHECK(m("id = 67479e23"));  // reads as a number, but an id is text
  CHECK_FALSE(m("parent != sweep-1"));
  CHECK_FALSE(m("parent = other"));
  // Without a resolver, only the full id matches.
  CHECK_FALSE(RunFilter::parse("parent = \"01234567\"").matches(child));
  CHECK(RunFilter::parse("parent = \"0123456789abcdef0123456789abcdef\"").matches(child));
}

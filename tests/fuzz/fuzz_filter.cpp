// The exp filter language: any accepted expression evaluates against a run.
#include "exp/run_filter.hpp"
#include "fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz_text(data, size, [](const std::string& text) {
    mlops::RunFilter f = mlops::RunFilter::parse(text);
    mlops::Run r;
    r.name = "brave-otter";
    r.status = "finished";
    r.params = {{"lr", "0.01"}, {"opt", "adam"}};
    r.tags = {{"team", "nlp"}};
    r.metrics["acc"] = mlops::MetricSummary{3, 0.9, 0.5, 0.95, 4};
    f.matches(r);
  });
}

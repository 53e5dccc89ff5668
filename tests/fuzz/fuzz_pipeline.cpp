// mlops.yaml: parsing, foreach/matrix expansion and ${...} substitution, then
// the stage graph built from what was accepted.
#include "fuzz_target.hpp"
#include "pipeline/dag.hpp"
#include "pipeline/pipeline_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz_text(data, size, [](const std::string& text) {
    auto params = [] { return std::map<std::string, std::string>{{"lr", "0.1"}, {"model.depth", "3"}}; };
    mlops::Pipeline p = mlops::parse_pipeline(text, params);
    // No stages is a file of plots, metrics and params lists alone.
    FUZZ_CHECK(p.stages.size() <= mlops::kMaxStages);
    for (const auto& list : {&p.metrics, &p.params})
      for (const auto& f : *list) FUZZ_CHECK(!f.empty() && !f.starts_with("/") && !f.starts_with("../"));
    mlops::build_dag(p);
  });
}

// Params files (params.yaml, or another named by a stage): the YAML read with
// aliases bounded, then flattened to "model.depth" -> "6", as `mlops run` and
// `mlops params diff` read them.
#include "core/yaml_load.hpp"
#include "fuzz_target.hpp"
#include "pipeline/pipeline_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz_text(data, size, [size](const std::string& text) {
    auto values = mlops::flatten_yaml(text, "params.yaml");
    // Each value is a node of the text or one an alias added: the bound holds.
    FUZZ_CHECK(values.size() <= size + mlops::kMaxYamlAliasNodes);
  });
}

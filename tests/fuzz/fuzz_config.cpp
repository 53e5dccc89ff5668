// .mlops/config (git-config syntax), read by mlops's own reader.
#include "fuzz_target.hpp"
#include "repo/config_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz_text(data, size, [](const std::string& text) {
    mlops::ConfigEntries c = mlops::parse_git_config(text, ".mlops/config");
    for (const auto& [name, value] : c.entries) FUZZ_CHECK(!name.empty() && c.last(name).has_value());
  });
}

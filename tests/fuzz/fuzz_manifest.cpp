// Folder manifests: anything Manifest::parse accepts has only paths mlops may
// write, no file that is also a folder, and survives serialize and parse unchanged.
#include "core/safe_tree.hpp"
#include "fuzz_target.hpp"
#include "store/manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz_text(data, size, [](const std::string& text) {
    mlops::Manifest m = mlops::Manifest::parse(text, "fuzz (manifest)");
    for (const auto& e : m.entries) FUZZ_CHECK(mlops::unwritable_reason(e.path).empty());
    for (std::size_t i = 0; i + 1 < m.entries.size(); ++i)
      FUZZ_CHECK(m.entries[i + 1].path.rfind(m.entries[i].path + "/", 0) != 0);
    mlops::Manifest again = mlops::Manifest::parse(m.serialize(), "again (manifest)");
    FUZZ_CHECK(again.serialize() == m.serialize());
  });
}

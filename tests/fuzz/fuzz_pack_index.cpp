// Pack indexes arrive from remotes: anything parse_pack_index accepts is
// sorted by id without repeats, has offsets past the pack's header and sizes
// packs may hold, and survives encode and parse unchanged.
#include "fuzz_target.hpp"
#include "store/pack.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz_text(data, size, [](const std::string& text) {
    auto entries = mlops::parse_pack_index(text, "fuzz (pack index)");
    for (std::size_t i = 0; i < entries.size(); ++i) {
      FUZZ_CHECK(entries[i].offset >= mlops::kPackMagic.size());
      FUZZ_CHECK(entries[i].size <= mlops::kPackObjectMax);
      if (i) FUZZ_CHECK(entries[i - 1].id.hex < entries[i].id.hex);
    }
    std::string again = mlops::encode_pack_index(entries);
    FUZZ_CHECK(again == text);
  });
}

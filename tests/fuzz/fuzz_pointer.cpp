// Pointer files (PATH.mlops): anything parse_pointer accepts must survive
// serialize_pointer and parse_pointer unchanged.
#include "data/pointer.hpp"
#include "fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz_text(data, size, [](const std::string& text) {
    mlops::Pointer p = mlops::parse_pointer(text, "fuzz.mlops");
    mlops::Pointer q = mlops::parse_pointer(mlops::serialize_pointer(p), "again.mlops");
    FUZZ_CHECK(q.path == p.path && q.id == p.id && q.size == p.size && q.kind == p.kind && q.files == p.files);
  });
}

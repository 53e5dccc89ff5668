// Registry tag messages, as `mlops model sync` reads them from tags anyone
// may push: the record, checked field by field. What is accepted must be safe
// to use: an id that parses, a path inside the repository.
#include "core/hash.hpp"
#include "core/text.hpp"
#include "fuzz_target.hpp"
#include "registry/registry_store.hpp"
#include "registry/registry_tags.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz_text(data, size, [](const std::string& text) {
    auto record = mlops::tag_record(text, "fuzz@v1.0.0");
    if (!record) return;
    try {
      (void)mlops::record_version(*record, "fuzz#prod#1");  // as a stage tag's record
    } catch (const mlops::Error&) {
    }
    mlops::ModelVersion v;
    mlops::read_version_record(*record, "fuzz@v1.0.0", v);
    FUZZ_CHECK(mlops::ObjectId::parse(v.object_id).str() == v.object_id);
    FUZZ_CHECK(mlops::is_safe_relative_path(v.path));
    FUZZ_CHECK(v.kind == "file" || v.kind == "dir");
    for (const auto& [path, id] : v.data) (void)mlops::ObjectId::parse(id);
  });
}

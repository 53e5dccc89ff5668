// mlops.lock: anything parse_lock accepts names only paths mlops may write and
// ids that parse, whatever a teammate committed.
#include "core/hash.hpp"
#include "core/safe_tree.hpp"
#include "fuzz_target.hpp"
#include "pipeline/lock_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz_text(data, size, [](const std::string& text) {
    for (const auto& [stage, e] : mlops::parse_lock(text))
      for (const auto* list : {&e.deps, &e.outs})
        for (const auto& p : *list) {
          mlops::ObjectId id;
          FUZZ_CHECK(mlops::unwritable_reason(p.path).empty());
          FUZZ_CHECK(mlops::ObjectId::try_parse(p.id, id));
          FUZZ_CHECK(p.kind == "file" || p.kind == "dir");
        }
  });
}

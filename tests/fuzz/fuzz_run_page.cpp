// Run pages and metric points, as `mlops exp pull` and `exp list --remote`
// read them from a remote anyone with write access may fill: checked field by
// field. What is accepted must be safe to use and must survive a round trip.
#include "core/hash.hpp"
#include "core/text.hpp"
#include "exp/run_record.hpp"
#include "fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz_text(data, size, [](const std::string& text) {
    if (text.starts_with("mlops-points")) {
      auto points = mlops::decode_points(text, "fuzz");
      FUZZ_CHECK(mlops::decode_points(mlops::encode_points(points), "again").size() == points.size());
      return;
    }
    auto page = mlops::decode_run_page(text, "fuzz");
    for (const auto& s : page.runs) {
      FUZZ_CHECK(mlops::is_run_id(s.run.id));
      for (const auto& [path, id] : s.run.artifacts) {
        FUZZ_CHECK(mlops::is_safe_relative_path(path));
        (void)mlops::ObjectId::parse(id);
      }
    }
    auto again = mlops::decode_run_page(mlops::encode_run_page(page), "again");
    FUZZ_CHECK(again.runs.size() == page.runs.size() && again.removed == page.removed);
  });
}

// Plots files (mlops plots): JSON, JSON lines, CSV and TSV read as rows; the
// first byte picks the format. Every row has a cell per column, and the row
// bound holds.
#include "fuzz_target.hpp"
#include "pipeline/plot_table.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const char* kFiles[] = {"p.json", "p.jsonl", "p.csv", "p.tsv"};
  const char* file = kFiles[data[0] % 4];
  return fuzz_text(data + 1, size - 1, [file](const std::string& text) {
    auto t = mlops::parse_plot_table(text, file);
    FUZZ_CHECK(t.rows.size() <= mlops::kMaxPlotRows);
    for (const auto& row : t.rows) FUZZ_CHECK(row.size() == t.columns.size());
  });
}

// Plots files (mlops plots): JSON, JSON lines, CSV, TSV and YAML read as rows;
// the first byte picks the format (bit 7: YAML, else the low bits) and
// whether fields are asked for (bit 6: which list of several is read). Every
// row has a cell per column, and the row bound holds.
#include "fuzz_target.hpp"
#include "pipeline/plot_table.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const char* kFiles[] = {"p.json", "p.jsonl", "p.csv", "p.tsv"};
  const char* file = data[0] & 0x80 ? "p.yaml" : kFiles[data[0] % 4];
  std::vector<std::string> fields;
  if (data[0] & 0x40) fields = {"step", "loss"};
  return fuzz_text(data + 1, size - 1, [file, &fields](const std::string& text) {
    auto t = mlops::parse_plot_table(text, file, fields);
    FUZZ_CHECK(t.rows.size() <= mlops::kMaxPlotRows);
    for (const auto& row : t.rows) FUZZ_CHECK(row.size() == t.columns.size());
  });
}

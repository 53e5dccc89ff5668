#pragma once
// The data of a pipeline's plots files, as DVC's `plots` reads them: JSON (an
// array of objects, or an object holding one such array), JSON lines, CSV
// and TSV with a header row. Images (png, jpg, gif, svg) are shown as they are.
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/pipeline_file.hpp"

namespace mlops {

struct PlotTable {
  std::vector<std::string> columns;             // in the order first seen
  std::vector<std::vector<std::string>> rows;   // a cell per column; "" where a row lacks it
  // The column's index; npos when absent.
  std::size_t column(const std::string& name) const;
};

// Error(Input) naming `file` (and the line) for text that is none of the forms
// above, ragged CSV rows, or more than kMaxPlotRows rows.
PlotTable parse_plot_table(std::string_view text, const std::string& file);
constexpr std::size_t kMaxPlotRows = 1000000;

bool is_plot_image(const std::string& file);

// Every stage's plots files, once each, in file order.
std::vector<std::string> plots_files(const Pipeline& p);

}  // namespace mlops

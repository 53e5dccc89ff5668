#pragma once
// The data of a pipeline's plots files, as DVC's `plots` reads them: JSON and
// YAML (a list of objects, or an object holding such lists at any depth: the
// first that has the fields drawn), JSON lines, CSV and TSV with a header
// row. Images (png, jpg, gif, svg, webp) are shown as they are.
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
// above, ragged CSV rows, more than kMaxPlotRows rows, objects of more than
// kMaxPlotColumns fields, or more than kMaxPlotCells values. `fields`: those
// drawn, which pick the list in a JSON or YAML file that holds several.
PlotTable parse_plot_table(std::string_view text, const std::string& file, const std::vector<std::string>& fields = {});
constexpr std::size_t kMaxPlotRows = 1000000;
constexpr std::size_t kMaxPlotColumns = 1000;  // fields of a JSON or YAML object (reading n costs n²)
constexpr std::size_t kMaxPlotCells = 20000000;  // rows x fields

bool is_plot_image(const std::string& file);
// The names' endings of the files a folder of plots shows (".csv", ".png"…).
const std::vector<std::string>& plot_file_extensions();
constexpr std::size_t kMaxPlotFolderFiles = 1000;

// What `mlops plots` draws by default: the top-level plots, then every
// stage's plots files that are none of them, each once, in file order.
std::vector<PlotDefinition> plots_to_draw(const Pipeline& p);
// A file or plot name given on the command line, with the properties the
// pipeline gives it (none when `p` is null or does not know it).
PlotDefinition plot_named(const Pipeline* p, const std::string& name);

}  // namespace mlops

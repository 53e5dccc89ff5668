#pragma once
// mlops plots: a pipeline's plots files drawn as DVC's templates do, one
// revision or several overlaid: line (the default), scatter, bar and
// confusion (counts of actual × predicted). SVG/HTML for files and pages,
// text (braille charts, bars, a table) for the terminal.
#include <string>
#include <vector>

#include "pipeline/plot_table.hpp"

namespace mlops {

struct PlotSpec {
  std::string x, y;              // fields; empty: defaults (x: step, else the row number; y: the last other field)
  std::string kind = "line";     // line, scatter, bar, confusion
};

struct PlotRevision {
  std::string label;  // "workspace", "HEAD", "main"
  PlotTable table;
};

// Error(Usage) for an unknown kind, Error(Input) naming the file for fields
// it lacks or values that are not numbers where numbers are drawn.
std::string plot_file_html(const std::string& file, const std::vector<PlotRevision>& revs, const PlotSpec& spec);
std::string plot_file_text(const std::string& file, const std::vector<PlotRevision>& revs, const PlotSpec& spec,
                           int width, bool colour);

}  // namespace mlops

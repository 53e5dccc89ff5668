#pragma once
// Line charts of metrics over steps: text for the terminal (Unicode braille,
// 2x4 dots a cell) and self-contained SVG or HTML files. Rendering only; the
// caller decides where the text goes.
#include <string>
#include <vector>

namespace mlops {

struct PlotSeries {
  std::string label;                   // the run's name
  std::vector<double> x, y;            // step, value; same length
};

struct PlotOptions {
  std::string title;                   // "loss"
  int width = 80, height = 20;         // terminal: columns and rows of the whole chart
  bool colour = false;                 // terminal: ANSI colours per series
  std::string x_label = "step";        // what x is
  std::string y_label;                 // what y is ("" for none)
  bool points = false;                 // a scatter plot: points, not joined by lines
};

// Throws Error(Input) when no series has a point.
std::string plot_terminal(const std::vector<PlotSeries>& series, const PlotOptions& opt);
std::string plot_svg(const std::vector<PlotSeries>& series, const PlotOptions& opt);
std::string plot_html(const std::vector<PlotSeries>& series, const PlotOptions& opt);

}  // namespace mlops

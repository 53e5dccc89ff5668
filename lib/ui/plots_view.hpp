#pragma once
// mlops plots: a pipeline's plots drawn as DVC's templates do, one revision
// or several overlaid: line (the default), scatter, bar and confusion
// (counts of actual × predicted). SVG/HTML for files and pages, text
// (braille charts, bars, a table) for the terminal.
#include <string>
#include <utility>
#include <vector>

#include "pipeline/pipeline_file.hpp"
#include "pipeline/plot_table.hpp"

namespace mlops {

class Repo;

// One table drawn in a plot: a file at a revision.
struct PlotSource {
  std::string rev;   // "workspace", "HEAD", "main"
  std::string file;  // eval/roc.json
  PlotTable table;
  std::string x, y;  // this table's fields ("" for the properties')
};

// Error(Usage) for an unknown kind, Error(Input) naming the file for fields
// it lacks or values that are not numbers where numbers are drawn. An empty
// field means its default: x is step (else the row number; confusion:
// actual), y the last other field (confusion: predicted).
// `revisions`: how many were asked for; with more than one, each series is
// named by its revision even when only one of them has the file.
std::string plot_html(const std::string& title, const std::vector<PlotSource>& sources, const PlotProperties& props,
                      std::size_t revisions = 1);
std::string plot_text(const std::string& title, const std::vector<PlotSource>& sources, const PlotProperties& props,
                      int width, bool colour, std::size_t revisions = 1);

struct PlotsRequest {
  std::vector<std::string> names;  // files or plot names, repo-relative; empty: the pipeline's plots
  std::vector<std::string> typed;  // the same as typed (a top-level plot's name is not a path)
  std::vector<std::pair<std::string, std::string>> revs;  // label, revision ("" the work tree)
  PlotProperties given;  // from the command line: over mlops.yaml's
  bool html = false;     // figures as HTML (else terminal text)
  int width = 80;
  bool colour = false;
};

struct DrawnPlots {
  std::vector<std::string> figures;  // in order: charts, tables, and for images a line (text) or an <img> (HTML)
  std::vector<std::pair<std::string, std::string>> images;  // HTML: file name beside the page -> its bytes
  std::vector<std::string> warnings;  // "eval/roc.json: not in HEAD nor workspace"
  std::vector<std::string> missing;   // names given that are in none of the revisions
  std::vector<std::string> errors;    // plots that could not be drawn (bad rows, fields they lack): why
};

// Error(Usage) when nothing is named and the pipeline has no plots, or for a
// template that is none; Error(Input) for a malformed mlops.yaml. A plot
// that cannot be drawn is in `errors`, and the others are drawn.
DrawnPlots draw_plots(Repo& repo, const PlotsRequest& request);

}  // namespace mlops

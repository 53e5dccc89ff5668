#include <doctest/doctest.h>

#include "core/error.hpp"
#include "exp/plot.hpp"

using namespace mlops;

namespace {
std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}
}  // namespace

TEST_CASE("the terminal chart: braille dots, value labels, one legend line per run") {
  PlotOptions opt;
  opt.title = "loss";
  opt.width = 40;
  opt.height = 6;
  std::string out = plot_terminal({{"a", {0, 1, 2}, {3, 2, 1}}, {"b", {0, 2}, {1, 1}}}, opt);
  CHECK(out.find("loss") < out.find('\n'));
  CHECK(out.find("3 ┤") != std::string::npos);
  CHECK(out.find("1 ┤") != std::string::npos);
  CHECK(out.find("[1] a") != std::string::npos);
  CHECK(out.find("[2] b") != std::string::npos);
  CHECK(out.find("\033[") == std::string::npos);  // no colour unless asked
  // The falling line starts at the top left: the first row's first cell has a dot.
  auto first_row = out.substr(out.find('\n') + 1);
  CHECK(first_row.substr(first_row.find("┤") + 3, 3) != " ");
  opt.colour = true;
  CHECK(plot_terminal({{"a", {0, 1}, {1, 2}}}, opt).find("\033[34m") != std::string::npos);
}

TEST_CASE("nothing to plot is an error; flat and single-point series still draw") {
  PlotOptions opt;
  CHECK_THROWS_AS(plot_terminal({{"a", {}, {}}}, opt), Error);
  CHECK_NOTHROW(plot_terminal({{"a", {5}, {0.3}}}, opt));
  CHECK_NOTHROW(plot_svg({{"a", {1, 2, 3}, {7, 7, 7}}}, opt));
}

TEST_CASE("SVG: one polyline per run, names escaped, non-finite values skipped") {
  PlotOptions opt;
  opt.title = "acc <val>";
  std::string svg = plot_svg({{"r&d", {0, 1, 2}, {0.1, 0.5, 0.9}}, {"x", {0, 1, 2}, {0.2, NAN, 0.4}}}, opt);
  CHECK(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  CHECK(count(svg, "<polyline") == 2);
  CHECK(svg.find("r&amp;d") != std::string::npos);
  CHECK(svg.find("acc &lt;val&gt;") != std::string::npos);
  CHECK(svg.find("nan") == std::string::npos);
  std::string html = plot_html({{"r", {0, 1}, {1, 2}}}, opt);
  CHECK(html.starts_with("<!doctype html>"));
  CHECK(count(html, "<svg") == 1);
}

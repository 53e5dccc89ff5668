#include "exp/plot.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"

namespace mlops {

namespace {

constexpr const char* kAnsi[] = {"34", "31", "32", "33", "35", "36", "94", "91"};
constexpr const char* kSvgColour[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#17becf", "#8c564b", "#e377c2"};

std::string num(double v) { return fmt::format("{:.4g}", v); }

struct Bounds {
  double x0 = 0, x1 = 0, y0 = 0, y1 = 0;
};

// The range of every finite point, widened when flat so that it can be scaled.
Bounds bounds_of(const std::vector<PlotSeries>& series) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  Bounds b{inf, -inf, inf, -inf};
  for (const auto& s : series)
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      b.x0 = std::min(b.x0, s.x[i]), b.x1 = std::max(b.x1, s.x[i]);
      b.y0 = std::min(b.y0, s.y[i]), b.y1 = std::max(b.y1, s.y[i]);
    }
  if (b.x0 > b.x1) fail(ExitCode::Input, "nothing to plot: no run has a value of this metric");
  if (b.x0 == b.x1) b.x0 -= 1, b.x1 += 1;
  if (b.y0 == b.y1) {
    double pad = b.y0 == 0 ? 1 : std::abs(b.y0) * 0.1;
    b.y0 -= pad, b.y1 += pad;
  }
  return b;
}

// Round tick positions (1, 2 or 5 times a power of ten) covering [lo, hi].
std::vector<double> ticks(double lo, double hi, int about) {
  double raw = (hi - lo) / about;
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag * (raw / mag < 1.5 ? 1 : raw / mag < 3.5 ? 2 : raw / mag < 7.5 ? 5 : 10);
  std::vector<double> out;
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
    out.push_back(std::abs(t) < step * 1e-9 ? 0 : t);
  return out;
}

// A grid of braille cells; each dot is set by the series drawn last through it.
class BrailleCanvas {
public:
  BrailleCanvas(int cols, int rows) : cols_(cols), rows_(rows), bits_(cols * rows, 0), owner_(cols * rows, -1) {}
  int dot_width() const { return cols_ * 2; }
  int dot_height() const { return rows_ * 4; }

  void line(int x0, int y0, int x1, int y1, int series) {
    int dx = std::abs(x1 - x0), dy = -std::abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, err = dx + dy;
    for (;;) {
      set(x0, y0, series);
      if (x0 == x1 && y0 == y1) break;
      int e2 = 2 * err;
      if (e2 >= dy) err += dy, x0 += sx;
      if (e2 <= dx) err += dx, y0 += sy;
    }
  }

  // One row of cells as UTF-8, coloured per series when asked.
  std::string row(int r, bool colour) const {
    std::string out;
    for (int c = 0; c < cols_; ++c) {
      int i = r * cols_ + c;
      if (!bits_[i]) {
        out += ' ';
        continue;
      }
      char32_t cp = 0x2800 + bits_[i];
      char utf8[4] = {static_cast<char>(0xE0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
                      static_cast<char>(0x80 | (cp & 0x3F)), 0};
      out += colour ? fmt::format("\033[{}m{}\033[0m", kAnsi[owner_[i] % 8], utf8) : std::string(utf8);
    }
    return out;
  }

private:
  void set(int x, int y, int series) {
    if (x < 0 || y < 0 || x >= dot_width() || y >= dot_height()) return;
    static constexpr unsigned char kBit[4][2] = {{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}};
    int i = (y / 4) * cols_ + x / 2;
    bits_[i] |= kBit[y % 4][x % 2];
    owner_[i] = series;
  }

  int cols_, rows_;
  std::vector<unsigned char> bits_;
  std::vector<int> owner_;
};

}  // namespace

std::string plot_terminal(const std::vector<PlotSeries>& series, const PlotOptions& opt) {
  Bounds b = bounds_of(series);
  std::string top = num(b.y1), mid = num((b.y0 + b.y1) / 2), bottom = num(b.y0);
  int label_w = static_cast<int>(std::max({top.size(), mid.size(), bottom.size()}));
  int cols = std::max(10, opt.width - label_w - 2);
  int rows = std::max(4, opt.height);
  BrailleCanvas canvas(cols, rows);
  auto px = [&](double x) { return static_cast<int>(std::lround((x - b.x0) / (b.x1 - b.x0) * (canvas.dot_width() - 1))); };
  auto py = [&](double y) {
    return static_cast<int>(std::lround((b.y1 - y) / (b.y1 - b.y0) * (canvas.dot_height() - 1)));
  };
  for (std::size_t k = 0; k < series.size(); ++k) {
    const auto& s = series[k];
    int lx = -1, ly = -1;
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      int x = px(s.x[i]), y = py(s.y[i]);
      if (lx < 0 || opt.points) canvas.line(x, y, x, y, static_cast<int>(k));
      else canvas.line(lx, ly, x, y, static_cast<int>(k));
      lx = x, ly = y;
    }
  }
  std::string out;
  if (!opt.title.empty()) out += fmt::format("{:>{}}{}\n", "", label_w + 2, opt.title);
  if (!opt.y_label.empty()) out += fmt::format("{:>{}}\n", opt.y_label, label_w);
  for (int r = 0; r < rows; ++r) {
    const std::string& label = r == 0 ? top : r == rows - 1 ? bottom : r == rows / 2 ? mid : std::string();
    bool tick = !label.empty();
    out += fmt::format("{:>{}} {}{}\n", label, label_w, tick ? "┤" : "│", canvas.row(r, opt.colour));
  }
  std::string axis;
  for (int c = 0; c < cols; ++c) axis += "─";
  out += fmt::format("{:>{}} └{}\n", "", label_w, axis);
  std::string left = num(b.x0), right = num(b.x1);
  // "0        step        19", within the chart's width.
  std::string xs(static_cast<std::size_t>(cols), ' ');
  xs.replace(0, left.size(), left);
  // The label by bytes: x labels are ASCII field names, else shown only when short.
  // Centred, else moved aside to clear the end labels; left out only when it does not fit between them.
  const std::string& xl = opt.x_label;
  std::size_t room_from = left.size() + 2, room_to = static_cast<std::size_t>(cols) - std::min<std::size_t>(right.size() + 2, static_cast<std::size_t>(cols));
  if (room_to > room_from && xl.size() <= room_to - room_from) {
    std::size_t at = static_cast<std::size_t>(cols / 2) - std::min(xl.size() / 2, static_cast<std::size_t>(cols / 2));
    at = std::clamp(at, room_from, room_to - xl.size());
    xs.replace(at, xl.size(), xl);
  }
  if (cols >= static_cast<int>(left.size() + right.size() + 1)) xs.replace(xs.size() - right.size(), right.size(), right);
  out += fmt::format("{:>{}}  {}\n", "", label_w, xs);
  for (std::size_t k = 0; k < series.size(); ++k) {
    std::string mark = opt.colour ? fmt::format("\033[{}m━━\033[0m", kAnsi[k % 8]) : fmt::format("[{}]", k + 1);
    out += fmt::format("{:>{}}  {} {}\n", "", label_w, mark, series[k].label);
  }
  return out;
}

std::string plot_svg(const std::vector<PlotSeries>& series, const PlotOptions& opt) {
  Bounds b = bounds_of(series);
  if (opt.points) {  // points on the range's ends are drawn inside the frame, not on it
    double px = (b.x1 - b.x0) * 0.05, py = (b.y1 - b.y0) * 0.05;
    b.x0 -= px, b.x1 += px, b.y0 -= py, b.y1 += py;
  }
  const double left = 70, right = 20, top = 40, plot_w = 710, plot_h = 320;
  const double height = top + plot_h + 50 + 20.0 * static_cast<double>(series.size());
  auto sx = [&](double x) { return left + (x - b.x0) / (b.x1 - b.x0) * plot_w; };
  auto sy = [&](double y) { return top + (b.y1 - y) / (b.y1 - b.y0) * plot_h; };
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"{2}\" y=\"24\" font-size=\"16\" font-weight=\"bold\">{3}</text>\n",
      left + plot_w + right, height, left, html_escape(opt.title));
  for (double t : ticks(b.y0, b.y1, 5))
    out += fmt::format(
        "<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#e5e5e5\"/>"
        "<text x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5}</text>\n",
        left, left + plot_w, sy(t), left - 6, sy(t) + 4, num(t));
  for (double t : ticks(b.x0, b.x1, 8))
    out += fmt::format(
        "<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#e5e5e5\"/>"
        "<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
        sx(t), top, top + plot_h, top + plot_h + 16, num(t));
  out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#333\"/>\n", left, top,
                     plot_w, plot_h);
  out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", left + plot_w / 2,
                     top + plot_h + 34, html_escape(opt.x_label));
  if (!opt.y_label.empty())
    out += fmt::format("<text x=\"14\" y=\"{0}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {0})\">{1}</text>\n",
                       top + plot_h / 2, html_escape(opt.y_label));
  for (std::size_t k = 0; k < series.size(); ++k) {
    const auto& s = series[k];
    const char* colour = kSvgColour[k % 8];
    std::string pts;
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      pts += fmt::format("{}{:.2f},{:.2f}", pts.empty() ? "" : " ", sx(s.x[i]), sy(s.y[i]));
      ++n;
    }
    std::string label = html_escape(s.label);
    if (opt.points) {
      for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
        if (std::isfinite(s.x[i]) && std::isfinite(s.y[i]))
          out += fmt::format("<circle cx=\"{:.2f}\" cy=\"{:.2f}\" r=\"2.5\" fill=\"{}\" fill-opacity=\"0.7\"/>\n",
                             sx(s.x[i]), sy(s.y[i]), colour);
    } else if (n == 1) {
      auto comma = pts.find(',');
      out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{}\"><title>{}</title></circle>\n",
                         pts.substr(0, comma), pts.substr(comma + 1), colour, label);
    } else if (n > 1) {
      out += fmt::format(
          "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\" points=\"{}\"><title>{}</title></polyline>\n",
          colour, pts, label);
    }
    double ly = top + plot_h + 54 + 20.0 * static_cast<double>(k);
    if (opt.points)  // the legend shows what the chart draws: a dot, or a line
      out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>\n",
                         left + 12, ly - 4, colour, left + 30, ly, label);
    else
      out += fmt::format(
          "<line x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\" stroke=\"{3}\" stroke-width=\"3\"/>"
          "<text x=\"{4}\" y=\"{5}\">{6}</text>\n",
          left, left + 24, ly - 4, colour, left + 30, ly, label);
  }
  out += "</svg>\n";
  return out;
}

std::string plot_html(const std::vector<PlotSeries>& series, const PlotOptions& opt) {
  std::string rows;
  for (const auto& s : series) {
    if (s.y.empty()) continue;
    auto [lo, hi] = std::minmax_element(s.y.begin(), s.y.end());
    rows += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", html_escape(s.label),
                        s.y.size(), num(s.y.back()), num(*lo), num(*hi));
  }
  return fmt::format(
      "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>mlops: {0}</title>\n"
      "<style>body{{font-family:sans-serif;margin:2em;color:#222}}table{{border-collapse:collapse;margin-top:1em}}"
      "th,td{{padding:3px 10px;border-bottom:1px solid #ddd;text-align:right}}th:first-child,td:first-child{{"
      "text-align:left}}</style>\n</head>\n<body>\n<h1>{0}</h1>\n{1}<table>\n"
      "<tr><th>run</th><th>points</th><th>last</th><th>min</th><th>max</th></tr>\n{2}</table>\n</body>\n</html>\n",
      html_escape(opt.title), plot_svg(series, opt), rows);
}

}  // namespace mlops

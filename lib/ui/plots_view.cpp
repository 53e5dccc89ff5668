#include "ui/plots_view.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "exp/plot.hpp"
#include "exp/run_format.hpp"
#include "ui/html_page.hpp"

namespace mlops {

namespace {

std::string h(const std::string& s) { return html_escape(s); }

void check_kind(const std::string& kind) {
  if (kind != "line" && kind != "scatter" && kind != "bar" && kind != "confusion")
    fail(ExitCode::Usage, "--template: '{}' is not line, scatter, bar or confusion", kind);
}

std::size_t need_column(const PlotTable& t, const std::string& name, const std::string& where) {
  std::size_t c = t.column(name);
  if (c == std::string::npos)
    fail(ExitCode::Input, "{}: no field '{}' (fields: {})", where, name, fmt::join(t.columns, ", "));
  return c;
}

double need_number(const std::string& text, const std::string& where, const std::string& field) {
  if (text.empty()) return NAN;
  auto v = parse_number(text);
  if (!v) fail(ExitCode::Input, "{}: field '{}' has '{}', not a number", where, field, escaped_text(text));
  return *v;
}

// The x field (empty: the row number) and the y fields of a table.
std::pair<std::string, std::vector<std::string>> fields_of(const PlotTable& t, const PlotSpec& spec) {
  std::string x = spec.x;
  if (x.empty() && t.column("step") != std::string::npos) x = "step";
  std::vector<std::string> ys;
  for (std::size_t b = 0, e; b <= spec.y.size(); b = e + 1) {
    e = spec.y.find(',', b);
    if (e == std::string::npos) e = spec.y.size();
    if (e > b) ys.push_back(spec.y.substr(b, e - b));
  }
  if (ys.empty())
    for (auto it = t.columns.rbegin(); it != t.columns.rend(); ++it)
      if (*it != x) {
        ys.push_back(*it);
        break;
      }
  return {x, ys};
}

struct Drawn {
  std::vector<PlotSeries> series;
  std::string x_label;
  std::vector<std::string> categories;  // bar: the x values, in order
};

Drawn series_of(const std::string& file, const std::vector<PlotRevision>& revs, const PlotSpec& spec) {
  Drawn d;
  for (const auto& rev : revs) {
    std::string where = revs.size() > 1 ? rev.label + ":" + file : file;
    auto [x, ys] = fields_of(rev.table, spec);
    if (ys.empty()) fail(ExitCode::Input, "{}: nothing to plot", where);
    d.x_label = x.empty() ? "row" : x;
    std::size_t xc = x.empty() ? std::string::npos : need_column(rev.table, x, where);
    for (const auto& y : ys) {
      std::size_t yc = need_column(rev.table, y, where);
      std::string label = revs.size() > 1 && ys.size() > 1 ? rev.label + " " + y : revs.size() > 1 ? rev.label : y;
      PlotSeries s{label, {}, {}};
      for (std::size_t i = 0; i < rev.table.rows.size(); ++i) {
        const auto& row = rev.table.rows[i];
        double xv = static_cast<double>(i);
        if (spec.kind == "bar") {
          std::string cat = xc == std::string::npos ? std::to_string(i) : row[xc];
          auto it = std::find(d.categories.begin(), d.categories.end(), cat);
          if (it == d.categories.end()) d.categories.push_back(cat), it = d.categories.end() - 1;
          xv = static_cast<double>(it - d.categories.begin());
        } else if (xc != std::string::npos) {
          xv = need_number(row[xc], where, x);
        }
        s.x.push_back(xv);
        s.y.push_back(need_number(row[yc], where, y));
      }
      d.series.push_back(std::move(s));
    }
  }
  return d;
}

// actual -> predicted -> count, per revision; the classes, sorted.
struct Confusion {
  std::vector<std::map<std::string, std::map<std::string, std::size_t>>> counts;
  std::vector<std::string> classes;
};

Confusion confusion_of(const std::string& file, const std::vector<PlotRevision>& revs, const PlotSpec& spec) {
  Confusion c;
  std::set<std::string> classes;
  for (const auto& rev : revs) {
    std::string where = revs.size() > 1 ? rev.label + ":" + file : file;
    std::size_t ac = need_column(rev.table, spec.x.empty() ? "actual" : spec.x, where);
    std::size_t pc = need_column(rev.table, spec.y.empty() ? "predicted" : spec.y, where);
    auto& m = c.counts.emplace_back();
    for (const auto& row : rev.table.rows) {
      ++m[row[ac]][row[pc]];
      classes.insert(row[ac]);
      classes.insert(row[pc]);
    }
  }
  c.classes.assign(classes.begin(), classes.end());
  if (c.classes.size() > 200) fail(ExitCode::Input, "{}: {} classes: too many for a confusion matrix", file, c.classes.size());
  return c;
}

constexpr const char* kBarColour[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};

std::string bar_svg(const std::string& title, const Drawn& d) {
  double lo = 0, hi = 0;
  for (const auto& s : d.series)
    for (double v : s.y)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  if (hi == lo) hi = lo + 1;
  const double left = 160, top = 40, bar_h = 14, gap = 8, plot_w = 560;
  std::size_t n = d.series.size();
  double group_h = static_cast<double>(n) * bar_h + gap;
  double height = top + static_cast<double>(d.categories.size()) * group_h + 20 + 18.0 * static_cast<double>(n);
  auto sx = [&](double v) { return left + (v - lo) / (hi - lo) * plot_w; };
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"10\" y=\"24\" font-size=\"16\" font-weight=\"bold\">{2}</text>\n",
      left + plot_w + 80, height, h(title));
  for (std::size_t c = 0; c < d.categories.size(); ++c) {
    double y0 = top + static_cast<double>(c) * group_h;
    std::string cat = d.categories[c].size() > 22 ? d.categories[c].substr(0, 21) + "…" : d.categories[c];
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", left - 6,
                       y0 + static_cast<double>(n) * bar_h / 2 + 4, h(cat));
    for (std::size_t k = 0; k < n; ++k)
      for (std::size_t i = 0; i < d.series[k].x.size(); ++i) {
        if (static_cast<std::size_t>(d.series[k].x[i]) != c || !std::isfinite(d.series[k].y[i])) continue;
        double v = d.series[k].y[i], a = sx(std::min(0.0, v)), b = sx(std::max(0.0, v));
        out += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"><title>{}: {}</title>"
                           "</rect><text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n",
                           a, y0 + static_cast<double>(k) * bar_h, std::max(b - a, 0.5), bar_h - 2, kBarColour[k % 8],
                           h(d.series[k].label), h(number(v)), b + 4, y0 + static_cast<double>(k) * bar_h + 11, h(number(v)));
      }
  }
  for (std::size_t k = 0; k < n; ++k) {
    double ly = top + static_cast<double>(d.categories.size()) * group_h + 14 + 18.0 * static_cast<double>(k);
    out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>\n",
                       left, ly - 9, kBarColour[k % 8], left + 20, ly, h(d.series[k].label));
  }
  return out + "</svg>\n";
}

}  // namespace

std::string plot_file_html(const std::string& file, const std::vector<PlotRevision>& revs, const PlotSpec& spec) {
  check_kind(spec.kind);
  if (spec.kind == "confusion") {
    Confusion c = confusion_of(file, revs, spec);
    std::string out;
    for (std::size_t r = 0; r < revs.size(); ++r) {
      std::size_t max = 1;
      for (const auto& [a, row] : c.counts[r])
        for (const auto& [p, n] : row) max = std::max(max, n);
      std::vector<std::string> header = {"actual \\ predicted"};
      for (const auto& cl : c.classes) header.push_back(h(cl));
      std::vector<std::vector<std::string>> rows;
      for (const auto& a : c.classes) {
        std::vector<std::string> row = {"<b>" + h(a) + "</b>"};
        for (const auto& p : c.classes) {
          std::size_t n = 0;
          if (auto it = c.counts[r].find(a); it != c.counts[r].end())
            if (auto jt = it->second.find(p); jt != it->second.end()) n = jt->second;
          int shade = static_cast<int>(255 - 155.0 * static_cast<double>(n) / static_cast<double>(max));
          row.push_back(fmt::format("<span style=\"display:block;background:rgb({0},{0},255)\">{1}</span>", shade, n));
        }
        rows.push_back(std::move(row));
      }
      out += fmt::format("<figure><figcaption>{} ({})</figcaption>\n{}</figure>\n", h(file), h(revs[r].label),
                         html_table(header, rows));
    }
    return out;
  }
  Drawn d = series_of(file, revs, spec);
  if (spec.kind == "bar") return "<figure>" + bar_svg(file, d) + "</figure>\n";
  PlotOptions opt;
  opt.title = file;
  opt.x_label = d.x_label;
  opt.points = spec.kind == "scatter";
  return "<figure>" + plot_svg(d.series, opt) + "</figure>\n";
}

std::string plot_file_text(const std::string& file, const std::vector<PlotRevision>& revs, const PlotSpec& spec,
                           int width, bool colour) {
  check_kind(spec.kind);
  if (spec.kind == "confusion") {
    Confusion c = confusion_of(file, revs, spec);
    std::string out;
    for (std::size_t r = 0; r < revs.size(); ++r) {
      std::vector<std::vector<std::string>> cells = {{"actual \\ predicted"}};
      for (const auto& cl : c.classes) cells[0].push_back(cl);
      for (const auto& a : c.classes) {
        cells.push_back({a});
        for (const auto& p : c.classes) {
          std::size_t n = 0;
          if (auto it = c.counts[r].find(a); it != c.counts[r].end())
            if (auto jt = it->second.find(p); jt != it->second.end()) n = jt->second;
          cells.back().push_back(std::to_string(n));
        }
      }
      std::vector<std::size_t> w(cells[0].size(), 0);
      for (const auto& row : cells)
        for (std::size_t i = 0; i < row.size(); ++i) w[i] = std::max(w[i], row[i].size());
      out += fmt::format("{} ({})\n", escaped_text(file), escaped_text(revs[r].label));
      for (const auto& row : cells) {
        for (std::size_t i = 0; i < row.size(); ++i)
          out += fmt::format("{}{:>{}}", i ? "  " : "", escaped_text(row[i]), w[i]);
        out += "\n";
      }
    }
    return out;
  }
  Drawn d = series_of(file, revs, spec);
  for (auto& s : d.series) s.label = escaped_text(s.label);
  if (spec.kind == "bar") {
    double hi = 0;
    std::size_t label_w = 0;
    for (const auto& s : d.series)
      for (double v : s.y)
        if (std::isfinite(v)) hi = std::max(hi, std::abs(v));
    for (const auto& c : d.categories) label_w = std::max(label_w, std::min<std::size_t>(c.size(), 24));
    int bar_w = std::max(10, width - static_cast<int>(label_w) - 24);
    std::string out = escaped_text(file) + "\n";
    for (std::size_t c = 0; c < d.categories.size(); ++c)
      for (const auto& s : d.series)
        for (std::size_t i = 0; i < s.x.size(); ++i) {
          if (static_cast<std::size_t>(s.x[i]) != c) continue;
          int n = hi > 0 && std::isfinite(s.y[i]) ? static_cast<int>(std::lround(std::abs(s.y[i]) / hi * bar_w)) : 0;
          std::string bar;
          for (int k = 0; k < n; ++k) bar += "█";
          out += fmt::format("{:<{}}  {} {}{}\n", escaped_text(d.categories[c].substr(0, 24)), label_w, bar, number(s.y[i]),
                             d.series.size() > 1 ? "  " + escaped_text(s.label) : "");
        }
    return out;
  }
  PlotOptions opt;
  opt.title = escaped_text(file);
  opt.width = width;
  opt.height = 14;
  opt.colour = colour;
  opt.x_label = escaped_text(d.x_label);
  opt.points = spec.kind == "scatter";
  return plot_terminal(d.series, opt);
}

}  // namespace mlops

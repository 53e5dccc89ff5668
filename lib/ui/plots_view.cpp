#include "ui/plots_view.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "exp/plot.hpp"
#include "exp/run_format.hpp"
#include "pipeline/values_diff.hpp"
#include "repo/repo.hpp"
#include "ui/html_page.hpp"

namespace mlops {

namespace {

std::string h(const std::string& s) { return html_escape(s); }

// What is drawn: a template, as plot_kind names it, and its variants.
struct Kind {
  std::string base;         // line, scatter, bar, confusion
  bool horizontal = false;  // DVC's bar_horizontal: x is the length, y the bar's name
  bool sorted = false;      // bar_horizontal_sorted: longest bar first
  bool normalized = false;  // confusion_normalized: shares of each actual class
};

Kind kind_of(const PlotProperties& p) {
  auto t = plot_kind(p.kind.empty() ? "line" : p.kind);
  if (!t)
    fail(ExitCode::Usage, "--template: '{}' is not line, scatter, bar or confusion (or DVC's linear, simple, smooth, "
         "scatter_jitter, bar_horizontal, bar_horizontal_sorted, confusion_normalized)", p.kind);
  Kind k;
  k.base = t->starts_with("bar") ? "bar" : t->starts_with("confusion") ? "confusion" : *t;
  k.horizontal = t->starts_with("bar_horizontal");
  k.sorted = *t == "bar_horizontal_sorted";
  k.normalized = *t == "confusion_normalized";
  return k;
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
  if (!v)
    fail(ExitCode::Input, "{}: field '{}' has '{}', not a number", where, field,
         escaped_text(text.size() > 60 ? text.substr(0, 60) + "…" : text));
  return *v;
}

// "loss,acc" as its fields.
std::vector<std::string> field_list(const std::string& fields) {
  std::vector<std::string> out;
  for (std::size_t b = 0, e; b <= fields.size(); b = e + 1) {
    e = fields.find(',', b);
    if (e == std::string::npos) e = fields.size();
    if (e > b) out.push_back(fields.substr(b, e - b));
  }
  return out;
}

// The x field (empty: the row number) and the y fields of a table.
std::pair<std::string, std::vector<std::string>> fields_of(const PlotTable& t, const std::string& x_field,
                                                           const std::string& y_fields) {
  std::string x = x_field;
  if (x.empty() && t.column("step") != std::string::npos) x = "step";
  std::vector<std::string> ys = field_list(y_fields);
  if (ys.empty())
    for (auto it = t.columns.rbegin(); it != t.columns.rend(); ++it)
      if (*it != x) {
        ys.push_back(*it);
        break;
      }
  return {x, ys};
}

// How many revisions and files the sources span (at least `revisions`, the
// revisions asked for): what a series' name must tell apart.
std::pair<std::size_t, std::size_t> spread(const std::vector<PlotSource>& sources, std::size_t revisions) {
  std::set<std::string> revs, files;
  for (const auto& s : sources) revs.insert(s.rev), files.insert(s.file);
  return {std::max(revs.size(), revisions), files.size()};
}

std::string where_of(const PlotSource& s, std::size_t revs) { return revs > 1 ? s.rev + ":" + s.file : s.file; }

// A source's name in a legend: its revision and file where there are several.
std::string source_label(const PlotSource& s, std::pair<std::size_t, std::size_t> n) {
  if (n.first > 1 && n.second > 1) return s.rev + " " + s.file;
  if (n.first > 1) return s.rev;
  if (n.second > 1) return s.file;
  return "";
}

// Adds `name` to the label "a, b" unless it is there already.
void add_name(std::string& label, const std::string& name) {
  if ((", " + label + ", ").find(", " + name + ", ") == std::string::npos) label += (label.empty() ? "" : ", ") + name;
}

struct Drawn {
  std::vector<PlotSeries> series;
  std::string x_label;                  // bar: the names' field
  std::string value_label;              // bar: the lengths' field(s)
  std::vector<std::string> categories;  // bar: the x values, in order
};

Drawn series_of(const std::vector<PlotSource>& sources, const PlotProperties& props, const Kind& kind,
                std::size_t revisions) {
  Drawn d;
  auto n = spread(sources, revisions);
  for (const auto& src : sources) {
    std::string where = where_of(src, n.first);
    std::string xf = src.x.empty() ? props.x : src.x, yf = src.y.empty() ? props.y : src.y;
    if (kind.horizontal) std::swap(xf, yf);  // DVC's: x is the bar's length, y its name
    auto [x, ys] = fields_of(src.table, xf, yf);
    if (ys.empty()) fail(ExitCode::Input, "{}: nothing to plot", where);
    std::string xl = x.empty() ? "row" : x;
    add_name(d.x_label, xl);
    for (const auto& y : ys) add_name(d.value_label, y);
    std::size_t xc = x.empty() ? std::string::npos : need_column(src.table, x, where);
    std::string base = source_label(src, n);
    for (const auto& y : ys) {
      std::size_t yc = need_column(src.table, y, where);
      std::string label = base.empty() ? y : ys.size() > 1 ? base + " " + y : base;
      PlotSeries s{label, {}, {}};
      for (std::size_t i = 0; i < src.table.rows.size(); ++i) {
        const auto& row = src.table.rows[i];
        double xv = static_cast<double>(i);
        if (kind.base == "bar") {
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
  // Labels name the axes as the user's properties do: with bar_horizontal
  // x_label is the length's, y_label the names'.
  const std::string& names_label = kind.horizontal ? props.y_label : props.x_label;
  const std::string& length_label = kind.horizontal ? props.x_label : props.y_label;
  if (!names_label.empty()) d.x_label = names_label;
  if (!length_label.empty()) d.value_label = length_label;
  bool any = false;
  for (const auto& ser : d.series)
    for (std::size_t i = 0; i < ser.y.size(); ++i) any |= std::isfinite(ser.x[i]) && std::isfinite(ser.y[i]);
  if (!any) fail(ExitCode::Input, "{}: no rows with a value to draw", sources.empty() ? "" : where_of(sources[0], n.first));
  if (kind.sorted && !d.series.empty()) {
    // The bars by the first series' length, longest first.
    std::vector<double> length(d.categories.size(), -INFINITY);
    for (std::size_t i = 0; i < d.series[0].x.size(); ++i)
      if (std::isfinite(d.series[0].y[i])) length[static_cast<std::size_t>(d.series[0].x[i])] = d.series[0].y[i];
    std::vector<std::size_t> order(d.categories.size()), rank(d.categories.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return length[a] > length[b]; });
    std::vector<std::string> cats;
    for (std::size_t i = 0; i < order.size(); ++i) rank[order[i]] = i, cats.push_back(d.categories[order[i]]);
    d.categories = std::move(cats);
    for (auto& ser : d.series)
      for (double& x : ser.x) x = static_cast<double>(rank[static_cast<std::size_t>(x)]);
  }
  return d;
}

// actual -> predicted -> count, per revision; the classes, sorted.
struct Confusion {
  std::vector<std::map<std::string, std::map<std::string, std::size_t>>> counts;
  std::vector<std::string> classes;
  std::string header;  // "actual \\ predicted"

  // A cell: the count, or with `normalized` its share of the actual class's rows.
  std::string cell(std::size_t source, const std::string& actual, const std::string& predicted, bool normalized,
                   std::size_t* count = nullptr) const {
    std::size_t n = 0, total = 0;
    if (auto it = counts[source].find(actual); it != counts[source].end()) {
      for (const auto& [p, k] : it->second) total += k;
      if (auto jt = it->second.find(predicted); jt != it->second.end()) n = jt->second;
    }
    if (count) *count = n;
    if (!normalized) return std::to_string(n);
    return total ? fmt::format("{:.2f}", static_cast<double>(n) / static_cast<double>(total)) : "0";
  }
};

Confusion confusion_of(const std::string& title, const std::vector<PlotSource>& sources, const PlotProperties& props) {
  Confusion c;
  std::set<std::string> classes;
  auto n = spread(sources, 1);
  for (const auto& src : sources) {
    std::string where = where_of(src, n.first);
    std::string x = src.x.empty() ? props.x : src.x, y = src.y.empty() ? props.y : src.y;
    if (x.empty()) x = "actual";
    if (y.empty()) y = "predicted";
    if (c.header.empty())
      c.header = (props.x_label.empty() ? x : props.x_label) + " \\ " + (props.y_label.empty() ? y : props.y_label);
    std::size_t ac = need_column(src.table, x, where);
    std::size_t pc = need_column(src.table, y, where);
    auto& m = c.counts.emplace_back();
    for (const auto& row : src.table.rows) {
      ++m[row[ac]][row[pc]];
      classes.insert(row[ac]);
      classes.insert(row[pc]);
    }
  }
  c.classes.assign(classes.begin(), classes.end());
  if (c.classes.size() > 200) fail(ExitCode::Input, "{}: {} classes: too many for a confusion matrix", title, c.classes.size());
  return c;
}

// A confusion matrix's caption: the plot, and which file at which revision.
// The revision only when several are drawn, as the other charts name them.
std::string confusion_caption(const std::string& title, const PlotSource& s, std::size_t revisions) {
  std::string rev = revisions > 1 ? " (" + s.rev + ")" : "";
  return s.file == title ? title + rev : fmt::format("{}: {}{}", title, s.file, rev);
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
      "<text x=\"10\" y=\"24\" font-size=\"16\" font-weight=\"bold\">{2}</text>\n"
      "<text x=\"{3}\" y=\"{4}\" text-anchor=\"end\" font-weight=\"bold\">{5}</text>\n"
      "<text x=\"{6}\" y=\"{4}\" text-anchor=\"middle\" font-weight=\"bold\">{7}</text>\n",
      left + plot_w + 80, height, h(title), left - 6, top - 6, h(d.x_label), left + plot_w / 2, h(d.value_label));
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

std::string plot_html(const std::string& title, const std::vector<PlotSource>& sources, const PlotProperties& props,
                      std::size_t revisions) {
  Kind kind = kind_of(props);
  if (kind.base == "confusion") {
    Confusion c = confusion_of(title, sources, props);
    std::string out;
    for (std::size_t r = 0; r < sources.size(); ++r) {
      std::size_t max = 1;
      for (const auto& [a, row] : c.counts[r])
        for (const auto& [p, n] : row) max = std::max(max, n);
      std::vector<std::string> header = {h(c.header)};
      for (const auto& cl : c.classes) header.push_back(h(cl));
      std::vector<std::vector<std::string>> rows;
      for (const auto& a : c.classes) {
        std::vector<std::string> row = {"<b>" + h(a) + "</b>"};
        for (const auto& p : c.classes) {
          std::size_t n = 0;
          std::string text = c.cell(r, a, p, kind.normalized, &n);
          int shade = static_cast<int>(255 - 155.0 * static_cast<double>(n) / static_cast<double>(max));
          // Light text on the dark cells, so that the counts stay readable.
          row.push_back(fmt::format("<span style=\"display:block;background:rgb({0},{0},255);color:{1}\">{2}</span>", shade,
                                    shade < 170 ? "white" : "black", text));
        }
        rows.push_back(std::move(row));
      }
      out += fmt::format("<figure><figcaption>{}</figcaption>\n{}</figure>\n", h(confusion_caption(title, sources[r], revisions)),
                         html_table(header, rows));
    }
    return out;
  }
  Drawn d = series_of(sources, props, kind, revisions);
  if (kind.base == "bar") return "<figure>" + bar_svg(title, d) + "</figure>\n";
  PlotOptions opt;
  opt.title = title;
  opt.x_label = d.x_label;
  opt.y_label = props.y_label;
  opt.points = kind.base == "scatter";
  return "<figure>" + plot_svg(d.series, opt) + "</figure>\n";
}

std::string plot_text(const std::string& title, const std::vector<PlotSource>& sources, const PlotProperties& props,
                      int width, bool colour, std::size_t revisions) {
  Kind kind = kind_of(props);
  if (kind.base == "confusion") {
    Confusion c = confusion_of(title, sources, props);
    std::string out;
    for (std::size_t r = 0; r < sources.size(); ++r) {
      std::vector<std::vector<std::string>> cells = {{c.header}};
      for (const auto& cl : c.classes) cells[0].push_back(cl);
      for (const auto& a : c.classes) {
        cells.push_back({a});
        for (const auto& p : c.classes) cells.back().push_back(c.cell(r, a, p, kind.normalized));
      }
      std::vector<std::size_t> w(cells[0].size(), 0);
      for (const auto& row : cells)
        for (std::size_t i = 0; i < row.size(); ++i) w[i] = std::max(w[i], row[i].size());
      out += escaped_text(confusion_caption(title, sources[r], revisions)) + "\n";
      for (const auto& row : cells) {
        for (std::size_t i = 0; i < row.size(); ++i)
          out += fmt::format("{}{:>{}}", i ? "  " : "", escaped_text(row[i]), w[i]);
        out += "\n";
      }
    }
    return out;
  }
  Drawn d = series_of(sources, props, kind, revisions);
  for (auto& s : d.series) s.label = escaped_text(s.label);
  if (kind.base == "bar") {
    double hi = 0;
    std::size_t label_w = 0;
    for (const auto& s : d.series)
      for (double v : s.y)
        if (std::isfinite(v)) hi = std::max(hi, std::abs(v));
    std::string names = escaped_text(d.x_label.substr(0, 24));
    label_w = names.size();
    for (const auto& c : d.categories) label_w = std::max(label_w, std::min<std::size_t>(c.size(), 24));
    int bar_w = std::max(10, width - static_cast<int>(label_w) - 24);
    std::string out = escaped_text(title) + "\n";
    out += fmt::format("{:<{}}  {}\n", names, label_w, escaped_text(d.value_label));  // the axes' names
    for (std::size_t c = 0; c < d.categories.size(); ++c)
      for (const auto& s : d.series)
        for (std::size_t i = 0; i < s.x.size(); ++i) {
          if (static_cast<std::size_t>(s.x[i]) != c) continue;
          int n = hi > 0 && std::isfinite(s.y[i]) ? static_cast<int>(std::lround(std::abs(s.y[i]) / hi * bar_w)) : 0;
          std::string bar;
          for (int k = 0; k < n; ++k) bar += s.y[i] < 0 ? "░" : "█";  // a negative length, told apart
          out += fmt::format("{:<{}}  {} {}{}\n", escaped_text(d.categories[c].substr(0, 24)), label_w, bar, number(s.y[i]),
                             d.series.size() > 1 ? "  " + escaped_text(s.label) : "");
        }
    return out;
  }
  PlotOptions opt;
  opt.title = escaped_text(title);
  opt.y_label = escaped_text(props.y_label);
  opt.width = width;
  opt.height = 14;
  opt.colour = colour;
  opt.x_label = escaped_text(d.x_label);
  opt.points = kind.base == "scatter";
  return plot_terminal(d.series, opt);
}

namespace {

// The fields a plot draws, which pick the list in a file holding several.
std::vector<std::string> drawn_fields(const std::string& x, const std::string& y) {
  std::vector<std::string> out = field_list(y);
  out.push_back(x);
  return out;
}

// The command line's properties over the pipeline's.
PlotProperties merged(PlotProperties p, const PlotProperties& given) {
  for (auto [field, value] : {std::pair{&p.x, &given.x}, {&p.y, &given.y}, {&p.kind, &given.kind}, {&p.title, &given.title},
                              {&p.x_label, &given.x_label}, {&p.y_label, &given.y_label}})
    if (!value->empty()) *field = *value;
  return p;
}

}  // namespace

DrawnPlots draw_plots(Repo& repo, const PlotsRequest& r) {
  DrawnPlots out;
  std::optional<Pipeline> pipeline;
  if (has_pipeline(repo)) pipeline = load_pipeline(repo);
  std::vector<PlotDefinition> defs;
  if (r.names.empty()) {
    if (pipeline) defs = plots_to_draw(*pipeline);
    if (defs.empty()) fail(ExitCode::Usage, "no plots: name the files, or give mlops.yaml a plots: list (a stage's, or the top-level one)");
  } else {
    for (std::size_t i = 0; i < r.names.size(); ++i) {
      // A top-level plot's name as typed, else a file (relative to where mlops runs).
      const std::string& typed = i < r.typed.size() ? r.typed[i] : r.names[i];
      bool named = false;
      if (pipeline)
        for (const auto& d : pipeline->plots)
          if (d.id == typed) defs.push_back(d), named = true;
      if (!named) defs.push_back(plot_named(pipeline ? &*pipeline : nullptr, r.names[i]));
    }
  }
  // A folder of plots (DVCLive's dvclive/plots/metrics): each file in it, at
  // any of the revisions, a plot with the folder's properties.
  std::vector<std::string> rev_ids;
  for (const auto& [label, rev] : r.revs) rev_ids.push_back(rev);
  std::vector<PlotDefinition> expanded;
  std::vector<std::string> notes;
  std::set<std::string> ids;
  for (const auto& d : defs) ids.insert(d.id);
  for (auto& d : defs) {
    std::optional<std::vector<std::string>> inside;
    if (d.files.size() == 1) {
      try {
        inside = files_in_folder_at(repo, d.files[0].file, rev_ids, plot_file_extensions(), kMaxPlotFolderFiles, &notes);
      } catch (const Error& e) {
        if (e.code() != ExitCode::Input) throw;
        out.errors.push_back(e.what());
        continue;
      }
    }
    if (!inside) {
      expanded.push_back(std::move(d));
      continue;
    }
    if (inside->empty()) out.warnings.push_back(fmt::format("{}: a folder with no plots files in it", d.files[0].file));
    for (const auto& f : *inside) {
      if (ids.count(f)) continue;  // named on its own too
      PlotProperties props = d.props;
      if (!props.title.empty()) props.title += ": " + f.substr(d.files[0].file.size() + 1);
      expanded.push_back({f, {{f, d.files[0].x, d.files[0].y}}, props, d.line});
    }
  }
  defs = std::move(expanded);

  std::vector<std::string> files;
  std::set<std::string> seen;
  std::map<std::string, std::string> unreadable;  // file -> why
  for (const auto& d : defs)
    for (const auto& f : d.files) {
      if (!seen.insert(f.file).second) continue;
      if (std::string why = workspace_file_problem(repo, f.file); !why.empty()) unreadable[f.file] = why;
      else files.push_back(f.file);
    }
  std::vector<std::map<std::string, std::string>> texts;
  for (const auto& [label, rev] : r.revs) texts.push_back(file_texts_at(repo, files, rev, &notes));
  // Why recorded content was not read (not fetched, a malformed lock), each once.
  std::set<std::string> noted;
  for (const auto& n : notes)
    if (noted.insert(n).second) out.warnings.push_back(n);

  for (const auto& d : defs) {
    // A plot that cannot be drawn is said, and the others are drawn.
    try {
      for (const auto& f : d.files)
        if (auto it = unreadable.find(f.file); it != unreadable.end()) fail(ExitCode::Input, "{}", it->second);
      PlotProperties props = merged(d.props, r.given);
      std::string title = props.title.empty() ? d.id : props.title;
      std::vector<PlotSource> sources;
      for (const auto& f : d.files) {
        std::vector<std::string> absent;
        for (std::size_t i = 0; i < r.revs.size(); ++i) {
          const std::string& label = r.revs[i].first;
          auto it = texts[i].find(f.file);
          if (it == texts[i].end()) {
            absent.push_back(label);
          } else if (!is_plot_image(f.file)) {
            std::string x = r.given.x.empty() ? f.x : "", y = r.given.y.empty() ? f.y : "";
            sources.push_back({label, f.file, parse_plot_table(it->second, label + ":" + f.file,
                                                               drawn_fields(x.empty() ? props.x : x, y.empty() ? props.y : y)),
                               x, y});
          } else if (r.html) {
            std::string name = fmt::format("{}-{}", out.images.size() + 1, fs::path(f.file).filename().string());
            out.images.emplace_back(name, it->second);
            out.figures.push_back(fmt::format("<figure><img src=\"{}\" alt=\"{}\"><figcaption>{} ({})</figcaption></figure>\n",
                                              html_escape(uri_encode(name, true)), html_escape(f.file), html_escape(f.file),
                                              html_escape(label)));
          }
        }
        if (absent.size() == r.revs.size()) {
          out.warnings.push_back(fmt::format("{}: not in {}", f.file, fmt::join(absent, " nor ")));
          if (!r.names.empty()) out.missing.push_back(f.file);
        } else if (!absent.empty()) {
          out.warnings.push_back(fmt::format("{}: not in {} (drawn from {} only)", f.file, fmt::join(absent, " nor "),
                                             r.revs.size() - absent.size() == 1 ? "the other" : "the others"));
        } else if (is_plot_image(f.file) && !r.html) {
          out.figures.push_back(fmt::format("{}: an image (-o DIR writes a page that shows it)\n", escaped_text(f.file)));
        }
      }
      if (sources.empty()) continue;
      out.figures.push_back(r.html ? plot_html(title, sources, props, r.revs.size())
                                   : plot_text(title, sources, props, r.width, r.colour, r.revs.size()));
    } catch (const Error& e) {
      if (e.code() != ExitCode::Input) throw;
      out.errors.push_back(e.what());
    }
  }
  if (out.figures.empty() && out.errors.empty() && out.missing.empty())
    out.errors.push_back("none of the plots files is there: nothing drawn (mlops run writes them)");
  return out;
}

}  // namespace mlops

#include "pipeline/plot_table.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/json_number.hpp"
#include "core/text.hpp"
#include "core/yaml_load.hpp"

namespace mlops {


namespace {

constexpr std::size_t kMaxJsonDepth = 64;  // rows are flat objects; a little room for values inside them

std::string lower_ext(const std::string& file) {
  auto dot = file.rfind('.');
  std::string ext = dot == std::string::npos ? "" : file.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

std::string cell_text(const nlohmann::ordered_json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

// Rows of objects into a table, each field's column found by a hash, with
// the table bounded: rows, and rows x columns (a field first seen late adds a
// cell to every earlier row).
class TableBuilder {
 public:
  explicit TableBuilder(PlotTable& t) : t_(t) {}
  void add(const nlohmann::ordered_json& obj, const std::string& file) {
    if (!obj.is_object()) fail(ExitCode::Input, "{}: a plot's rows must be JSON objects ({{\"step\": 1, \"loss\": 0.5}})", file);
    if (t_.rows.size() == kMaxPlotRows) fail(ExitCode::Input, "{}: more than {} rows to plot", file, kMaxPlotRows);
    std::vector<std::string> row(t_.columns.size());
    for (const auto& [k, v] : obj.items()) {
      auto [it, added] = index_.try_emplace(k, t_.columns.size());
      if (added) {
        if ((t_.rows.size() + 1) * (t_.columns.size() + 1) > kMaxPlotCells)
          fail(ExitCode::Input, "{}: more than {} values to plot (rows times fields)", file, kMaxPlotCells);
        t_.columns.push_back(k);
        for (auto& r : t_.rows) r.emplace_back();
        row.emplace_back();
      }
      row[it->second] = cell_text(v);
    }
    t_.rows.push_back(std::move(row));
  }

 private:
  PlotTable& t_;
  std::unordered_map<std::string, std::size_t> index_;
};

// RFC 4180 fields: quoted fields may hold the separator, "" and newlines.
PlotTable parse_delimited(std::string_view text, char sep, const std::string& file) {
  PlotTable t;
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false, was_quoted = false;
  std::size_t line = 1, row_line = 1;
  auto end_row = [&] {
    fields.push_back(std::move(field));
    field.clear();
    if (!(fields.size() == 1 && fields[0].empty() && !was_quoted)) {  // blank lines are skipped
      if (t.columns.empty()) {
        t.columns = std::move(fields);
      } else {
        if (fields.size() != t.columns.size())
          fail(ExitCode::Input, "{}:{}: {} fields, but the header has {}", file, row_line, fields.size(), t.columns.size());
        if (t.rows.size() == kMaxPlotRows) fail(ExitCode::Input, "{}: more than {} rows to plot", file, kMaxPlotRows);
        if ((t.rows.size() + 1) * t.columns.size() > kMaxPlotCells)
          fail(ExitCode::Input, "{}: more than {} values to plot (rows times fields)", file, kMaxPlotCells);
        t.rows.push_back(std::move(fields));
      }
    }
    fields.clear();
    was_quoted = false;
    row_line = line + 1;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else field += c, line += c == '\n';
    } else if (c == '"' && field.empty()) {
      quoted = was_quoted = true;
    } else if (c == sep) {
      fields.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      if (!field.empty() && field.back() == '\r') field.pop_back();
      end_row();
      ++line;
    } else {
      field += c;
    }
  }
  if (quoted) fail(ExitCode::Input, "{}:{}: a quoted field is not closed", file, row_line);
  if (!field.empty() || !fields.empty()) end_row();
  if (t.columns.empty()) fail(ExitCode::Input, "{}: empty: a header row is needed", file);
  return t;
}

// A YAML document as JSON: scalars as text (cells are text), ~ as null.
nlohmann::ordered_json json_of(const YAML::Node& n, const std::string& file, std::size_t depth) {
  if (depth > kMaxJsonDepth) fail(ExitCode::Input, "{}: nested more than {} levels deep", file, kMaxJsonDepth);
  nlohmann::ordered_json out;
  if (n.IsMap()) {
    if (n.size() > kMaxPlotColumns) fail(ExitCode::Input, "{}: a mapping of more than {} fields", file, kMaxPlotColumns);
    out = nlohmann::ordered_json::object();
    for (const auto& kv : n) out[kv.first.Scalar()] = json_of(kv.second, file, depth + 1);
  } else if (n.IsSequence()) {
    out = nlohmann::ordered_json::array();
    for (const auto& v : n) out.push_back(json_of(v, file, depth + 1));
  } else if (n.IsScalar() && !(n.Tag() == "?" && (n.Scalar() == "~" || n.Scalar() == "null"))) {
    out = n.Scalar();
  }
  return out;
}

// The list of objects below `j` to plot, as DVC picks it: depth first in key
// order, the first whose first row has every field drawn; failing that, the
// first with the most of them (its error then names the field it lacks).
void find_rows(const nlohmann::ordered_json& j, const std::vector<std::string>& fields,
               const nlohmann::ordered_json*& best, std::size_t& best_score) {
  for (const auto& [k, v] : j.items()) {
    if (best_score == fields.size() + 1) return;  // every field: found
    if (v.is_array() && !v.empty() && v.front().is_object()) {
      std::size_t score = 1;
      for (const auto& f : fields) score += f.empty() || v.front().contains(f);
      if (score > best_score) best = &v, best_score = score;
    } else if (v.is_object()) {
      find_rows(v, fields, best, best_score);
    }
  }
}

}  // namespace

std::size_t PlotTable::column(const std::string& name) const {
  auto it = std::find(columns.begin(), columns.end(), name);
  return it == columns.end() ? std::string::npos : static_cast<std::size_t>(it - columns.begin());
}

PlotTable parse_plot_table(std::string_view text, const std::string& file, const std::vector<std::string>& fields) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a byte-order mark, as spreadsheets write
  std::string ext = lower_ext(file);
  if (ext == "csv") return parse_delimited(text, ',', file);
  if (ext == "tsv") return parse_delimited(text, '\t', file);
  if (!is_valid_utf8(text)) fail(ExitCode::Input, "{}: not UTF-8 text", file);
  if (ext == "json" || ext == "jsonl") {
    auto shape = json_shape(text, kMaxJsonDepth, kMaxPlotColumns);
    if (shape == JsonShape::TooDeep) fail(ExitCode::Input, "{}: nested more than {} levels deep", file, kMaxJsonDepth);
    if (shape == JsonShape::TooWide) fail(ExitCode::Input, "{}: an object of more than {} fields", file, kMaxPlotColumns);
  }
  PlotTable t;
  TableBuilder rows_of(t);
  if (ext == "jsonl") {
    std::size_t n = 0;
    for (auto line : split_lines(text)) {
      ++n;
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      auto j = nlohmann::ordered_json::parse(line, nullptr, false);
      if (j.is_discarded()) fail(ExitCode::Input, "{}:{}: not JSON", file, n);
      rows_of.add(j, fmt::format("{}:{}", file, n));
    }
    return t;
  }
  nlohmann::ordered_json j;
  if (ext == "yaml" || ext == "yml") {
    YAML::Node doc;
    try {
      doc = load_yaml(std::string(text), file);
    } catch (const YAML::Exception& e) {
      fail(ExitCode::Input, "{}:{}: not YAML: {}", file, e.mark.line + 1, e.msg);
    }
    j = json_of(doc, file, 0);
  } else if (ext == "json") {
    j = nlohmann::ordered_json::parse(text, nullptr, false);
    if (j.is_discarded()) fail(ExitCode::Input, "{}: not JSON", file);
  } else {
    fail(ExitCode::Input, "{}: plots read .json, .jsonl, .yaml, .csv and .tsv files (and show images)", file);
  }
  const nlohmann::ordered_json* rows = nullptr;
  if (j.is_array()) {
    rows = &j;
  } else if (j.is_object()) {  // {"train": [...], "test": {"roc": [...]}}: DVC's choice
    std::size_t score = 0;
    find_rows(j, fields, rows, score);
  }
  if (!rows) fail(ExitCode::Input, "{}: no list of rows ([{{\"step\": 1, \"loss\": 0.5}}, ...])", file);
  for (const auto& r : *rows) rows_of.add(r, file);
  return t;
}

const std::vector<std::string>& plot_file_extensions() {
  static const std::vector<std::string> kExt = {".json", ".jsonl", ".yaml", ".yml", ".csv", ".tsv",
                                                ".png",  ".jpg",   ".jpeg", ".gif", ".svg", ".webp"};
  return kExt;
}

bool is_plot_image(const std::string& file) {
  static const std::set<std::string> kImages = {"png", "jpg", "jpeg", "gif", "svg", "webp"};
  return kImages.count(lower_ext(file)) > 0;
}

std::vector<PlotDefinition> plots_to_draw(const Pipeline& p) {
  std::vector<PlotDefinition> out = p.plots;
  std::set<std::string> ids;
  for (auto& d : out) {
    ids.insert(d.id);
    // A stage's file listed again at the top level, with no properties: the stage's.
    if (d.props == PlotProperties{} && d.files.size() == 1 && d.files[0].file == d.id) d.props = plot_named(&p, d.id).props;
  }
  for (const auto& s : p.stages)
    for (const auto& f : s.plots)
      if (ids.insert(f).second) out.push_back(plot_named(&p, f));
  return out;
}

PlotDefinition plot_named(const Pipeline* p, const std::string& name) {
  if (p) {
    for (const auto& d : p->plots)
      if (d.id == name && !(d.props == PlotProperties{})) return d;
    for (const auto& s : p->stages)
      if (auto it = s.plot_props.find(name); it != s.plot_props.end()) return {name, {{name, "", ""}}, it->second, s.line};
  }
  return {name, {{name, "", ""}}, {}, 0};
}

}  // namespace mlops

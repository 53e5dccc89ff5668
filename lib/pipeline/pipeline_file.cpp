#include "pipeline/pipeline_file.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <functional>
#include <set>

#include "core/error.hpp"
#include "core/json_number.hpp"
#include "core/safe_tree.hpp"
#include "pipeline/yaml_field.hpp"
#include "core/text.hpp"
#include "core/yaml_load.hpp"
#include "repo/repo.hpp"

namespace mlops {

namespace {

int line_of(const YAML::Node& n) { return n.Mark().line + 1; }

// Where an error is: "mlops.yaml:12: stage train: deps: ...".
struct Where {
  std::string file;
  std::string stage;
  [[noreturn]] void fail_at(const YAML::Node& n, const std::string& field, const std::string& what) const {
    std::string at = file + ":" + std::to_string(n.IsDefined() ? line_of(n) : 0);
    if (!stage.empty()) at += ": stage " + stage;
    if (!field.empty()) at += ": " + field;
    throw Error(ExitCode::Input, at + ": " + what);
  }
};

// Flattens a YAML mapping into "a.b.c" -> scalar text.
// A list's value as one text, the same however the file wrote it: flow
// style, no anchors or aliases, text quoted only where YAML would misread it.
// (yaml-cpp's emitter kept each node's block or flow style and wrote anchors
// for shared nodes, so `[*a, *a]` differed from the same values written out.)
void canonical_text(const YAML::Node& n, std::string& out) {
  if (n.IsSequence()) {
    out += '[';
    bool first = true;
    for (const auto& item : n) {
      if (!first) out += ", ";
      first = false;
      canonical_text(item, out);
    }
    out += ']';
  } else if (n.IsMap()) {
    out += '{';
    bool first = true;
    for (const auto& kv : n) {
      if (!first) out += ", ";
      first = false;
      canonical_text(kv.first, out);
      out += ": ";
      canonical_text(kv.second, out);
    }
    out += '}';
  } else if (n.IsScalar()) {
    const std::string& t = n.Scalar();
    bool plain = !t.empty() && t.find_first_of(",[]{}:#&*!|>'\"%@`\n\t") == std::string::npos && t.front() != ' ' &&
                 t.back() != ' ' && t.front() != '-' && t.front() != '?';
    if (plain) out += t;
    else append_json_string(out, t);  // a JSON string is a YAML double-quoted one
  } else {
    out += "null";
  }
}

void flatten(const YAML::Node& n, const std::string& prefix, std::map<std::string, std::string>& out) {
  if (n.IsMap()) {
    for (const auto& kv : n) flatten(kv.second, prefix.empty() ? kv.first.Scalar() : prefix + "." + kv.first.Scalar(), out);
  } else if (n.IsScalar()) {
    out[prefix] = n.Scalar();
  } else if (n.IsSequence()) {
    std::string text;
    canonical_text(n, text);
    out[prefix] = std::move(text);
  }
}

// Values ${...} may name while a stage is expanded.
struct Vars {
  std::function<std::optional<std::string>(const std::string&)> params;  // "lr" -> value
  std::map<std::string, std::string> local;                              // item, item.k, key, matrix keys
};

std::string interpolate(const std::string& text, const Vars& vars, const Where& w, const YAML::Node& node,
                        const std::string& field) {
  return substitute_vars(
      text,
      [&](const std::string& name) {
        std::optional<std::string> value;
        if (name.starts_with("params.")) value = vars.params(name.substr(7));
        else if (auto it = vars.local.find(name); it != vars.local.end()) value = it->second;
        if (!value)
          w.fail_at(node, field, fmt::format("${{{}}} names nothing (use ${{params.KEY}}, or ${{item}} inside foreach)", name));
        return *value;
      },
      [&] { w.fail_at(node, field, "'${' without a closing '}'"); });
}

// "a/./b/../c" style paths are refused; "wdir/path" joined and checked.
std::string repo_path(const std::string& wdir, const std::string& p, const Where& w, const YAML::Node& n,
                      const std::string& field) {
  if (p.empty()) w.fail_at(n, field, "an empty path");
  std::string joined = wdir.empty() || wdir == "." ? p : wdir + "/" + p;
  while (joined.size() > 1 && joined.back() == '/') joined.pop_back();
  if (joined.starts_with("./")) joined = joined.substr(2);
  if (std::string why = unwritable_reason(joined); !why.empty())
    w.fail_at(n, field, fmt::format("'{}' is not a path mlops may use: {}", p, why));
  return joined;
}

std::vector<std::string> string_list(const YAML::Node& n, const std::string& field, const Where& w) {
  std::vector<std::string> out;
  if (!n.IsDefined() || n.IsNull()) return out;
  if (n.IsScalar()) return {n.Scalar()};
  if (!n.IsSequence()) w.fail_at(n, field, "must be a list of paths");
  for (const auto& item : n) {
    if (!item.IsScalar()) w.fail_at(item, field, "must be a list of paths");
    out.push_back(item.Scalar());
  }
  return out;
}

bool boolean(const YAML::Node& n, const std::string& field, const Where& w) {
  if (!n.IsDefined() || n.IsNull()) return false;
  try {
    return n.as<bool>();
  } catch (const YAML::Exception&) {
    w.fail_at(n, field, "must be true or false");
  }
}

// A comma-joined field list from a name or a list of names.
std::string field_names(const YAML::Node& n, const std::string& field, const Where& w) {
  if (n.IsScalar()) return n.Scalar();
  std::string out;
  if (!n.IsSequence()) w.fail_at(n, field, "must be a field name or a list of them");
  for (const auto& f : n) {
    if (!f.IsScalar()) w.fail_at(f, field, "must be a field name or a list of them");
    out += (out.empty() ? "" : ",") + f.Scalar();
  }
  return out;
}

// DVC's plot properties. x and y may also map files to fields at the top
// level; the caller reads those and passes `fields_by_file`.
PlotProperties plot_properties(const YAML::Node& props, const std::string& field, const Where& w, bool fields_by_file,
                               const std::function<std::string(const std::string&)>& str) {
  PlotProperties out;
  if (props.IsNull()) return out;
  if (!props.IsMap()) w.fail_at(props, field, fmt::format("plot properties must be a mapping ({})", kPlotKeys));
  for (const auto& kv : props) {
    const std::string key = kv.first.Scalar();
    const YAML::Node v = kv.second;
    switch (plot_key(key)) {
      case PlotKey::Ignored:
        continue;
      case PlotKey::Unknown:
        w.fail_at(kv.first, field + ": " + key,
                  fmt::format("unknown plot property ({}; cache and persist are ignored)", kPlotKeys));
      case PlotKey::Field:
        if (v.IsMap() && fields_by_file) continue;  // the caller's: files to fields
        (key == "x" ? out.x : out.y) = str(field_names(v, field + ": " + key, w));
        if (key == "x" && out.x.find(',') != std::string::npos) w.fail_at(v, field + ": x", "names one field");
        continue;
      case PlotKey::Template:
      case PlotKey::Text:
        break;
    }
    if (!v.IsScalar()) w.fail_at(v, field + ": " + key, "must be text");
    if (key == "template") {
      auto kind = plot_kind(v.Scalar());
      if (!kind) w.fail_at(v, field + ": template", fmt::format("'{}' is not line, scatter, bar or confusion (or DVC's "
                                                                "linear, simple, smooth, scatter_jitter, bar_horizontal, "
                                                                "bar_horizontal_sorted, confusion_normalized)",
                                                                v.Scalar()));
      out.kind = *kind;
    } else {
      (key == "title" ? out.title : key == "x_label" ? out.x_label : out.y_label) = str(v.Scalar());
    }
  }
  return out;
}

// The top-level plots: list.
std::vector<PlotDefinition> plot_definitions(const YAML::Node& list, const Where& w, const Vars& vars) {
  std::vector<PlotDefinition> out;
  if (list.IsNull()) return out;
  if (!list.IsSequence()) w.fail_at(list, "plots", "must be a list of files, or of {file or name: properties}");
  std::set<std::string> ids;
  for (const auto& e : list) {
    if (out.size() == kMaxStages) w.fail_at(e, "plots", fmt::format("more than {} plots", kMaxStages));
    PlotDefinition d;
    d.line = line_of(e);
    YAML::Node props;
    if (e.IsScalar()) {
      d.id = e.Scalar();
    } else if (e.IsMap() && e.size() == 1) {
      d.id = e.begin()->first.Scalar();
      props = e.begin()->second;
    } else {
      w.fail_at(e, "plots", "each plot is a file, or {file or name: properties}");
    }
    if (d.id.empty()) w.fail_at(e, "plots", "a plot needs a file or a name");
    auto str = [&](const std::string& t) { return interpolate(t, vars, w, e, "plots: " + d.id); };
    d.props = plot_properties(props, "plots: " + d.id, w, true, str);
    const YAML::Node xs = props.IsMap() ? yaml_field(props, "x") : YAML::Node(), ys = props.IsMap() ? yaml_field(props, "y") : YAML::Node();
    if (ys.IsMap()) {
      for (const auto& kv : ys) {
        PlotFile f;
        f.file = repo_path("", str(kv.first.Scalar()), w, kv.first, "plots: " + d.id + ": y");
        f.y = str(field_names(kv.second, "plots: " + d.id + ": y", w));
        if (xs.IsMap()) {
          const YAML::Node x = yaml_field(xs, kv.first.Scalar());
          if (!x.IsScalar())
            w.fail_at(xs, "plots: " + d.id + ": x",
                      fmt::format("gives no field for {} (x maps each file of y to its x field)", kv.first.Scalar()));
          f.x = str(x.Scalar());
        }
        d.files.push_back(std::move(f));
      }
      if (d.files.empty()) w.fail_at(ys, "plots: " + d.id + ": y", "names no file");
      if (xs.IsMap())
        for (const auto& kv : xs)
          if (yaml_field(ys, kv.first.Scalar()).IsNull())
            w.fail_at(kv.first, "plots: " + d.id + ": x", fmt::format("names {}, a file y does not", kv.first.Scalar()));
    } else {
      if (xs.IsMap()) w.fail_at(xs, "plots: " + d.id + ": x", "maps files to fields only when y does too");
      d.files.push_back({repo_path("", str(d.id), w, e, "plots"), "", ""});
      d.id = d.files[0].file;  // ./a.csv is a.csv
    }
    if (!ids.insert(d.id).second) w.fail_at(e, "plots", fmt::format("two plots are named '{}'", d.id));
    out.push_back(std::move(d));
  }
  return out;
}

const std::set<std::string> kStageFields = {"cmd", "deps", "outs", "params", "metrics", "plots", "wdir",
                                            "env", "always_changed", "frozen", "desc"};

Stage parse_stage(const std::string& name, const YAML::Node& body, const Vars& vars, const Where& w) {
  if (!body.IsMap()) w.fail_at(body, "", "a stage must be a mapping with at least cmd");
  for (const auto& kv : body)
    if (!kStageFields.count(kv.first.Scalar()))
      w.fail_at(kv.first, kv.first.Scalar(),
                "unknown field (fields: cmd, deps, outs, params, metrics, plots, wdir, env, always_changed, frozen, desc)");
  Stage s;
  s.name = name;
  s.line = line_of(body);
  auto str = [&](const std::string& field, const std::string& text) {
    return interpolate(text, vars, w, yaml_field(body, field), field);
  };
  const YAML::Node cmd = yaml_field(body, "cmd");
  if (!cmd.IsDefined() || cmd.IsNull()) w.fail_at(body, "cmd", "missing: the command the stage runs");
  if (cmd.IsScalar()) {
    s.cmd = str("cmd", cmd.Scalar());
  } else if (cmd.IsSequence()) {
    for (const auto& c : cmd) {  // several commands run one after another, stopping at the first failure
      if (!c.IsScalar()) w.fail_at(c, "cmd", "must be a command or a list of commands");
      if (!s.cmd.empty()) s.cmd += " && ";
      s.cmd += str("cmd", c.Scalar());
    }
  } else {
    w.fail_at(cmd, "cmd", "must be a command or a list of commands");
  }
  if (s.cmd.empty()) w.fail_at(cmd, "cmd", "is empty");
  if (!yaml_field(body, "wdir").IsNull()) {
    if (!yaml_field(body, "wdir").IsScalar()) w.fail_at(yaml_field(body, "wdir"), "wdir", "must be a folder");
    std::string wd = str("wdir", yaml_field(body, "wdir").Scalar());
    s.wdir = wd == "." ? "" : repo_path("", wd, w, yaml_field(body, "wdir"), "wdir");
  }
  auto paths = [&](const char* field, std::vector<std::string>& into) {
    for (const auto& p : string_list(yaml_field(body, field), field, w)) into.push_back(repo_path(s.wdir, str(field, p), w, yaml_field(body, field), field));
  };
  paths("deps", s.deps);
  paths("outs", s.outs);
  paths("metrics", s.metrics);
  const YAML::Node plots = yaml_field(body, "plots");
  if (plots.IsSequence()) {
    // A plots file, or {file: properties} as DVC writes them.
    for (const auto& e : plots) {
      if (e.IsScalar()) {
        s.plots.push_back(repo_path(s.wdir, str("plots", e.Scalar()), w, e, "plots"));
      } else if (e.IsMap() && e.size() == 1) {
        std::string file = repo_path(s.wdir, str("plots", e.begin()->first.Scalar()), w, e, "plots");
        s.plot_props[file] = plot_properties(e.begin()->second, "plots: " + file, w, false,
                                             [&](const std::string& t) { return str("plots", t); });
        s.plots.push_back(file);
      } else {
        w.fail_at(e, "plots", "must be a list of files, or of {file: properties}");
      }
    }
  } else {
    paths("plots", s.plots);
  }
  const YAML::Node params = yaml_field(body, "params");
  if (params.IsDefined() && !params.IsNull()) {
    if (!params.IsSequence()) w.fail_at(params, "params", "must be a list of keys, or of {FILE: [keys]}");
    for (const auto& p : params) {
      if (p.IsScalar()) {
        s.params[kDefaultParamsFile].push_back(str("params", p.Scalar()));
      } else if (p.IsMap()) {
        for (const auto& kv : p) {
          std::string file = repo_path(s.wdir, str("params", kv.first.Scalar()), w, p, "params");
          for (const auto& k : string_list(kv.second, "params", w)) s.params[file].push_back(str("params", k));
          if (kv.second.IsNull()) s.params[file];  // every key of the file
        }
      } else {
        w.fail_at(p, "params", "must be a key, or {FILE: [keys]}");
      }
    }
  }
  const YAML::Node env = yaml_field(body, "env");
  if (env.IsDefined() && !env.IsNull()) {
    if (!env.IsMap()) w.fail_at(env, "env", "must be a mapping of NAME: value");
    for (const auto& kv : env) {
      if (!kv.second.IsScalar()) w.fail_at(kv.second, "env", "values must be strings or numbers");
      s.env[kv.first.Scalar()] = str("env", kv.second.Scalar());
    }
  }
  s.always_changed = boolean(yaml_field(body, "always_changed"), "always_changed", w);
  s.frozen = boolean(yaml_field(body, "frozen"), "frozen", w);
  return s;
}

bool valid_stage_name(const std::string& n) {
  return !n.empty() && std::all_of(n.begin(), n.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-' || c == '.';
  });
}

// A foreach or matrix value as it appears in a stage name.
std::string name_part(const std::string& v) {
  std::string out;
  for (unsigned char c : v) out += std::isalnum(c) || c == '_' || c == '-' || c == '.' ? static_cast<char>(c) : '_';
  return out;
}

}  // namespace

PlotKey plot_key(std::string_view key) {
  if (key == "x" || key == "y") return PlotKey::Field;
  if (key == "title" || key == "x_label" || key == "y_label") return PlotKey::Text;
  if (key == "template") return PlotKey::Template;
  if (key == "cache" || key == "persist") return PlotKey::Ignored;
  return PlotKey::Unknown;
}

std::optional<std::string> plot_kind(const std::string& t) {
  if (t == "line" || t == "linear" || t == "simple" || t == "smooth") return "line";
  if (t == "scatter" || t == "scatter_jitter") return "scatter";
  if (t == "bar" || t == "bar_horizontal" || t == "bar_horizontal_sorted" || t == "confusion" ||
      t == "confusion_normalized")
    return t;
  return std::nullopt;
}

std::vector<std::string> Stage::outputs() const {
  std::vector<std::string> all = outs;
  all.insert(all.end(), metrics.begin(), metrics.end());
  all.insert(all.end(), plots.begin(), plots.end());
  return all;
}

const Stage* Pipeline::find(const std::string& name) const {
  for (const auto& s : stages)
    if (s.name == name) return &s;
  return nullptr;
}

bool has_pipeline(const Repo& repo) { return lstat_path(repo.root() / kPipelineFile).has_value(); }

std::map<std::string, std::string> flatten_yaml(const std::string& text, const std::string& shown) {
  YAML::Node root;
  try {
    root = load_yaml(text, shown);
  } catch (const YAML::ParserException& e) {
    fail(ExitCode::Input, "{}:{}: malformed YAML: {}", shown, e.mark.line + 1, e.msg);
  }
  std::map<std::string, std::string> out;
  if (root.IsNull()) return out;
  if (!root.IsMap()) fail(ExitCode::Input, "{}: expected a mapping of names to values", shown);
  flatten(root, "", out);
  return out;
}

std::map<std::string, std::string> load_params(Repo& repo, const std::string& rel) {
  YAML::Node root;
  try {
    root = load_yaml_file(repo.abs(rel), rel);
  } catch (const YAML::BadFile&) {
    fail(ExitCode::Input, "{}: the params file does not exist", rel);
  } catch (const YAML::ParserException& e) {
    fail(ExitCode::Input, "{}:{}: malformed params file: {}", rel, e.mark.line + 1, e.msg);
  }
  std::map<std::string, std::string> out;
  if (root.IsNull()) return out;
  if (!root.IsMap()) fail(ExitCode::Input, "{}: a params file must be a mapping of names to values", rel);
  flatten(root, "", out);
  return out;
}

Pipeline load_pipeline(Repo& repo) {
  if (!has_pipeline(repo))
    throw Error(ExitCode::Input, fmt::format("no {} in {}", kPipelineFile, repo.root().string()),
                "describe the stages in mlops.yaml (see mlops-yaml(5))");
  return parse_pipeline(read_file(repo.abs(kPipelineFile)), [&] { return load_params(repo, kDefaultParamsFile); });
}

Pipeline parse_pipeline(const std::string& text, const std::function<std::map<std::string, std::string>()>& default_params_of) {
  Pipeline p;
  p.file = kPipelineFile;
  Where w{p.file, ""};
  YAML::Node root;
  try {
    root = load_yaml(text, p.file);
  } catch (const YAML::ParserException& e) {
    fail(ExitCode::Input, "{}:{}: malformed YAML: {}", p.file, e.mark.line + 1, e.msg);
  }
  // A file of plots alone (no stages) serves `mlops plots`, as a dvc.yaml may.
  // Plots, metrics and params files may stand alone (no stages), as in the
  // dvc.yaml DVCLive writes.
  bool has_files = root.IsMap() && (!yaml_field(root, "plots").IsNull() || !yaml_field(root, "metrics").IsNull() ||
                                    !yaml_field(root, "params").IsNull());
  bool files_only = has_files && yaml_field(root, "stages").IsNull();
  if (!root.IsMap() || !(yaml_field(root, "stages").IsMap() || files_only))
    w.fail_at(root, "", "expected a mapping with 'stages:' (or 'plots:', 'metrics:', 'params:' alone)");
  for (const auto& kv : root)
    if (kv.first.Scalar() != "stages" && kv.first.Scalar() != "plots" && kv.first.Scalar() != "metrics" &&
        kv.first.Scalar() != "params")
      w.fail_at(kv.first, kv.first.Scalar(), "unknown top-level field (only 'stages', 'plots', 'metrics' and 'params')");

  std::optional<std::map<std::string, std::string>> default_params;
  Vars base;
  base.params = [&](const std::string& key) -> std::optional<std::string> {
    if (!default_params) default_params = default_params_of();
    auto it = default_params->find(key);
    return it == default_params->end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  std::set<std::string> names;
  auto add = [&](Stage s, const YAML::Node& at) {
    if (p.stages.size() == kMaxStages)
      w.fail_at(at, "", fmt::format("more than {} stages (foreach and matrix expanded)", kMaxStages));
    if (!names.insert(s.name).second) w.fail_at(at, "", fmt::format("two stages are named '{}'", s.name));
    p.stages.push_back(std::move(s));
  };
  for (const auto& kv : yaml_field(root, "stages")) {
    std::string name = kv.first.Scalar();
    w.stage = name;
    if (!valid_stage_name(name)) w.fail_at(kv.first, "", "stage names use letters, digits, '_', '-' and '.'");
    const YAML::Node& body = kv.second;
    if (body.IsMap() && !yaml_field(body, "foreach").IsNull()) {
      const YAML::Node items = yaml_field(body, "foreach"), tmpl = yaml_field(body, "do");
      if (!tmpl.IsMap()) w.fail_at(body, "do", "foreach needs a 'do:' stage template");
      for (const auto& f : body)
        if (f.first.Scalar() != "foreach" && f.first.Scalar() != "do") w.fail_at(f.first, f.first.Scalar(), "beside foreach only 'do:' is allowed");
      auto expand = [&](const std::string& suffix, const YAML::Node& item, const std::string& key) {
        Vars v = base;
        if (!key.empty()) v.local["key"] = key;
        if (item.IsScalar()) v.local["item"] = item.Scalar();
        else if (item.IsMap()) flatten(item, "item", v.local);
        else w.fail_at(item, "foreach", "items must be values or mappings");
        Where ws{w.file, name + "@" + suffix};
        Stage st = parse_stage(name + "@" + suffix, tmpl, v, ws);
        st.vars = v.local;
        add(std::move(st), item);
      };
      if (items.IsSequence()) {
        // A mapping item is named by its index, as DVC names it (NAME@0).
        std::size_t index = 0;
        for (const auto& item : items) {
          expand(name_part(item.IsScalar() ? item.Scalar() : std::to_string(index)), item, "");
          ++index;
        }
      } else if (items.IsMap()) {
        for (const auto& it : items) expand(name_part(it.first.Scalar()), it.second, it.first.Scalar());
      } else {
        w.fail_at(items, "foreach", "must be a list or a mapping");
      }
      continue;
    }
    if (body.IsMap() && !yaml_field(body, "matrix").IsNull()) {
      const YAML::Node matrix = yaml_field(body, "matrix");
      if (!matrix.IsMap()) w.fail_at(matrix, "matrix", "must map names to lists of values");
      std::vector<std::pair<std::string, std::vector<std::string>>> axes;
      for (const auto& a : matrix) axes.emplace_back(a.first.Scalar(), string_list(a.second, "matrix", w));
      YAML::Node tmpl = YAML::Clone(body);
      tmpl.remove("matrix");
      std::vector<std::map<std::string, std::string>> combos(1);
      for (const auto& [k, values] : axes) {
        std::vector<std::map<std::string, std::string>> next;
        for (const auto& c : combos)
          for (const auto& v : values) {
            if (next.size() == kMaxStages)
              w.fail_at(matrix, "matrix", fmt::format("expands to more than {} stages", kMaxStages));
            next.push_back(c);
            next.back()[k] = v;
          }
        combos = std::move(next);
      }
      for (const auto& c : combos) {
        Vars v = base;
        std::string suffix;
        for (const auto& [k, _] : axes) {
          v.local[k] = c.at(k);
          if (!suffix.empty()) suffix += '-';
          suffix += name_part(c.at(k));
        }
        Where ws{w.file, name + "@" + suffix};
        Stage st = parse_stage(name + "@" + suffix, tmpl, v, ws);
        st.vars = v.local;
        add(std::move(st), matrix);
      }
      continue;
    }
    add(parse_stage(name, body, base, w), kv.first);
  }
  if (p.stages.empty() && !has_files) w.fail_at(yaml_field(root, "stages"), "stages", "no stages");
  w.stage.clear();
  for (const auto& [field, into] : {std::pair{"metrics", &p.metrics}, {"params", &p.params}}) {
    const YAML::Node list = yaml_field(root, field);
    for (const auto& f : string_list(list, field, w)) {
      auto path = interpolate(f, base, w, list, field);
      into->push_back(repo_path("", path, w, list, field));
    }
  }
  p.plots = plot_definitions(yaml_field(root, "plots"), w, base);
  // A plot named for several files may not take a stage's plots file's name.
  for (const auto& d : p.plots)
    if (d.files.size() != 1 || d.files[0].file != d.id)
      for (const auto& s : p.stages)
        if (std::find(s.plots.begin(), s.plots.end(), d.id) != s.plots.end())
          throw Error(ExitCode::Input, fmt::format("{}:{}: plots: '{}' names a plots file of stage {}: name the plot "
                                                   "otherwise",
                                                   p.file, d.line, d.id, s.name));
  return p;
}

}  // namespace mlops

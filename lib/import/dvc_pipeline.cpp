#include "import/dvc_pipeline.hpp"

#include <functional>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/safe_tree.hpp"
#include "core/text.hpp"
#include "core/yaml_load.hpp"
#include "pipeline/pipeline_file.hpp"

namespace mlops {

namespace {

std::string rel_join(const std::string& base, const std::string& path) {
  fs::path p = (base.empty() ? fs::path(path) : fs::path(base) / path).lexically_normal();
  std::string s = p.generic_string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

// The flattened keys of a YAML mapping, "a.b" -> value text.
void flatten(const YAML::Node& n, const std::string& prefix, std::map<std::string, std::string>& out) {
  if (n.IsMap()) {
    for (const auto& kv : n) flatten(kv.second, prefix.empty() ? kv.first.Scalar() : prefix + "." + kv.first.Scalar(), out);
    if (!prefix.empty()) out.emplace(prefix, "");  // a section: a key too
  } else if (n.IsScalar()) {
    out[prefix] = n.Scalar();
  } else {
    YAML::Emitter e;
    e << YAML::Flow << n;
    out[prefix] = e.c_str();
  }
}

struct Context {
  const std::map<std::string, std::string>* params;  // params.yaml, flattened
  std::map<std::string, std::string> vars;           // other vars, flattened
  bool matrix = false, foreach = false;
  std::string stage;
  std::vector<std::string>* notes;
};

constexpr std::size_t kMaxText = 64 * 1024;  // a converted string, or a value written in

// ${...} as mlops reads it.
std::string rewrite(const std::string& s, Context& c, const std::string& field) {
  auto value = [&](const std::string& name) -> std::string {
    std::string trimmed = name;
    trimmed.erase(0, trimmed.find_first_not_of(' '));
    if (trimmed.empty())
      fail(ExitCode::Input, "dvc.yaml: stage {}: {}: an empty ${{}} (refused)", c.stage, field);
    trimmed.erase(trimmed.find_last_not_of(' ') + 1);
    if (c.matrix && trimmed.starts_with("item.")) return "${" + trimmed.substr(5) + "}";
    if (c.foreach && (trimmed == "item" || trimmed.starts_with("item.") || trimmed == "key")) return "${" + trimmed + "}";
    if (c.params->count(trimmed)) return "${params." + trimmed + "}";
    if (auto v = c.vars.find(trimmed); v != c.vars.end()) {
      c.notes->push_back(fmt::format("dvc.yaml: stage {}: {}: ${{{}}} (from vars) written in as '{}': editing its file "
                                     "no longer changes the stage (mlops reads params.yaml only); edit mlops.yaml",
                                     c.stage, field, trimmed, v->second));
      return v->second;
    }
    fail(ExitCode::Input, "dvc.yaml: stage {}: {}: ${{{}}} names nothing in params.yaml or vars (DVC would refuse it too)",
         c.stage, field, trimmed);
  };
  std::string out = substitute_vars(s, value, [] {}, true);
  if (out.size() > kMaxText)
    fail(ExitCode::Input, "dvc.yaml: stage {}: {}: more than {} bytes once its ${{}} are written in (refused)", c.stage,
         field, kMaxText);
  return out;
}

// A shell word for `cd WDIR &&`: quoted, since the folder's name is text, not code.
std::string shell_quoted(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-") == std::string::npos)
    return s;
  std::string out = "'";
  for (char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

std::string scalar_of(const YAML::Node& n) { return n.IsScalar() ? n.Scalar() : ""; }

// A path list entry: "path" or {path: {options}}.
std::string path_entry(const YAML::Node& e, Context& c, const std::string& field, bool is_out) {
  if (e.IsScalar()) return e.Scalar();
  if (e.IsMap() && e.size() == 1) {
    auto kv = *e.begin();
    const YAML::Node opts = kv.second;
    if (opts.IsMap())
      for (const auto& o : opts) {
        std::string key = o.first.Scalar(), value = scalar_of(o.second);
        if (key == "cache" && value == "false" && !is_out) continue;  // metrics and plots are git's in mlops too
        if (key == "cache" && value == "false")
          c.notes->push_back(fmt::format("dvc.yaml: stage {}: {}: {}: cache: false (git keeps it in DVC): mlops keeps "
                                         "outputs in its store; make it a metric or plot to leave it to git",
                                         c.stage, field, kv.first.Scalar()));
        else if (key != "cache")
          c.notes->push_back(fmt::format("dvc.yaml: stage {}: {}: {}: {}: not kept (mlops has no such option)", c.stage,
                                         field, kv.first.Scalar(), key));
      }
    return kv.first.Scalar();
  }
  fail(ExitCode::Input, "dvc.yaml:{}: stage {}: {}: expected a path or {{path: options}}", e.Mark().line + 1, c.stage, field);
}

// DVC's plot properties as mlops.yaml reads them (plot_key); `fields_by_file` lets x and y map files to fields (the
// top-level plots), with the files passed through `file`.
YAML::Node plot_properties(const YAML::Node& opts, Context& c, const std::string& where, bool fields_by_file,
                           const std::function<std::string(const std::string&)>& file) {
  YAML::Node out(YAML::NodeType::Map);
  if (!opts.IsMap()) return out;
  for (const auto& o : opts) {
    std::string key = o.first.Scalar();
    const YAML::Node v = o.second;
    PlotKey kind_of_key = plot_key(key);
    if (kind_of_key == PlotKey::Ignored) continue;
    auto text = [&](const YAML::Node& n) -> YAML::Node {  // a field name, or a list of them, with ${} converted
      if (n.IsScalar()) return YAML::Node(rewrite(n.Scalar(), c, "plots"));
      YAML::Node list(YAML::NodeType::Sequence);
      for (const auto& x : n) list.push_back(x.IsScalar() ? rewrite(x.Scalar(), c, "plots") : std::string());
      return list;
    };
    if (kind_of_key == PlotKey::Field && v.IsMap() && fields_by_file) {
      YAML::Node m(YAML::NodeType::Map);
      for (const auto& f : v) m[file(f.first.Scalar())] = text(f.second);
      out[key] = m;
    } else if ((key == "x" && v.IsScalar()) || (key == "y" && (v.IsScalar() || v.IsSequence()))) {
      out[key] = text(v);
    } else if (kind_of_key == PlotKey::Template && v.IsScalar()) {
      if (auto kind = plot_kind(v.Scalar())) {
        out[key] = *kind;
        if (v.Scalar() == "smooth" || v.Scalar() == "scatter_jitter")
          c.notes->push_back(fmt::format("{}: template {}: drawn as {} (not {})", where, v.Scalar(), *kind,
                                         v.Scalar() == "smooth" ? "smoothed" : "jittered"));
      } else c.notes->push_back(fmt::format("{}: template {}: not kept (mlops draws line, scatter, bar and confusion)", where,
                                          v.Scalar()));
    } else if (kind_of_key == PlotKey::Text && v.IsScalar()) {
      out[key] = rewrite(v.Scalar(), c, "plots");
    } else {
      c.notes->push_back(fmt::format("{}: {}: not kept (mlops has no such plot property)", where, key));
    }
  }
  return out;
}

// A plots entry of mlops.yaml: the file (or name), with its properties when it has any.
YAML::Node plot_entry(const std::string& id, const YAML::Node& props) {
  if (props.size() == 0) return YAML::Node(id);
  YAML::Node m(YAML::NodeType::Map);
  m[id] = props;
  return m;
}

YAML::Node convert_stage(const YAML::Node& body, Context& c, const std::string& base_wdir, std::string& wdir_out) {
  if (!body.IsMap()) fail(ExitCode::Input, "dvc.yaml:{}: stage {}: not a mapping", body.Mark().line + 1, c.stage);
  std::string wdir = base_wdir;
  if (body["wdir"] && body["wdir"].IsScalar() && body["wdir"].Scalar() != ".") {
    const std::string& w = body["wdir"].Scalar();
    wdir = rel_join(wdir, w);
    if (w.front() == '/' || wdir.starts_with("..") || has_control_chars(w) || !is_valid_utf8(w))
      fail(ExitCode::Input, "dvc.yaml: stage {}: wdir '{}' is not a folder of the repository", c.stage, printable_path(w));
  }
  wdir_out = wdir;
  auto path = [&](const std::string& p, const std::string& field) {
    std::string r = rel_join(wdir, rewrite(p, c, field));
    if (r.starts_with("../") || r == "..")
      fail(ExitCode::Input, "dvc.yaml: stage {}: {}: '{}' is outside the repository", c.stage, field, printable_path(p));
    return r;
  };
  YAML::Node out(YAML::NodeType::Map);
  for (const auto& kv : body) {
    std::string key = kv.first.Scalar();
    const YAML::Node v = kv.second;
    if (key == "cmd") {
      std::string prefix = wdir.empty() ? "" : fmt::format("cd {} && ", shell_quoted(wdir));
      if (v.IsSequence()) {
        YAML::Node list(YAML::NodeType::Sequence);
        bool first = true;
        for (const auto& cmd : v) {
          list.push_back((first ? prefix : "") + rewrite(scalar_of(cmd), c, "cmd"));
          first = false;
        }
        out["cmd"] = list;
      } else {
        out["cmd"] = prefix + rewrite(scalar_of(v), c, "cmd");
      }
    } else if (key == "plots") {
      // Files, or {file: properties}: the properties are kept.
      YAML::Node list(YAML::NodeType::Sequence);
      if (v.IsSequence())
        for (const auto& e : v) {
          if (e.IsMap() && e.size() == 1 && e.begin()->second.IsMap()) {
            std::string file = path(rewrite(e.begin()->first.Scalar(), c, key), key);
            YAML::Node props = plot_properties(e.begin()->second, c, fmt::format("dvc.yaml: stage {}: plots: {}", c.stage, file),
                                               false, [](const std::string& f) { return f; });
            list.push_back(plot_entry(file, props));
          } else {
            list.push_back(path(path_entry(e, c, key, false), key));
          }
        }
      out[key] = list;
    } else if (key == "deps" || key == "outs" || key == "metrics") {
      YAML::Node list(YAML::NodeType::Sequence);
      if (v.IsSequence())
        for (const auto& e : v) list.push_back(path(path_entry(e, c, key, key == "outs"), key));
      out[key] = list;
    } else if (key == "params") {
      // Keys of params.yaml (of wdir's, in DVC), {file: [keys]} and {file: null} alike.
      std::string default_file = rel_join(wdir, "params.yaml");
      std::map<std::string, YAML::Node> files;
      if (v.IsSequence())
        for (const auto& e : v) {
          if (e.IsScalar()) {
            if (!files.count(default_file)) files[default_file] = YAML::Node(YAML::NodeType::Sequence);
            files[default_file].push_back(e.Scalar());
          } else if (e.IsMap()) {
            for (const auto& f : e) {
              std::string file = path(f.first.Scalar(), "params");
              if (f.second.IsNull() || (f.second.IsSequence() && f.second.size() == 0)) files[file] = YAML::Node();
              else {
                if (!files.count(file) || files[file].IsNull()) files[file] = YAML::Node(YAML::NodeType::Sequence);
                for (const auto& k : f.second) files[file].push_back(k.Scalar());
              }
            }
          }
        }
      YAML::Node list(YAML::NodeType::Sequence);
      for (auto& [file, keys] : files) {
        if (file == "params.yaml" && keys.IsSequence()) {
          for (const auto& k : keys) list.push_back(k.Scalar());
        } else {
          YAML::Node m;
          m[file] = keys;
          list.push_back(m);
        }
      }
      out["params"] = list;
    } else if (key == "frozen" || key == "always_changed" || key == "desc") {
      out[key] = scalar_of(v);
    } else if (key == "wdir") {
      continue;  // in the command
    } else if (key == "vars") {
      c.notes->push_back(fmt::format("dvc.yaml: stage {}: vars: written in where used (mlops has no stage vars)", c.stage));
    } else {
      c.notes->push_back(fmt::format("dvc.yaml: stage {}: {}: not kept (mlops has no such field)", c.stage, key));
    }
  }
  if (!wdir.empty())
    c.notes->push_back(fmt::format("dvc.yaml: stage {}: wdir {}: the command runs as 'cd {} && ...', its paths "
                                   "from the repository root",
                                   c.stage, wdir, shell_quoted(wdir)));
  return out;
}

}  // namespace

namespace {
DvcPipeline convert(const fs::path& root, const std::vector<std::string>& nested);
std::map<std::string, DvcLockStage> read_lock_file(const fs::path& root, const std::map<std::string, std::string>& wdirs);
}

DvcPipeline convert_dvc_yaml(const fs::path& root, const std::vector<std::string>& nested) {
  try {
    return convert(root, nested);
  } catch (const YAML::Exception& e) {  // a field of the wrong shape, in dvc.yaml, params.yaml or a vars file
    fail(ExitCode::Input, "dvc.yaml: cannot be converted: {} (line {})", e.msg, e.mark.line + 1);
  }
}

namespace {
// The top-level plots: files, or {file or name: properties}; paths checked to
// be of the repository.
// Where a top-level list comes from: dvc.yaml, or one in a subfolder (DVCLive's
// dvclive/dvc.yaml), whose paths are relative to its folder.
struct ListSource {
  std::string file = "dvc.yaml";
  std::string base;  // its folder, "" at the top
};

// A top-level list's path (plots, metrics, params), ${} converted; refused outside the repository.
std::string top_level_file(const std::string& p, Context& c, const char* field, const ListSource& src) {
  std::string r = rel_join(src.base, rewrite(p, c, field));
  if (r.empty() || r.starts_with("../") || r == ".." || p.empty() || p.front() == '/')
    fail(ExitCode::Input, "{}: {}: '{}' is outside the repository", src.file, field, printable_path(p));
  return r;
}

// DVC's top-level metrics and params: lists of files, appended to `out`.
void convert_top_files(const YAML::Node& list, Context& c, const char* field, const ListSource& src, YAML::Node& out) {
  for (const auto& e : list) {
    if (!e.IsScalar()) fail(ExitCode::Input, "{}:{}: {}: expected a file", src.file, e.Mark().line + 1, field);
    out.push_back(top_level_file(e.Scalar(), c, field, src));
  }
}

// DVC's top-level plots, appended to `out`.
void convert_top_plots(const YAML::Node& list, Context& c, const ListSource& src, YAML::Node& out) {
  auto file = [&](const std::string& p) { return top_level_file(p, c, "plots", src); };
  for (const auto& e : list) {
    if (e.IsScalar()) {
      out.push_back(file(e.Scalar()));
    } else if (e.IsMap() && e.size() == 1) {
      std::string id = e.begin()->first.Scalar();
      const YAML::Node opts = e.begin()->second;
      bool named = opts.IsMap() && opts["y"] && opts["y"].IsMap();  // a name for fields of several files
      if (!named) id = file(id);
      YAML::Node props = plot_properties(opts, c, src.file + ": plots: " + id, true, file);
      out.push_back(plot_entry(id, props));
    } else {
      fail(ExitCode::Input, "{}:{}: plots: expected a file or {{file or name: properties}}", src.file, e.Mark().line + 1);
    }
  }
}

// The lists of a top-level mapping (plots, metrics, params) into `lists`;
// other keys are said. `skip`: keys the caller reads itself.
void convert_top_lists(const YAML::Node& doc, Context& c, const ListSource& src,
                       std::map<std::string, YAML::Node>& lists, const std::set<std::string>& skip, DvcPipeline& p) {
  for (const auto& kv : doc) {
    std::string key = kv.first.Scalar();
    if (skip.count(key)) continue;
    if ((key == "plots" || key == "metrics" || key == "params") && kv.second.IsSequence()) {
      auto [it, added] = lists.try_emplace(key, YAML::Node(YAML::NodeType::Sequence));
      if (key == "plots") convert_top_plots(kv.second, c, src, it->second);
      else convert_top_files(kv.second, c, key == "metrics" ? "metrics" : "params", src, it->second);
      continue;
    }
    p.notes.push_back(fmt::format("{}: {}: not kept (mlops.yaml has stages, plots, metrics and params only)", src.file, key));
  }
}

DvcPipeline convert(const fs::path& root, const std::vector<std::string>& nested) {
  DvcPipeline p;
  const std::string file = "dvc.yaml";
  YAML::Node doc(YAML::NodeType::Map);
  bool has_root = lstat_path(root / file).has_value();
  if (has_root) {
    try {
      doc = load_yaml(read_file(root / file, 16u << 20), file);
    } catch (const YAML::Exception& e) {
      fail(ExitCode::Input, "dvc.yaml:{}: malformed YAML: {}", e.mark.line + 1, e.msg);
    }
  }
  // A dvc.yaml may hold plots, metrics and params alone (DVCLive writes such),
  // or be in a subfolder only (DVCLive 2's dvclive/dvc.yaml).
  bool plots_only = doc.IsMap() && !doc["stages"] && (doc["plots"] || doc["metrics"] || doc["params"] || !has_root);
  if (!doc.IsMap() || !(plots_only || (doc["stages"] && doc["stages"].IsMap())))
    fail(ExitCode::Input, "dvc.yaml: no 'stages:' mapping (nor 'plots:', 'metrics:', 'params:' alone)");
  std::map<std::string, std::string> params;
  YAML::Node params_doc;
  if (auto st = lstat_path(root / "params.yaml"); st && st->is_regular()) {
    params_doc = load_yaml(read_file(root / "params.yaml", 16u << 20), "params.yaml");
    flatten(params_doc, "", params);
  }
  Context c{&params, {}, false, false, "", &p.notes};
  for (const auto& kv : doc) {
    std::string key = kv.first.Scalar();
    if (key == "stages") continue;
    if (key == "vars" && kv.second.IsSequence()) {
      for (const auto& v : kv.second) {
        if (v.IsMap()) {
          flatten(v, "", c.vars);
        } else if (v.IsScalar()) {
          std::string name = v.Scalar().substr(0, v.Scalar().find(':'));
          if (name == "params.yaml") continue;
          std::string rel = rel_join("", name);
          // Its values go into mlops.yaml, for git: only a file of this repository.
          if (name.empty() || name.front() == '/' || rel.starts_with("..") || !unwritable_reason(rel).empty())
            fail(ExitCode::Input, "dvc.yaml: vars: '{}' is not a file of the repository (refused)", printable_path(name));
          bool real = false;
          try {
            (void)SafeTree(root).open_dir(fs::path(rel).parent_path().generic_string(), false, rel);
            auto st = lstat_path(root / rel);
            real = st && st->is_regular();
          } catch (const Error&) {
          }
          if (real)
            flatten(load_yaml(read_file(root / rel, 1u << 20), name), "", c.vars);
          else
            p.notes.push_back(fmt::format("dvc.yaml: vars: {} is not a plain file of the repository (its values are "
                                          "not written in)",
                                          printable_path(name)));
        }
      }
      continue;
    }
  }
  std::map<std::string, YAML::Node> lists;  // plots, metrics, params
  convert_top_lists(doc, c, ListSource{}, lists, {"stages", "vars"}, p);
  // A dvc.yaml in a subfolder with lists only (DVCLive's) adds them, its paths
  // from its folder; one with stages is a pipeline mlops.yaml cannot hold.
  for (const auto& rel : nested) {
    ListSource src{rel, fs::path(rel).parent_path().generic_string()};
    auto st = lstat_path(root / rel);
    if (!st || !st->is_regular()) {
      p.notes.push_back(fmt::format("{}: not a plain file (not read)", printable_path(rel)));
      continue;
    }
    YAML::Node sub;
    try {
      sub = load_yaml(read_file(root / rel, 16u << 20), rel);
    } catch (const YAML::Exception& e) {
      fail(ExitCode::Input, "{}:{}: malformed YAML: {}", printable_path(rel), e.mark.line + 1, e.msg);
    }
    if (!sub.IsMap()) fail(ExitCode::Input, "{}: not a mapping", printable_path(rel));
    if (sub["stages"]) {
      p.notes.push_back(fmt::format("{}: a pipeline in a subfolder is not converted (mlops.yaml is one file at the top)",
                                    printable_path(rel)));
      continue;
    }
    convert_top_lists(sub, c, src, lists, {"vars"}, p);
  }
  for (const auto& [k, v] : c.vars)
    if (v.size() > kMaxText) fail(ExitCode::Input, "dvc.yaml: vars: {} is more than {} bytes (refused)", k, kMaxText);
  YAML::Node stages(YAML::NodeType::Map);
  const YAML::Node dvc_stages = plots_only ? YAML::Node(YAML::NodeType::Map) : doc["stages"];
  for (const auto& kv : dvc_stages) {
    std::string name = kv.first.Scalar();
    const YAML::Node body = kv.second;
    c.stage = name;
    c.matrix = c.foreach = false;
    std::string wdir;
    if (body.IsMap() && body["foreach"]) {
      c.foreach = true;
      YAML::Node items = body["foreach"];
      if (items.IsScalar()) {  // foreach: ${list in params.yaml}
        std::string ref = items.Scalar();
        if (ref.starts_with("${") && ref.ends_with("}")) {
          std::string k = ref.substr(2, ref.size() - 3);
          YAML::Node found = params_doc;
          std::size_t at = 0;
          while (found && at <= k.size()) {
            auto dot = k.find('.', at);
            found = found[k.substr(at, dot - at)];
            if (dot == std::string::npos) break;
            at = dot + 1;
          }
          if (!found) fail(ExitCode::Input, "dvc.yaml: stage {}: foreach: {} names nothing in params.yaml", name, ref);
          items = YAML::Clone(found);
          p.notes.push_back(fmt::format("dvc.yaml: stage {}: foreach: {} written in (its items as they are now: "
                                        "editing the list no longer adds stages; edit mlops.yaml)",
                                        name, ref));
        }
      }
      YAML::Node s;
      s["foreach"] = items;
      s["do"] = convert_stage(body["do"], c, "", wdir);
      stages[name] = s;
    } else if (body.IsMap() && body["matrix"]) {
      c.matrix = true;
      YAML::Node rest = YAML::Clone(body);
      rest.remove("matrix");
      YAML::Node s = convert_stage(rest, c, "", wdir);
      YAML::Node m(YAML::NodeType::Map);
      m["matrix"] = body["matrix"];
      for (const auto& f : s) m[f.first] = f.second;
      stages[name] = m;
    } else {
      stages[name] = convert_stage(body, c, "", wdir);
    }
    p.wdirs[name] = wdir;
  }
  YAML::Node out;
  bool any_files = false;
  for (const auto& [k, v] : lists) any_files |= v.size() > 0;
  if (plots_only && !any_files) {
    if (!has_root) return p;  // nothing to convert in the subfolders: said in the notes
    fail(ExitCode::Input, "dvc.yaml: no stages, and no plots, metrics or params");
  }
  if (!plots_only) out["stages"] = stages;
  for (const char* k : {"plots", "metrics", "params"})
    if (auto it = lists.find(k); it != lists.end() && it->second.size() > 0) out[k] = it->second;
  YAML::Emitter e;
  e << out;
  p.mlops_yaml = std::string("# Converted from dvc.yaml by mlops import dvc (see mlops-yaml(5)).\n") + e.c_str() + "\n";
  return p;
}
}  // namespace

std::map<std::string, DvcLockStage> read_dvc_lock(const fs::path& root, const std::map<std::string, std::string>& wdirs) {
  try {
    return read_lock_file(root, wdirs);
  } catch (const YAML::Exception& e) {
    fail(ExitCode::Input, "dvc.lock: cannot be read: {} (line {})", e.msg, e.mark.line + 1);
  }
}

namespace {
std::map<std::string, DvcLockStage> read_lock_file(const fs::path& root, const std::map<std::string, std::string>& wdirs) {
  std::map<std::string, DvcLockStage> out;
  auto st = lstat_path(root / "dvc.lock");
  if (!st) return out;
  YAML::Node doc;
  try {
    doc = load_yaml(read_file(root / "dvc.lock", 64u << 20), "dvc.lock");
  } catch (const YAML::Exception& e) {
    fail(ExitCode::Input, "dvc.lock:{}: malformed YAML: {}", e.mark.line + 1, e.msg);
  }
  if (!doc.IsMap() || !doc["stages"] || !doc["stages"].IsMap())
    fail(ExitCode::Input, "dvc.lock: not schema 2.0 (no 'stages:' mapping; DVC 1 lock files are not read)");
  for (const auto& kv : doc["stages"]) {
    std::string name = kv.first.Scalar();
    const YAML::Node s = kv.second;
    std::string base = name.substr(0, name.find('@'));
    std::string wdir = wdirs.count(base) ? wdirs.at(base) : "";
    DvcLockStage l;
    if (s["cmd"] && s["cmd"].IsSequence()) {
      for (const auto& c : s["cmd"]) l.cmd += (l.cmd.empty() ? "" : " && ") + scalar_of(c);
    } else if (s["cmd"]) {
      l.cmd = scalar_of(s["cmd"]);
    }
    auto paths = [&](const char* key, std::vector<DvcLockedPath>& into) {
      if (!s[key] || !s[key].IsSequence()) return;
      for (const auto& e : s[key]) {
        DvcLockedPath lp;
        lp.path = rel_join(wdir, scalar_of(e["path"]));
        if (lp.path.empty() || lp.path.starts_with("../"))
          fail(ExitCode::Input, "dvc.lock:{}: stage {}: path '{}' is outside the repository", e.Mark().line + 1, name,
               printable_path(scalar_of(e["path"])));
        lp.md5 = scalar_of(e["md5"]);
        if (lp.md5.ends_with(".dir")) lp.dir = true, lp.md5.resize(lp.md5.size() - 4);
        lp.legacy = !e["hash"];
        into.push_back(std::move(lp));
      }
    };
    paths("deps", l.deps);
    paths("outs", l.outs);
    if (s["params"]) {
      YAML::Emitter e;
      e << s["params"];
      l.params_yaml = e.c_str();
    }
    out.emplace(name, std::move(l));
  }
  return out;
}

}  // namespace

}  // namespace mlops

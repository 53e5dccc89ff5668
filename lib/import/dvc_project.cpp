#include "import/dvc_project.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/safe_tree.hpp"
#include "core/text.hpp"
#include "core/walk.hpp"
#include "core/yaml_load.hpp"

namespace mlops {

namespace {

std::string scalar(const YAML::Node& n, const char* key) {
  const YAML::Node v = n[key];
  return v && v.IsScalar() ? v.Scalar() : "";
}

// `base` (the .dvc file's folder) joined with a DVC path, normalised; empty
// when it leaves the repository or is absolute.
std::string join_rel(const std::string& base, const std::string& path) {
  if (path.empty() || path.front() == '/') return "";
  fs::path p = (base.empty() ? fs::path(path) : fs::path(base) / path).lexically_normal();
  std::string s = p.generic_string();
  while (!s.empty() && s.back() == '/') s.pop_back();
  if (s.empty() || s == "." || s.starts_with("../") || s == "..") return "";
  return s;
}

}  // namespace

DvcFile parse_dvc_file(const std::string& text, const std::string& rel) {
  DvcFile f;
  f.rel = rel;
  YAML::Node root;
  try {
    root = load_yaml(text, rel);
  } catch (const YAML::Exception& e) {
    fail(ExitCode::Input, "{}:{}: malformed YAML: {}", printable_path(rel), e.mark.line + 1, e.msg);
  }
  if (!root.IsMap()) fail(ExitCode::Input, "{}: not a .dvc file (expected a mapping with 'outs:')", printable_path(rel));
  std::string base = fs::path(rel).parent_path().generic_string();
  if (std::string wdir = scalar(root, "wdir"); !wdir.empty() && wdir != ".") base = join_rel(base, wdir);
  if (root["deps"] && root["deps"].IsSequence() && root["deps"].size() > 0)
    f.notes.push_back(fmt::format("{}: deps: it was made by `dvc import` or a stage; its outputs are imported as "
                                  "data, without where they came from",
                                  printable_path(rel)));
  if (root["frozen"] && root["frozen"].IsScalar() && root["frozen"].Scalar() == "true")
    f.notes.push_back(fmt::format("{}: frozen: mlops data has no frozen state (imported as data)", printable_path(rel)));
  const YAML::Node outs = root["outs"];
  if (!outs || !outs.IsSequence()) fail(ExitCode::Input, "{}: no 'outs:' list", printable_path(rel));
  for (const auto& o : outs) {
    std::string at = fmt::format("{}:{}", printable_path(rel), o.Mark().line + 1);
    if (!o.IsMap()) fail(ExitCode::Input, "{}: an output is not a mapping", at);
    DvcOut out;
    out.where = at;
    std::string path = scalar(o, "path");
    out.path = join_rel(base, path);
    if (out.path.empty())
      fail(ExitCode::Input, "{}: path '{}' is outside the repository (DVC's external outputs are not imported)", at,
           printable_path(path));
    check_writable(out.path, at);
    out.md5 = scalar(o, "md5");
    if (out.md5.ends_with(".dir")) {
      out.dir = true;
      out.md5.resize(out.md5.size() - 4);
    }
    if (!out.md5.empty() && !is_lower_hex(out.md5, 32)) fail(ExitCode::Input, "{}: md5 '{}' is not an MD5", at, printable_path(out.md5));
    std::string hash = scalar(o, "hash");
    if (!hash.empty() && hash != "md5") fail(ExitCode::Input, "{}: hash '{}' is not md5 (not imported)", at, printable_path(hash));
    out.legacy = hash.empty();
    auto number = [&](const char* key) -> std::uint64_t {
      std::string v = scalar(o, key);
      if (v.empty()) return 0;
      if (v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos)
        fail(ExitCode::Input, "{}: {} '{}' is not a size", at, key, printable_path(v));
      return std::stoull(v);
    };
    out.size = number("size");
    out.nfiles = number("nfiles");
    out.cache = scalar(o, "cache") != "false";
    for (const char* key : {"persist", "remote", "push", "desc", "type", "labels", "meta"})
      if (o[key]) f.notes.push_back(fmt::format("{}: {}: mlops pointers have no such field (not kept)", at, key));
    f.outs.push_back(std::move(out));
  }
  return f;
}

std::vector<DvcFile> find_dvc_files(const fs::path& root, std::vector<std::string>& problems,
                                    std::vector<std::string>& nested_pipelines) {
  std::vector<std::string> rels;
  WalkVisitor v;
  v.stat_entries = false;
  v.enter_dir = [](const WalkEntry& e) {
    std::string name = fs::path(e.rel).filename().string();
    return name != ".git" && name != ".dvc" && name != ".mlops";
  };
  v.file = [&](const WalkEntry& e) {
    if (e.rel.ends_with(".dvc") && e.st.is_regular()) rels.push_back(e.rel);
    if (e.rel.ends_with("/dvc.yaml")) nested_pipelines.push_back(e.rel);
  };
  walk_tree(root, "", v);
  std::sort(rels.begin(), rels.end());
  std::vector<DvcFile> out;
  for (const auto& rel : rels) {
    try {
      out.push_back(parse_dvc_file(read_file(root / rel, 1u << 20), rel));
    } catch (const Error& e) {
      problems.push_back(fmt::format("{} (not imported)", e.what()));
    }
  }
  return out;
}

DvcConfig read_dvc_config(const fs::path& root) {
  auto st = lstat_path(root / ".dvc");
  if (!st || !st->is_dir()) fail(ExitCode::Input, "{}: not a DVC repository (no .dvc/ folder)", root.string());
  DvcConfig c;
  c.cache_dir = root / ".dvc" / "cache";
  // ConfigObj's INI, as DVC writes it: [core], ['remote "NAME"'], key = value.
  for (const char* name : {"config", "config.local"}) {
    fs::path file = root / ".dvc" / name;
    auto fst = lstat_path(file);
    if (!fst || !fst->is_regular()) continue;
    std::string section;
    std::size_t line_no = 0;
    const std::string text = read_file(file, 1u << 20);  // the lines are views into it
    for (std::string_view raw : split_lines(text)) {
      ++line_no;
      std::string line(raw);
      while (!line.empty() && (line.back() == ' ' || line.back() == '\r' || line.back() == '\t')) line.pop_back();
      std::size_t lead = line.find_first_not_of(" \t");
      if (lead == std::string::npos || line[lead] == '#' || line[lead] == ';') continue;
      line.erase(0, lead);
      if (line.front() == '[') {
        section = line.substr(1, line.size() - (line.back() == ']' ? 2 : 1));
        if (section.size() >= 2 && (section.front() == '\'' || section.front() == '"') && section.back() == section.front())
          section = section.substr(1, section.size() - 2);
        continue;
      }
      auto eq = line.find('=');
      if (eq == std::string::npos)
        fail(ExitCode::Input, ".dvc/{}:{}: expected KEY = VALUE or [SECTION]", name, line_no);
      std::string key = line.substr(0, eq), value = line.substr(eq + 1);
      while (!key.empty() && key.back() == ' ') key.pop_back();
      value.erase(0, value.find_first_not_of(' '));
      std::transform(key.begin(), key.end(), key.begin(), [](unsigned char ch) { return std::tolower(ch); });
      if (section == "core" && key == "remote") c.default_remote = value;
      if (section == "cache" && key == "dir") {
        fs::path d(value);
        d = d.is_absolute() ? d : (root / ".dvc" / d).lexically_normal();
        // A committed config may not point the import at another project's
        // cache (config.local, this machine's own, may).
        std::string rel = d.lexically_relative(root).generic_string();
        if (std::string(name) == "config" && (rel.empty() || rel.starts_with("..")))
          c.notes.push_back(fmt::format(".dvc/config: cache.dir {} is outside the repository: not read (set it in "
                                        ".dvc/config.local, or give --from-cache)",
                                        printable_path(value)));
        else
          c.cache_dir = d;
      }
      if (section.starts_with("remote \"") && section.ends_with("\"")) {
        std::string rname = section.substr(8, section.size() - 9);
        auto it = std::find_if(c.remotes.begin(), c.remotes.end(), [&](const DvcRemote& r) { return r.name == rname; });
        if (it == c.remotes.end()) it = c.remotes.insert(c.remotes.end(), DvcRemote{rname, "", {}});
        if (key == "url") {
          // A relative folder is relative to the config file's folder.
          bool url = value.find("://") != std::string::npos;
          it->url = url || fs::path(value).is_absolute() ? value : (root / ".dvc" / value).lexically_normal().string();
        } else {
          it->options[key] = value;
        }
      }
    }
  }
  return c;
}

}  // namespace mlops

#include "pipeline/params_set.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "core/yaml_load.hpp"
#include "pipeline/pipeline_file.hpp"
#include "repo/repo.hpp"

namespace mlops {

std::string ParamSetting::recorded_key() const { return file == kDefaultParamsFile ? key : file + ":" + key; }

ParamSetting parse_param_setting(const std::string& arg) {
  auto eq = arg.find('=');
  if (eq == std::string::npos || eq == 0)
    fail(ExitCode::Usage, "-S {}: expected [FILE:]KEY=VALUE, such as train.lr=0.01", arg);
  ParamSetting p;
  std::string target = arg.substr(0, eq);
  p.value = arg.substr(eq + 1);
  auto colon = target.rfind(':');
  p.file = colon == std::string::npos ? kDefaultParamsFile : target.substr(0, colon);
  p.key = colon == std::string::npos ? target : target.substr(colon + 1);
  if (!is_safe_relative_path(p.file))
    fail(ExitCode::Usage, "-S {}: '{}' is not a file inside the repository", arg, printable_path(p.file));
  bool parts_ok = !p.key.empty() && p.key.front() != '.' && p.key.back() != '.' &&
                  p.key.find("..") == std::string::npos && is_valid_utf8(p.key) && !has_control_chars(p.key);
  if (!parts_ok) fail(ExitCode::Usage, "-S {}: '{}' is not a key such as train.lr", arg, printable_path(p.key));
  if (!is_valid_utf8(p.value) || has_control_chars(p.value))
    fail(ExitCode::Usage, "-S {}: the value is not text", arg);
  return p;
}

std::map<std::string, std::string> set_params(Repo& repo, const std::vector<ParamSetting>& settings) {
  std::map<std::string, YAML::Node> docs;  // file -> its new content
  std::map<std::string, std::string> recorded;
  for (const auto& s : settings) {
    auto [it, fresh] = docs.try_emplace(s.file);
    if (fresh) {
      try {
        it->second = lstat_path(repo.abs(s.file)) ? load_yaml_file(repo.abs(s.file), s.file) : YAML::Node();
      } catch (const YAML::Exception& e) {
        fail(ExitCode::Input, "{}:{}: malformed params file: {}", s.file, e.mark.line + 1, e.msg);
      }
      if (it->second.IsNull()) it->second = YAML::Node(YAML::NodeType::Map);
      if (!it->second.IsMap()) fail(ExitCode::Input, "{}: a params file must be a mapping of names to values", s.file);
    }
    YAML::Node value;
    try {
      value = load_yaml(s.value, "-S " + s.recorded_key());
    } catch (const YAML::Exception&) {
      value = YAML::Node(s.value);  // not YAML: the text itself
    }
    // "#tag" is a YAML comment, so null: only a null spelled out is one.
    if (value.IsNull() && s.value != "~" && s.value != "null" && s.value != "Null" && s.value != "NULL" &&
        !s.value.empty())
      value = YAML::Node(s.value);
    // Walks the dotted key, making mappings on the way (nodes are handles:
    // assigning to `cur` must not overwrite the node it pointed to).
    std::vector<std::string> parts;
    for (std::size_t start = 0;;) {
      auto dot = s.key.find('.', start);
      parts.push_back(s.key.substr(start, dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    std::vector<YAML::Node> path{it->second};
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      YAML::Node next = path.back()[parts[i]];
      if (!next.IsDefined() || next.IsNull()) {
        path.back()[parts[i]] = YAML::Node(YAML::NodeType::Map);
        next = path.back()[parts[i]];
      }
      if (!next.IsMap())
        fail(ExitCode::Input, "{}: cannot set {}: {} is a value, not a mapping", s.file, s.key,
             fmt::join(parts.begin(), parts.begin() + static_cast<std::ptrdiff_t>(i) + 1, "."));
      path.push_back(next);
    }
    if (YAML::Node old = path.back()[parts.back()]; old.IsMap())
      fail(ExitCode::Input, "{}: cannot set {}: it is a mapping of values", s.file, s.key);
    path.back()[parts.back()] = value;
    YAML::Emitter shown;
    shown << value;
    recorded[s.recorded_key()] = value.IsScalar() ? value.Scalar() : std::string(shown.c_str());
  }
  for (const auto& [file, doc] : docs) {
    YAML::Emitter out;
    out << doc;
    std::string text = std::string(out.c_str()) + "\n";
    repo.tree().write_file(file, text);
  }
  return recorded;
}

}  // namespace mlops

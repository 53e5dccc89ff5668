#include "data/pointer.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>

#include "core/error.hpp"
#include "core/safe_tree.hpp"
#include "core/text.hpp"
#include "core/yaml_load.hpp"

namespace mlops {

std::string_view kind_name(Kind k) { return k == Kind::File ? "file" : "dir"; }

std::string serialize_pointer(const Pointer& p) {
  YAML::Emitter name;
  name << p.path;  // quotes names YAML would otherwise misread
  std::string out = fmt::format("# tracked by mlops; the data lives in the store\npath: {}\nid: {}\nsize: {}\n",
                                name.c_str(), p.id.str(), p.size);
  if (p.kind == Kind::Dir) out += fmt::format("kind: dir\nfiles: {}\n", p.files);
  if (p.executable) out += "executable: true\n";
  return out;
}

namespace {

[[noreturn]] void bad(std::string_view source, const YAML::Mark& m, std::string_view why) {
  if (m.line >= 0) fail(ExitCode::Input, "{}:{}: {}", source, m.line + 1, why);
  fail(ExitCode::Input, "{}: {}", source, why);
}

std::uint64_t parse_count(std::string_view source, const YAML::Node& n, std::string_view field) {
  std::string s = n.Scalar();
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (!n.IsScalar() || s.empty() || ec != std::errc() || p != s.data() + s.size())
    bad(source, n.Mark(), fmt::format("'{}' must be a whole number of bytes or files", field));
  return v;
}

}  // namespace

Pointer parse_pointer(std::string_view text, std::string_view source) {
  // Merge conflicts leave both sides in the file: say so rather than "bad YAML".
  for (std::size_t pos = 0, line = 1; pos < text.size(); ++line) {
    auto nl = text.find('\n', pos);
    auto l = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (starts_with(l, "<<<<<<<") || starts_with(l, ">>>>>>>") || starts_with(l, "======="))
      throw Error(ExitCode::Input, fmt::format("{}:{}: unresolved merge conflict", source, line),
                  "keep one side of the conflict (or run 'mlops add' on the data you want) and commit");
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  YAML::Node root;
  try {
    root = load_yaml(std::string(text), source);
  } catch (const YAML::ParserException& e) {
    bad(source, e.mark, fmt::format("malformed YAML: {}", e.msg));
  }
  if (!root.IsMap()) bad(source, root.Mark(), "expected a mapping with path, id and size");
  Pointer p;
  bool have_path = false, have_id = false, have_size = false, have_files = false;
  for (const auto& kv : root) {
    std::string key = kv.first.as<std::string>("");
    const YAML::Node& v = kv.second;
    if (!v.IsScalar()) bad(source, v.Mark(), fmt::format("'{}' must be a single value", key));
    if (key == "path") {
      p.path = v.Scalar();
      have_path = true;
      if (std::string why = unwritable_reason(p.path); !why.empty())
        bad(source, v.Mark(), fmt::format("unsafe path '{}': {}", printable_path(p.path), why));
      if (p.path.find('/') != std::string::npos)
        bad(source, v.Mark(),
            fmt::format("unsafe path '{}': it must be the plain name of the data beside the pointer file",
                        printable_path(p.path)));
    } else if (key == "id") {
      have_id = true;
      try {
        p.id = ObjectId::parse(v.Scalar());
      } catch (const Error& e) {
        bad(source, v.Mark(), e.what());
      }
    } else if (key == "size") {
      p.size = parse_count(source, v, "size");
      have_size = true;
    } else if (key == "kind") {
      if (v.Scalar() == "dir") p.kind = Kind::Dir;
      else if (v.Scalar() == "file") p.kind = Kind::File;
      else bad(source, v.Mark(), fmt::format("unknown kind '{}' (expected file or dir)", v.Scalar()));
    } else if (key == "executable") {
      if (v.Scalar() != "true" && v.Scalar() != "false") bad(source, v.Mark(), "'executable' must be true or false");
      p.executable = v.Scalar() == "true";
    } else if (key == "files") {
      p.files = parse_count(source, v, "files");
      have_files = true;
    } else {
      bad(source, kv.first.Mark(), fmt::format("unknown field '{}'", key));
    }
  }
  if (!have_path) bad(source, root.Mark(), "missing field 'path'");
  if (!have_id) bad(source, root.Mark(), "missing field 'id'");
  if (!have_size) bad(source, root.Mark(), "missing field 'size'");
  if (p.kind == Kind::File && have_files && p.files != 1) bad(source, root.Mark(), "a file pointer has files: 1");
  if (p.kind == Kind::Dir && p.executable) bad(source, root.Mark(), "a folder's x bits are in its manifest, not 'executable'");
  return p;
}

}  // namespace mlops

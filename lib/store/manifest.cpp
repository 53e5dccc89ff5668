#include "store/manifest.hpp"

#include <algorithm>
#include <charconv>

#include "core/error.hpp"
#include "core/safe_tree.hpp"
#include "core/text.hpp"

namespace mlops {

std::uint64_t Manifest::total_size() const {
  std::uint64_t t = 0;
  for (const auto& e : entries) t += e.size;
  return t;
}

void Manifest::normalise() {
  std::sort(entries.begin(), entries.end(),
            [](const ManifestEntry& a, const ManifestEntry& b) { return a.path < b.path; });
  auto dup = std::adjacent_find(entries.begin(), entries.end(),
                                [](const auto& a, const auto& b) { return a.path == b.path; });
  if (dup != entries.end()) fail(ExitCode::Input, "duplicate path '{}' in a folder manifest", dup->path);
}

std::string Manifest::serialize() const {
  std::string out;
  out.reserve(entries.size() * 80);
  for (const auto& e : entries)
    fmt::format_to(std::back_inserter(out), "{} {} {} {}\n", e.id.str(), e.size,
                   e.executable ? "755" : "644", e.path);
  return out;
}

Manifest Manifest::parse(std::string_view text, std::string_view source) {
  Manifest m;
  std::size_t lineno = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    ++lineno;
    auto nl = text.find('\n', pos);
    if (nl == std::string_view::npos)
      fail(ExitCode::Input, "{}:{}: manifest line is not terminated", source, lineno);
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    auto bad = [&](std::string_view why) -> void {
      fail(ExitCode::Input, "{}:{}: {}", source, lineno, why);
    };
    auto s1 = line.find(' ');
    auto s2 = s1 == std::string_view::npos ? s1 : line.find(' ', s1 + 1);
    auto s3 = s2 == std::string_view::npos ? s2 : line.find(' ', s2 + 1);
    if (s3 == std::string_view::npos) bad("expected 'id size mode path'");
    ManifestEntry e;
    if (!ObjectId::try_parse(line.substr(0, s1), e.id)) bad("invalid object id");
    auto sz = line.substr(s1 + 1, s2 - s1 - 1);
    auto [p, ec] = std::from_chars(sz.data(), sz.data() + sz.size(), e.size);
    if (ec != std::errc() || p != sz.data() + sz.size() || sz.empty()) bad("invalid size");
    auto mode = line.substr(s2 + 1, s3 - s2 - 1);
    if (mode == "755") e.executable = true;
    else if (mode != "644") bad("invalid mode (expected 644 or 755)");
    e.path = std::string(line.substr(s3 + 1));
    if (std::string why = unwritable_reason(e.path); !why.empty())
      fail(ExitCode::Input, "{}:{}: unsafe path '{}' in manifest: {}", source, lineno, printable_path(e.path), why);
    if (e.path.ends_with(".mlops"))  // a pointer file inside a tracked folder would wedge every later command
      fail(ExitCode::Input, "{}:{}: '{}' in manifest is named like a pointer file", source, lineno, printable_path(e.path));
    if (!m.entries.empty() && !(m.entries.back().path < e.path)) bad("entries are not sorted and unique");
    m.entries.push_back(std::move(e));
  }
  // A file cannot also be a folder: "a" and "a/b" together would fail half-way
  // through a checkout. Everything starting with "a" sorts right after "a".
  auto& es = m.entries;
  for (std::size_t i = 0; i + 1 < es.size(); ++i) {
    if (!starts_with(es[i + 1].path, es[i].path)) continue;
    std::string as_dir = es[i].path + "/";
    auto it = std::lower_bound(es.begin() + static_cast<std::ptrdiff_t>(i) + 1, es.end(), as_dir,
                               [](const ManifestEntry& e, const std::string& p) { return e.path < p; });
    if (it != es.end() && starts_with(it->path, as_dir))
      fail(ExitCode::Input, "{}:{}: '{}' is listed as a file and also holds '{}'", source, i + 1,
           printable_path(es[i].path), printable_path(it->path));
  }
  return m;
}

const ManifestEntry* Manifest::find(std::string_view path) const {
  auto it = std::lower_bound(entries.begin(), entries.end(), path,
                             [](const ManifestEntry& e, std::string_view p) { return e.path < p; });
  return it != entries.end() && it->path == path ? &*it : nullptr;
}

}  // namespace mlops

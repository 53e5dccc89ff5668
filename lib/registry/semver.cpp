#include "registry/semver.hpp"

#include <charconv>
#include <vector>

#include "core/error.hpp"

namespace mlops {

namespace {

// A numeric identifier: digits, no leading zero.
bool number(std::string_view s, std::uint64_t& out) {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    auto at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

// Dot-separated identifiers of [0-9A-Za-z-], none empty; numeric ones without leading zeros.
bool identifiers(std::string_view s, bool numeric_rule) {
  for (auto id : split(s, '.')) {
    if (id.empty()) return false;
    bool digits = true;
    for (char c : id) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
      digits &= std::isdigit(static_cast<unsigned char>(c)) != 0;
    }
    if (numeric_rule && digits && id.size() > 1 && id[0] == '0') return false;
  }
  return true;
}

}  // namespace

std::optional<SemVer> SemVer::parse(std::string_view text) {
  if (!text.empty() && text[0] == 'v') text.remove_prefix(1);
  SemVer v;
  if (auto plus = text.find('+'); plus != std::string_view::npos) {
    v.build = text.substr(plus + 1);
    if (!identifiers(v.build, false)) return std::nullopt;
    text = text.substr(0, plus);
  }
  if (auto dash = text.find('-'); dash != std::string_view::npos) {
    v.pre = text.substr(dash + 1);
    if (!identifiers(v.pre, true)) return std::nullopt;
    text = text.substr(0, dash);
  }
  auto core = split(text, '.');
  if (core.size() != 3 || !number(core[0], v.major) || !number(core[1], v.minor) || !number(core[2], v.patch))
    return std::nullopt;
  return v;
}

std::string SemVer::str() const {
  std::string s = fmt::format("{}.{}.{}", major, minor, patch);
  if (!pre.empty()) s += "-" + pre;
  if (!build.empty()) s += "+" + build;
  return s;
}

std::strong_ordering SemVer::operator<=>(const SemVer& o) const {
  if (auto c = std::tie(major, minor, patch) <=> std::tie(o.major, o.minor, o.patch); c != 0) return c;
  if (pre.empty() || o.pre.empty()) return pre.empty() <=> o.pre.empty();  // a release follows its pre-releases
  auto a = split(pre, '.'), b = split(o.pre, '.');
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    std::uint64_t x = 0, y = 0;
    bool nx = number(a[i], x), ny = number(b[i], y);
    if (nx && ny) {
      if (x != y) return x <=> y;
    } else if (nx != ny) {
      return nx ? std::strong_ordering::less : std::strong_ordering::greater;  // numbers before words
    } else if (auto c = a[i].compare(b[i]); c != 0) {
      return c < 0 ? std::strong_ordering::less : std::strong_ordering::greater;
    }
  }
  return a.size() <=> b.size();
}

SemVer SemVer::bumped(std::string_view part) const {
  SemVer v{major, minor, patch, "", ""};
  // A pre-release of X.0.0 (or X.Y.0) bumps to its release, as npm's semver does.
  if (part == "major") return !pre.empty() && minor == 0 && patch == 0 ? v : SemVer{major + 1, 0, 0, "", ""};
  if (part == "minor") return !pre.empty() && patch == 0 ? v : SemVer{major, minor + 1, 0, "", ""};
  if (part == "patch") {
    if (pre.empty()) ++v.patch;  // 1.2.3-rc.1 -> 1.2.3
    return v;
  }
  fail(ExitCode::Usage, "--bump takes major, minor or patch, not '{}'", part);
}

}  // namespace mlops

#include "registry/registry_tags.hpp"

#include <charconv>

#include <fmt/format.h>

#include "registry/semver.hpp"

namespace mlops {

namespace {

constexpr std::string_view kRecordMark = "mlops-registry: ";

bool valid_model(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '/')) return false;
  return true;
}

bool valid_label(std::string_view s) {
  if (s.empty() || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

// "LABEL#N" or "LABEL!#N" after the model's separator.
std::optional<RegistryTag> numbered(std::string_view model, std::string_view rest, bool stage) {
  auto hash = rest.rfind('#');
  if (hash == std::string_view::npos) return std::nullopt;
  std::string_view label = rest.substr(0, hash), num = rest.substr(hash + 1);
  bool removed = label.ends_with('!');
  if (removed) label.remove_suffix(1);
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), n);
  if (num.empty() || ec != std::errc() || p != num.data() + num.size() || n <= 0 || !valid_label(label))
    return std::nullopt;
  using K = RegistryTag::Kind;
  K kind = stage ? (removed ? K::Unassign : K::Assign) : (removed ? K::Unalias : K::Alias);
  return RegistryTag{kind, std::string(model), std::string(label), n};
}

}  // namespace

std::string register_tag_name(const std::string& model, const std::string& version) {
  return fmt::format("{}@v{}", model, version);
}

std::string stage_tag_name(const std::string& model, const std::string& stage, std::int64_t n, bool removed) {
  return fmt::format("{}#{}{}#{}", model, stage, removed ? "!" : "", n);
}

std::string alias_tag_name(const std::string& model, const std::string& alias, std::int64_t n, bool removed) {
  return fmt::format("{}@{}{}#{}", model, alias, removed ? "!" : "", n);
}

std::optional<RegistryTag> parse_registry_tag(std::string_view name) {
  auto sep = name.find_first_of("@#");
  if (sep == std::string_view::npos || !valid_model(name.substr(0, sep))) return std::nullopt;
  std::string_view model = name.substr(0, sep), rest = name.substr(sep + 1);
  if (name[sep] == '#') return numbered(model, rest, true);
  if (rest.starts_with('v') && rest.find('#') == std::string_view::npos) {
    auto v = SemVer::parse(rest);
    if (!v) return std::nullopt;
    return RegistryTag{RegistryTag::Kind::Register, std::string(model), v->str(), 0};
  }
  return numbered(model, rest, false);
}

std::string tag_message(const std::string& headline, const nlohmann::json& record) {
  return fmt::format("{}\n\n{}{}\n", headline, kRecordMark, record.dump());
}

std::optional<nlohmann::json> tag_record(std::string_view message) {
  auto at = message.find(kRecordMark);
  if (at == std::string_view::npos) return std::nullopt;
  auto start = at + kRecordMark.size();
  auto end = message.find('\n', start);
  auto j = nlohmann::json::parse(message.substr(start, end == std::string_view::npos ? end : end - start), nullptr,
                                 false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

}  // namespace mlops

#include "registry/registry_tags.hpp"

#include <charconv>
#include <type_traits>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/json_number.hpp"
#include "core/hash.hpp"
#include "core/text.hpp"
#include "registry/model_ref.hpp"
#include "registry/registry_store.hpp"
#include "registry/semver.hpp"

namespace mlops {

namespace {

constexpr std::string_view kRecordMark = "mlops-registry: ";

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
  if (sep == std::string_view::npos || !is_model_name(name.substr(0, sep))) return std::nullopt;
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
  // A description or tag that is not UTF-8 is not worth a failed registration.
  return fmt::format("{}\n\n{}{}\n", headline, kRecordMark,
                     record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

namespace {

using nlohmann::json;

[[noreturn]] void bad_record(std::string_view tag, const std::string& why) {
  throw Error(ExitCode::Input, fmt::format("tag {}: {}", tag, why),
              fmt::format("it was not made by mlops, or was changed since: delete it (git tag -d {}) and sync again",
                          tag));
}

// A value for a message: short, and printable whatever it holds.
std::string shown(const json& v) {
  std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  return s.size() > 40 ? s.substr(0, 37) + "..." : s;
}

const json* field(const json& record, const char* key) {
  auto it = record.find(key);
  return it == record.end() || it->is_null() ? nullptr : &*it;
}

std::string text(const json& record, const char* key, std::string_view tag, const std::string& fallback) {
  const json* v = field(record, key);
  if (!v) return fallback;
  if (!v->is_string()) bad_record(tag, fmt::format("'{}' in its mlops record must be text, not {}", key, shown(*v)));
  return v->get<std::string>();
}

// Text to text, or text to numbers (Value double).
template <typename Value>
std::map<std::string, Value> mapping(const json& record, const char* key, std::string_view tag) {
  constexpr bool numbers = std::is_same_v<Value, double>;
  std::map<std::string, Value> out;
  const json* v = field(record, key);
  if (!v) return out;
  bool ok = v->is_object();
  if (ok)
    for (const auto& [k, x] : v->items()) ok &= numbers ? number_from_json(x).has_value() : x.is_string();
  if (!ok)
    bad_record(tag, fmt::format("'{}' in its mlops record must map names to {}, not {}", key, numbers ? "numbers" : "text",
                                shown(*v)));
  if constexpr (numbers) {
    for (const auto& [k, x] : v->items()) out[k] = *number_from_json(x);
    return out;
  } else {
    return v->get<std::map<std::string, Value>>();
  }
}

}  // namespace

std::optional<nlohmann::json> tag_record(std::string_view message, std::string_view tag) {
  auto at = message.find(kRecordMark);
  if (at == std::string_view::npos) return std::nullopt;
  auto start = at + kRecordMark.size();
  auto end = message.find('\n', start);
  auto j = json::parse(message.substr(start, end == std::string_view::npos ? end : end - start), nullptr, false);
  if (j.is_discarded() || !j.is_object()) bad_record(tag, "its mlops record is not a JSON object");
  return j;
}

void read_version_record(const nlohmann::json& record, std::string_view tag, ModelVersion& v) {
  for (const char* required : {"path", "object_id", "size", "kind"})
    if (!field(record, required)) bad_record(tag, fmt::format("its mlops record has no '{}'", required));
  v.path = text(record, "path", tag, "");
  if (!is_safe_relative_path(v.path))
    bad_record(tag, fmt::format("unsafe path '{}' in its mlops record", printable_path(v.path)));
  v.object_id = text(record, "object_id", tag, "");
  try {
    v.object_id = ObjectId::parse(v.object_id).str();
  } catch (const Error& e) {
    bad_record(tag, fmt::format("'object_id' in its mlops record: {}", e.what()));
  }
  const json& size = *field(record, "size");
  if (!size.is_number_unsigned())
    bad_record(tag, fmt::format("'size' in its mlops record must be a whole number of bytes, not {}", shown(size)));
  v.size = size.get<std::uint64_t>();
  v.kind = text(record, "kind", tag, "");
  if (v.kind != "file" && v.kind != "dir")
    bad_record(tag, fmt::format("'kind' in its mlops record must be file or dir, not {}", shown(*field(record, "kind"))));
  v.run_id = text(record, "run_id", tag, "");
  v.description = text(record, "description", tag, "");
  v.author = text(record, "author", tag, v.author);
  if (const json* at = field(record, "created_at")) {
    if (!at->is_number_integer())
      bad_record(tag, fmt::format("'created_at' in its mlops record must be a time in ms, not {}", shown(*at)));
    v.created_at = at->get<std::int64_t>();
  }
  v.tags = mapping<std::string>(record, "tags", tag);
  v.metrics = mapping<double>(record, "metrics", tag);
  v.data = mapping<std::string>(record, "data", tag);
  for (const auto& [path, id] : v.data) {
    try {
      (void)ObjectId::parse(id);
    } catch (const Error& e) {
      bad_record(tag, fmt::format("'data' in its mlops record: {}", e.what()));
    }
  }
}

std::string record_version(const nlohmann::json& record, std::string_view tag) {
  return text(record, "version", tag, "");
}

}  // namespace mlops

#include "registry/model_ref.hpp"

#include <cctype>

#include "core/error.hpp"
#include "core/text.hpp"
#include "registry/semver.hpp"

namespace mlops {

namespace {
bool lower_or_digit(char c) { return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)); }
}  // namespace

bool is_model_name(std::string_view name) {
  bool ok = !name.empty() && lower_or_digit(name.front()) && lower_or_digit(name.back());
  for (char c : name) ok &= lower_or_digit(c) || c == '-' || c == '/';
  return ok && name.find("//") == std::string_view::npos;
}

void check_model_name(std::string_view name) {
  if (!is_model_name(name))
    fail(ExitCode::Usage,
         "'{}' is not a model name: use lowercase letters, digits, '-' and '/', starting and ending with a letter "
         "or digit (as GTO does)",
         name);
}

void check_label(std::string_view what, std::string_view label) {
  bool ok = !label.empty() && std::islower(static_cast<unsigned char>(label.front()));
  for (char c : label) ok &= lower_or_digit(c) || c == '-';
  ok &= label.empty() || label.back() != '-';  // as model names: no trailing '-'
  if (!ok)
    fail(ExitCode::Usage,
         "'{}' is not a{} {} name: use a lowercase letter, then lowercase letters, digits and '-' (not last)",
         printable_path(label), std::string_view("aeiou").find(what.empty() ? 'x' : what.front()) != std::string_view::npos ? "n" : "",
         what);
  if (what == std::string_view("alias") && label.size() > 1 && label[0] == 'v' && std::isdigit(static_cast<unsigned char>(label[1])))
    fail(ExitCode::Usage, "alias '{}' looks like a version; pick another name", label);
}

ModelRef parse_model_ref(std::string_view text) {
  ModelRef ref;
  auto at = text.find_first_of("@#:");
  ref.model = std::string(text.substr(0, at));
  check_model_name(ref.model);
  if (at == std::string_view::npos) return ref;
  std::string_view rest = text.substr(at + 1);
  switch (text[at]) {
    case '@': {
      auto v = SemVer::parse(rest);
      if (!v) fail(ExitCode::Usage, "'{}' in {} is not a semantic version such as 1.2.0", rest, text);
      ref.kind = ModelRef::Kind::Version;
      ref.value = v->str();
      break;
    }
    case '#':
      check_label("stage", rest);
      ref.kind = ModelRef::Kind::Stage;
      ref.value = std::string(rest);
      break;
    default:
      check_label("alias", rest);
      ref.kind = ModelRef::Kind::Alias;
      ref.value = std::string(rest);
  }
  return ref;
}

}  // namespace mlops

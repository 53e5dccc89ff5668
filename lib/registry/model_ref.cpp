#include "registry/model_ref.hpp"

#include <algorithm>

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
    throw Error(ExitCode::Usage,
                fmt::format("'{}' is not a model name: use lowercase letters, digits, '-' and '/', starting and ending "
                            "with a letter or digit (as GTO does)",
                            name),
                "mlops import mlflow names MLflow's models so (\"Iris Classifier\" is iris-classifier): mlops model list");
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
      if (!v) {
        // MLflow's NAME@ALIAS and NAME/3 habits: say what mlops calls them.
        bool digits = !rest.empty() && std::all_of(rest.begin(), rest.end(), [](char c) { return c >= '0' && c <= '9'; });
        std::string hint = digits ? fmt::format("versions are semantic: {}@{}.0.0 (an imported MLflow version {} is {}.0.0)",
                                                ref.model, rest, rest, rest)
                                  : fmt::format("an alias is {}:{}, a stage {}#{}", ref.model, rest, ref.model, rest);
        throw Error(ExitCode::Usage, fmt::format("'{}' in {} is not a semantic version such as 1.2.0", rest, text), hint);
      }
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

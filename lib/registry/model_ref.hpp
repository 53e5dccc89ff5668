#pragma once
// Naming models and their versions on the command line:
//   NAME            the latest version
//   NAME@VERSION    a version (1.2.0 or v1.2.0)
//   NAME#STAGE      the version in a stage (the newest, if several)
//   NAME:ALIAS      the version an alias points to
// Model names follow GTO: lowercase letters, digits, '-' and '/', starting
// and ending with a letter or digit. Stages and aliases: a lowercase letter,
// then lowercase letters, digits and '-', not ending with '-'.
#include <string>
#include <string_view>

namespace mlops {

struct ModelRef {
  enum class Kind { Latest, Version, Stage, Alias };
  std::string model;
  Kind kind = Kind::Latest;
  std::string value;  // the version (without "v"), stage or alias
};

// Throws Error(Usage) saying what is wrong with the text.
ModelRef parse_model_ref(std::string_view text);
bool is_model_name(std::string_view name);
void check_model_name(std::string_view name);
// `what` is "stage" or "alias"; aliases must not look like versions.
void check_label(std::string_view what, std::string_view label);

}  // namespace mlops

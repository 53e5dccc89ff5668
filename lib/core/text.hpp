#pragma once
// Small text checks shared by every parser and by the path checks.
#include <string>
#include <string_view>

namespace mlops {

bool is_valid_utf8(std::string_view s);
// A file name printable in messages, JSON and YAML: bytes that are not valid
// UTF-8, and control characters, shown as \xNN.
std::string printable_path(std::string_view s);
// True when s has a byte below 0x20 or 0x7f (newlines would break manifests).
bool has_control_chars(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);

}  // namespace mlops

namespace mlops {
// A repository-relative path that is safe to write: not empty, not absolute, no
// "." or ".." or empty components, no control characters, valid UTF-8.
bool is_safe_relative_path(std::string_view p);
}  // namespace mlops

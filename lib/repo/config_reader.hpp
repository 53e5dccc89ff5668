#pragma once
// A reader for git-config files, so that reading .mlops/config does not pay for
// git_libgit2_init (about 4 ms here: libgit2 loads every CA certificate at init).
// Writes still go through libgit2; a unit test holds this reader to libgit2's
// reading of the same files.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mlops {

struct ConfigEntries {
  // (name, value) in file order; names are "section.key" or
  // "section.subsection.key" with section and key lower-cased.
  std::vector<std::pair<std::string, std::string>> entries;
  // include/includeIf sections are not followed: a caller seeing this falls
  // back to libgit2.
  bool has_includes = false;
  std::optional<std::string> last(std::string_view name) const;
};

// Throws Error(Repo) naming `source` and the line on malformed input.
ConfigEntries parse_git_config(std::string_view text, std::string_view source);

}  // namespace mlops

#pragma once
// Semantic versions (semver.org 2.0): MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD],
// ordered by precedence (build metadata ignored, a pre-release before its release).
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mlops {

struct SemVer {
  std::uint64_t major = 0, minor = 0, patch = 0;
  std::string pre, build;

  // "1.2.3", "v1.2.3", "1.0.0-rc.1+abc"; nullopt when it is not semver.
  static std::optional<SemVer> parse(std::string_view text);
  std::string str() const;  // without a leading "v"
  std::strong_ordering operator<=>(const SemVer& o) const;
  bool operator==(const SemVer& o) const { return (*this <=> o) == 0; }
  // "major", "minor" or "patch": the next such release; throws Error(Usage) otherwise.
  SemVer bumped(std::string_view part) const;
};

}  // namespace mlops

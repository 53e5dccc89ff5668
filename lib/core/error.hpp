#pragma once
// mlops::Error: a message a user can act on, plus the class that picks the exit code.
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace mlops {

// Exit codes are a promise to scripts; they are documented in mlops(1).
enum class ExitCode : int {
  Ok = 0,
  CheckFailed = 1,   // a check said no (status --exit-code with changes)
  Usage = 2,         // bad command line
  Repo = 3,          // not a repository, already initialised, bad config
  Input = 4,         // malformed pointer/manifest file, unsafe path, bad file name
  Conflict = 5,      // would overwrite or lose local modifications
  Io = 6,            // file unreadable, changed or vanished while read, disk full
  Missing = 7,       // object missing from the store or corrupt
  Remote = 8,        // a remote is unreachable, refuses, or holds a corrupt object
  StageFailed = 9,   // a pipeline stage's command failed
  Internal = 70,     // a bug: please report
};

class Error : public std::runtime_error {
public:
  Error(ExitCode code, std::string message, std::string hint = {})
      : std::runtime_error(std::move(message)), code_(code), hint_(std::move(hint)) {}
  ExitCode code() const noexcept { return code_; }
  const std::string& hint() const noexcept { return hint_; }

private:
  ExitCode code_;
  std::string hint_;
};

// Throws Error(code, formatted message).
template <typename... Args>
[[noreturn]] void fail(ExitCode code, fmt::format_string<Args...> f, Args&&... args) {
  throw Error(code, fmt::format(f, std::forward<Args>(args)...));
}

// Error from errno for an operation on a path: "cannot open data/x: Permission denied".
[[noreturn]] void fail_errno(const std::string& what, const std::string& path, int err);

}  // namespace mlops

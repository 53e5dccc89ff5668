#pragma once
// mlops.lock: what `mlops run` last ran for each stage — its command, the ids
// of its dependencies and outputs, and its params — in a stable order, for git.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlops {

class Repo;

struct LockedPath {
  std::string path, id, kind;  // kind: "file" or "dir"
  std::uint64_t size = 0;
  bool operator==(const LockedPath&) const = default;
};

struct LockEntry {
  std::string cmd;
  std::vector<LockedPath> deps, outs;  // by path
  std::map<std::string, std::map<std::string, std::string>> params;  // file -> key -> value
  std::map<std::string, std::string> env;                           // the stage's env
};

constexpr const char* kLockFile = "mlops.lock";

// Empty when there is no lock file; Error(Input) naming the line when it is
// malformed: every path is checked as one mlops may write (core/safe_tree).
std::map<std::string, LockEntry> read_lock(Repo& repo);
// The same from the file's text.
std::map<std::string, LockEntry> parse_lock(const std::string& text);
// Atomically replaces mlops.lock.
void write_lock(Repo& repo, const std::map<std::string, LockEntry>& entries);

}  // namespace mlops

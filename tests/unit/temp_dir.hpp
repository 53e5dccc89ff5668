#pragma once
// A fresh directory per test, removed afterwards.
#include <string>

#include "core/fs.hpp"

namespace mlops::test {

class TempDir {
public:
  TempDir();
  ~TempDir();
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& rel) const { return path_ / rel; }
  // Writes a file (creating parent folders).
  void write(const std::string& rel, const std::string& content) const;

private:
  fs::path path_;
};

}  // namespace mlops::test

#pragma once
// Follows a file that another process appends lines to (a run's metrics file,
// its journal): each call returns what was appended since the previous one,
// whole lines only unless the writer is known to be done.
#include <cstdint>
#include <string>

#include "core/fs.hpp"

namespace mlops {

class FileTail {
public:
  explicit FileTail(fs::path file) : file_(std::move(file)) {}

  // The complete lines appended since the last call ("" when none). With
  // `final`, also a last line without its newline. A missing file reads as
  // empty. The text may be read through `fd` when the caller already holds
  // the file open (and locked).
  std::string read_new(bool final, int fd = -1);

  const fs::path& file() const { return file_; }
  // Number of the first line the next read_new returns.
  std::size_t next_line() const { return line_; }

private:
  fs::path file_;
  std::uint64_t offset_ = 0;  // bytes already returned
  std::size_t line_ = 1;
};

}  // namespace mlops

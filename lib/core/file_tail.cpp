#include "core/file_tail.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "core/error.hpp"

namespace mlops {

std::string FileTail::read_new(bool final, int fd) {
  UniqueFd own;
  if (fd < 0) {
    auto st = lstat_path(file_);
    if (!st || st->size <= offset_) return {};
    own = open_read(file_);
    fd = own.get();
  }
  std::uint64_t size = fstat_fd(fd, file_).size;
  if (size <= offset_) return {};
  std::string chunk(size - offset_, '\0');
  std::size_t got = 0;
  while (got < chunk.size()) {
    ssize_t n = ::pread(fd, chunk.data() + got, chunk.size() - got, static_cast<off_t>(offset_ + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno("read", file_.string(), errno);
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  chunk.resize(got);
  if (!final) chunk.resize(chunk.rfind('\n') == std::string::npos ? 0 : chunk.rfind('\n') + 1);
  offset_ += chunk.size();
  line_ += static_cast<std::size_t>(std::count(chunk.begin(), chunk.end(), '\n'));
  return chunk;
}

}  // namespace mlops

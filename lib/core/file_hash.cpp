#include "core/file_hash.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "core/error.hpp"

namespace mlops {

char* thread_read_buffer() {
  thread_local std::unique_ptr<char[]> buf(new char[kReadChunk]);
  return buf.get();
}

std::size_t read_full(int fd, char* buf, std::size_t n, const fs::path& p) {
  std::size_t got = 0;
  while (got < n) {
    ssize_t r = ::read(fd, buf + got, n - got);
    if (r < 0) {
      if (errno == EINTR) continue;
      fail_errno("read", p.string(), errno);
    }
    if (r == 0) break;
    got += static_cast<std::size_t>(r);
  }
  return got;
}

ObjectId hash_file(const fs::path& p, HashAlgo algo, FileStat* st_out) {
  UniqueFd fd = open_read(p);
  FileStat before = fstat_fd(fd.get(), p);
  ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  Hasher h(algo);
  char* buf = thread_read_buffer();
  std::uint64_t total = 0;
  std::size_t n;
  while ((n = read_full(fd.get(), buf, kReadChunk, p)) > 0) {
    h.update(buf, n);
    total += n;
  }
  FileStat after = fstat_fd(fd.get(), p);
  if (!after.same_as(before) || total != before.size)
    throw Error(ExitCode::Io, fmt::format("{} changed while being read", p.string()),
                "run the command again once nothing is writing to it");
  if (st_out) *st_out = before;
  return h.finish();
}

}  // namespace mlops

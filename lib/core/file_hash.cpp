#include "core/file_hash.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
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

void read_chunks(int fd, std::uint64_t size, const fs::path& p,
                 const std::function<void(const char*, std::size_t, bool)>& fn, std::uint64_t from) {
  static const std::unique_ptr<char[]> zeros(new char[kReadChunk]());
  char* buf = thread_read_buffer();
  const auto end = static_cast<off_t>(size);
  auto pos = static_cast<off_t>(from);
  while (pos < end) {
    off_t data = ::lseek(fd, pos, SEEK_DATA);
    if (data < 0) data = errno == ENXIO ? end : pos;  // ENXIO: only a hole remains
    off_t hole = data < end ? ::lseek(fd, data, SEEK_HOLE) : end;
    if (hole < 0 || hole > end) hole = end;
    for (; pos < data;) {
      auto n = static_cast<std::size_t>(std::min<off_t>(data - pos, static_cast<off_t>(kReadChunk)));
      fn(zeros.get(), n, true);
      pos += static_cast<off_t>(n);
    }
    while (pos < hole) {
      auto want = static_cast<std::size_t>(std::min<off_t>(hole - pos, static_cast<off_t>(kReadChunk)));
      ssize_t r = ::pread(fd, buf, want, pos);
      if (r < 0) {
        if (errno == EINTR) continue;
        fail_errno("read", p.string(), errno);
      }
      if (r == 0) return;  // shrank: the caller's stat check reports it
      fn(buf, static_cast<std::size_t>(r), false);
      pos += r;
    }
  }
}

namespace {
bool all_zero(const char* p, std::size_t n) { return n == 0 || (p[0] == 0 && std::memcmp(p, p + 1, n - 1) == 0); }
}  // namespace

void write_sparse(int fd, const char* buf, std::size_t n, bool hole, const fs::path& for_errors) {
  if (hole || all_zero(buf, n)) {
    if (::lseek(fd, static_cast<off_t>(n), SEEK_CUR) < 0) fail_errno("seek in", for_errors.string(), errno);
  } else {
    write_all(fd, buf, n, for_errors);
  }
}

ObjectId hash_file(const fs::path& p, HashAlgo algo, FileStat* st_out, const FileStat* expected) {
  UniqueFd fd = open_read(p);
  // One fstat fewer per file when the caller already has the listing's stat.
  FileStat before = expected ? *expected : fstat_fd(fd.get(), p);
  Hasher h(algo);
  std::uint64_t total = 0;
  if (before.size < kReadChunk) {  // one read; the extra byte shows growth
    char* buf = thread_read_buffer();
    total = read_full(fd.get(), buf, static_cast<std::size_t>(before.size) + 1, p);
    h.update(buf, total);
  } else {
    ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
    read_chunks(fd.get(), before.size, p, [&](const char* data, std::size_t n, bool) {
      h.update(data, n);
      total += n;
    });
  }
  FileStat after = fstat_fd(fd.get(), p);
  if (!after.same_as(before) || total != before.size)
    throw Error(ExitCode::Io, fmt::format("{} changed while being read", p.string()),
                "run the command again once nothing is writing to it");
  if (st_out) *st_out = before;
  return h.finish();
}

}  // namespace mlops

#include "core/hashing_copy.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "core/error.hpp"
#include "core/file_hash.hpp"

namespace mlops {

ObjectId copy_hashing(int in, int out, std::uint64_t size, HashAlgo algo, const fs::path& src, const fs::path& dest) {
  Hasher h(algo);
  std::uint64_t total = 0;
  if (size < kReadChunk) {  // one read, no hole probing
    char* buf = thread_read_buffer();
    total = read_full(in, buf, static_cast<std::size_t>(size), src);
    h.update(buf, total);
    write_all(out, buf, total, dest);
  } else {
    ::posix_fadvise(in, 0, 0, POSIX_FADV_SEQUENTIAL);
    read_chunks(in, size, src, [&](const char* data, std::size_t n, bool hole) {
      h.update(data, n);
      total += n;
      write_sparse(out, data, n, hole, dest);
    });
  }
  if (total != size)
    throw Error(ExitCode::Io, fmt::format("{} shrank while being copied", src.string()),
                "run the command again once nothing is writing to it");
  if (::ftruncate(out, static_cast<off_t>(size)) != 0) fail_errno("write", dest.string(), errno);  // a trailing hole
  return h.finish();
}

}  // namespace mlops

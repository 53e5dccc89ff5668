#include "core/hashing_copy.hpp"

#include <unistd.h>

#include <cerrno>

#include "core/error.hpp"
#include "core/file_hash.hpp"

namespace mlops {

ObjectId copy_hashing(int in, int out, std::uint64_t size, HashAlgo algo, const fs::path& src, const fs::path& dest) {
  Hasher h(algo);
  std::uint64_t total = 0;
  read_chunks(in, size, src, [&](const char* data, std::size_t n, bool hole) {
    h.update(data, n);
    total += n;
    if (!hole) write_all(out, data, n, dest);
    else if (::lseek(out, static_cast<off_t>(n), SEEK_CUR) < 0) fail_errno("write", dest.string(), errno);
  });
  if (total != size)
    throw Error(ExitCode::Io, fmt::format("{} shrank while being copied", src.string()),
                "run the command again once nothing is writing to it");
  if (::ftruncate(out, static_cast<off_t>(size)) != 0) fail_errno("write", dest.string(), errno);  // a trailing hole
  return h.finish();
}

}  // namespace mlops

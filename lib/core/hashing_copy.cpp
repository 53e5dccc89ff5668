#include "core/hashing_copy.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <exception>
#include <optional>
#include <system_error>
#include <thread>

#include "core/error.hpp"
#include "core/file_hash.hpp"

namespace mlops {

namespace {

// Below this, a second thread costs more than it saves.
constexpr std::uint64_t kKernelCopyMin = 16u << 20;

[[noreturn]] void shrank(const fs::path& src) {
  throw Error(ExitCode::Io, fmt::format("{} shrank while being copied", src.string()),
              "run the command again once nothing is writing to it");
}

// Whether the first hole of the file is at its end.
bool without_holes(int fd, std::uint64_t size) {
  off_t hole = ::lseek(fd, 0, SEEK_HOLE);
  return hole >= 0 && static_cast<std::uint64_t>(hole) >= size;
}

// Copies [from, size) of `in` to the same offsets of `out` in the kernel;
// returns where it stopped (short of size when the source shrank). With
// `probe`, returns 0 instead of failing when the kernel cannot copy between
// these files at all (another filesystem on an old kernel, a filesystem
// without support).
std::uint64_t kernel_copy(int in, int out, std::uint64_t from, std::uint64_t size, const fs::path& dest,
                          bool probe) {
  auto off_in = static_cast<off_t>(from), off_out = static_cast<off_t>(from);
  while (static_cast<std::uint64_t>(off_in) < size) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(size - off_in, 1u << 30));
    ssize_t n = ::copy_file_range(in, &off_in, out, &off_out, want, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && probe && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) return 0;
    if (n < 0) fail_errno("write", dest.string(), errno);
    if (n == 0) break;
    probe = false;
  }
  return static_cast<std::uint64_t>(off_in);
}

// The large-file path: nullopt when the kernel cannot copy these files.
std::optional<ObjectId> copy_hashing_in_kernel(int in, int out, std::uint64_t size, HashAlgo algo,
                                               const fs::path& src, const fs::path& dest) {
  // The first piece here: it says whether the kernel can copy at all.
  constexpr std::uint64_t kProbe = 1u << 20;
  std::uint64_t probed = kernel_copy(in, out, 0, kProbe, dest, /*probe=*/true);
  if (probed == 0) return std::nullopt;
  if (probed < kProbe) shrank(src);
  std::uint64_t copied = 0;
  std::exception_ptr copy_failed;
  auto copy_rest = [&] {
    try {
      copied = kernel_copy(in, out, kProbe, size, dest, false);
    } catch (...) {
      copy_failed = std::current_exception();
    }
  };
  std::optional<std::thread> copier;
  try {
    copier.emplace(copy_rest);
  } catch (const std::system_error&) {
    copy_rest();  // no thread to be had: one after the other
  }
  Hasher h(algo);
  std::uint64_t total = 0;
  try {
    read_chunks(in, size, src, [&](const char* data, std::size_t n, bool) {
      h.update(data, n);
      total += n;
    });
  } catch (...) {
    if (copier) copier->join();
    throw;
  }
  if (copier) copier->join();
  if (copy_failed) std::rethrow_exception(copy_failed);
  if (total != size || copied != size) shrank(src);
  return h.finish();
}

}  // namespace

ObjectId copy_hashing(int in, int out, std::uint64_t size, HashAlgo algo, const fs::path& src, const fs::path& dest) {
  if (size >= kKernelCopyMin) ::posix_fadvise(in, 0, 0, POSIX_FADV_SEQUENTIAL);
  if (size >= kKernelCopyMin && without_holes(in, size))
    if (auto id = copy_hashing_in_kernel(in, out, size, algo, src, dest)) return *id;
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
  if (total != size) shrank(src);
  if (::ftruncate(out, static_cast<off_t>(size)) != 0) fail_errno("write", dest.string(), errno);  // a trailing hole
  return h.finish();
}

}  // namespace mlops

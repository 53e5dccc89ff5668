#include "core/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>

#include "core/error.hpp"

namespace mlops {

FileLock::FileLock(const fs::path& file, Mode mode) {
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);  // e.g. a read-only shared store
  if (fd < 0) fail_errno("open", file.string(), errno);
  fd_.reset(fd);
  lock_fd(fd, mode, file);
}

bool lock_held(const fs::path& file) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return false;
  return ::flock(fd.get(), LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
}

void lock_fd(int fd, FileLock::Mode mode, const fs::path& for_errors) {
  while (::flock(fd, mode == FileLock::Mode::Exclusive ? LOCK_EX : LOCK_SH) != 0)
    if (errno != EINTR) fail_errno("lock", for_errors.string(), errno);
}

}  // namespace mlops

#pragma once
// An flock on a lock file, held for the object's lifetime. Each FileLock opens
// the file anew, so two of them conflict even within one process (threads).
#include "core/fd.hpp"
#include "core/fs.hpp"

namespace mlops {

class FileLock {
public:
  enum class Mode { Shared, Exclusive };
  // Creates the file if needed (or opens it read-only, for a shared lock in a
  // read-only place) and blocks until the lock is granted.
  FileLock(const fs::path& file, Mode mode);

private:
  UniqueFd fd_;  // closing it releases the lock
};

// True while some process holds a lock on `file` (false when it is missing).
bool lock_held(const fs::path& file);

// Blocks until `fd` (a file opened by the caller) is locked; released when
// the file is closed.
void lock_fd(int fd, FileLock::Mode mode, const fs::path& for_errors);

}  // namespace mlops

#pragma once
// An flock on the store: writers (add, checkout) share it, gc takes it alone,
// so gc never deletes an object an add has just written but not yet named in
// a pointer file.
#include "core/fd.hpp"
#include "core/fs.hpp"

namespace mlops {

class StoreLock {
public:
  enum class Mode { Shared, Exclusive };
  // Blocks until the lock is granted.
  StoreLock(const fs::path& store_dir, Mode mode);

private:
  UniqueFd fd_;  // closing it releases the lock
};

}  // namespace mlops

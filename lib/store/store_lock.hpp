#pragma once
// An flock on the store: writers (add, checkout) share it, gc takes it alone,
// so gc never deletes an object an add has just written but not yet named in
// a pointer file.
#include "core/file_lock.hpp"

namespace mlops {

class StoreLock : public FileLock {
public:
  StoreLock(const fs::path& store_dir, Mode mode) : FileLock(store_dir / "lock", mode) {}
};

}  // namespace mlops

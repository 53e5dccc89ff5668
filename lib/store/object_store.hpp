#pragma once
// The content-addressed store: objects/ab/cdef… files, read-only, written through
// tmp/ and a rename so that a crash never leaves half an object under its name.
#include <string>
#include <string_view>

#include "core/fs.hpp"
#include "core/hash.hpp"

namespace mlops {

class ObjectStore {
public:
  ObjectStore(fs::path objects_dir, fs::path tmp_dir, HashAlgo algo);

  HashAlgo algo() const { return algo_; }
  const fs::path& objects_dir() const { return objects_; }
  fs::path path_of(const ObjectId& id) const;
  bool has(const ObjectId& id) const;

  struct Stored {
    ObjectId id;
    FileStat st;       // the source file's stat, taken while it was open
    bool written = false;  // false when the store already had the object
  };
  // Reads `src` once, hashing and (when new) writing it from the same buffer.
  // Throws Error(Io) when the file changes or vanishes while being read.
  Stored put_file(const fs::path& src, std::string_view display_path);
  ObjectId put_bytes(std::string_view data);
  // Reads an object whole (manifests); the content is re-hashed and checked.
  std::string read_verified(const ObjectId& id, std::uint64_t max_bytes = 1u << 30) const;
  // Re-hashes a stored object; false when it is missing or does not match.
  bool verify(const ObjectId& id) const;

private:
  void install(TempFile& tmp, const ObjectId& id) const;

  fs::path objects_;
  fs::path tmp_;
  HashAlgo algo_;
};

}  // namespace mlops

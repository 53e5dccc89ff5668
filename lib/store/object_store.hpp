#pragma once
// The content-addressed store: objects/ab/cdef… files, read-only, written through
// tmp/ and a rename so that a crash never leaves half an object under its name.
#include <array>
#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/fs.hpp"
#include "core/hash.hpp"

namespace mlops {

class ObjectStore {
public:
  ObjectStore(fs::path objects_dir, fs::path tmp_dir, HashAlgo algo);

  HashAlgo algo() const { return algo_; }
  const fs::path& objects_dir() const { return objects_; }
  // The folder holding objects/ and tmp/ (.mlops, or cache.dir).
  fs::path base_dir() const { return objects_.parent_path(); }
  fs::path path_of(const ObjectId& id) const;
  bool has(const ObjectId& id) const;
  // The ids of `ids` that the store lacks. Many ids are checked by listing the
  // store's folders instead of one stat each.
  std::vector<ObjectId> missing(const std::vector<ObjectId>& ids) const;

  struct Stored {
    ObjectId id;
    FileStat st;       // the source file's stat, taken while it was open
    bool written = false;  // false when the store already had the object
  };
  // Reads `src` once, hashing and (when new) writing it from the same buffer.
  // `expected` is the stat the caller listed it with: the file must still match
  // it after the read. Throws Error(Io) when it changed or vanished.
  Stored put_file(const fs::path& src, std::string_view display_path, const FileStat& expected);
  ObjectId put_bytes(std::string_view data);
  // Reads an object whole (manifests); the content is re-hashed and checked.
  std::string read_verified(const ObjectId& id, std::uint64_t max_bytes = 1u << 30) const;
  // Re-hashes a stored object; false when it is missing or does not match.
  bool verify(const ObjectId& id) const;

  // Calls fn for every object in the store (its lstat included); files under
  // objects/ that are not objects go to `stray`, when given.
  void for_each_object(const std::function<void(const ObjectId&, const FileStat&)>& fn,
                       const std::function<void(const std::string&)>& stray = {}) const;

  // A temporary for an object being written (read-only, in tmp/); install()
  // names it once its id is known, and returns false when it was already there.
  TempFile new_object(unsigned mode = 0444) const;
  bool install(TempFile& tmp, const ObjectId& id);

private:
  void make_prefix_dir(const std::string& hex);

  fs::path objects_;
  fs::path tmp_;
  HashAlgo algo_;
  std::array<std::atomic<bool>, 256> prefix_made_{};  // objects/ab/ exists
};

}  // namespace mlops

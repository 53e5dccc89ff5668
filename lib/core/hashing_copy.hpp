#pragma once
// Copying a file while hashing it, in one read: what a copy sends is checked
// against its id on the same pass (push to a folder remote), never re-read.
#include "core/fs.hpp"
#include "core/hash.hpp"

namespace mlops {

// Copies `size` bytes of `in` to the empty open file `out` and returns the
// id of the bytes copied. Holes of sparse files stay holes. Throws Error(Io)
// naming `src` when it ends before `size` bytes.
ObjectId copy_hashing(int in, int out, std::uint64_t size, HashAlgo algo, const fs::path& src, const fs::path& dest);

}  // namespace mlops

#pragma once
// Copying a file while hashing it: what a copy sends is checked against its
// id on the same pass (add into the store, checkout out of it, push to a
// folder remote), never re-read later.
#include "core/fs.hpp"
#include "core/hash.hpp"

namespace mlops {

// Copies `size` bytes of `in` to the empty open file `out` and returns the
// id of the bytes copied. Holes of sparse files stay holes. Throws Error(Io)
// naming `src` when it ends before `size` bytes.
//
// A large file without holes is copied inside the kernel (copy_file_range)
// on a second thread while this one reads and hashes it: both passes read
// the page cache, and the copy costs about what the slower of the two costs
// rather than their sum (what cp -a costs, plus little). The caller checks
// that the source did not change meanwhile, as it must anyway.
ObjectId copy_hashing(int in, int out, std::uint64_t size, HashAlgo algo, const fs::path& src, const fs::path& dest);

}  // namespace mlops

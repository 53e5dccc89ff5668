#pragma once
// Hashing a file's content in large buffers, without storing it.
#include <functional>

#include "core/fs.hpp"
#include "core/hash.hpp"

namespace mlops {

// Size of the per-thread read buffer used by every file reader.
constexpr std::size_t kReadChunk = 8u << 20;
// This thread's read buffer (kReadChunk bytes).
char* thread_read_buffer();
// Reads up to n bytes, retrying short reads; returns the bytes read (0 at EOF).
std::size_t read_full(int fd, char* buf, std::size_t n, const fs::path& for_errors);

// Feeds a file of `size` bytes to fn(data, n, hole) in order, in pieces of at
// most kReadChunk. Holes of sparse files are passed as zeros without being read
// (hole = true), so a 5 GiB sparse image costs what its data costs. With
// `from`, the bytes from there to `size`.
void read_chunks(int fd, std::uint64_t size, const fs::path& for_errors,
                 const std::function<void(const char*, std::size_t, bool)>& fn, std::uint64_t from = 0);

// Writes a piece of a file being copied; a piece of zeros (or a hole) becomes a
// hole, so sparse files stay sparse. The caller sets the final length.
void write_sparse(int fd, const char* buf, std::size_t n, bool hole, const fs::path& for_errors);

// Hashes the file at `p` (following symlinks). `st_out` receives its stat as it
// was while open; throws Error(Io) when it changes during the read, or when it
// no longer matches `expected` (the stat it was listed with), if given.
ObjectId hash_file(const fs::path& p, HashAlgo algo, FileStat* st_out = nullptr, const FileStat* expected = nullptr);

}  // namespace mlops

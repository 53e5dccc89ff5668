#pragma once
// Filesystem helpers: stat records, whole reads and writes, temporary files that
// become their final name only by an atomic rename.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <sys/stat.h>
#include <string>
#include <string_view>
#include <utility>

#include "core/fd.hpp"

namespace mlops {

namespace fs = std::filesystem;

// What lstat says about a path: enough to tell whether a file changed.
struct FileStat {
  std::uint64_t dev = 0;
  std::uint64_t ino = 0;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;
  std::uint32_t mode = 0;  // st_mode

  bool is_regular() const;
  bool is_dir() const;
  bool is_symlink() const;
  bool is_executable() const;
  // Same file, same content as far as the kernel can tell without reading.
  bool same_as(const FileStat& o) const {
    return dev == o.dev && ino == o.ino && size == o.size && mtime_ns == o.mtime_ns &&
           ctime_ns == o.ctime_ns;
  }
};

FileStat stat_from(const struct stat& st);
// lstat(2); nullopt when the path does not exist, Error for other failures.
std::optional<FileStat> lstat_path(const fs::path& p);
// fstat(2) on an open descriptor.
FileStat fstat_fd(int fd, const fs::path& for_errors);

UniqueFd open_read(const fs::path& p);
void write_all(int fd, const void* data, std::size_t n, const fs::path& for_errors);
// A regular file's whole content (a FIFO, device or folder is Error(Input),
// without blocking), at most max_bytes.
std::string read_file(const fs::path& p, std::uint64_t max_bytes = 64u << 20);

// The process umask (read once).
unsigned process_umask();

// Nanoseconds / milliseconds since the epoch, wall clock.
std::int64_t now_ns();
inline std::int64_t now_ms() { return now_ns() / 1'000'000; }

// A new file in a folder that appears under a name only when committed.
// Where the filesystem supports O_TMPFILE it has no name at all until then, so
// a crash leaves nothing behind; elsewhere it is a hidden temporary that the
// destructor removes.
class TempFile {
public:
  // In the folder `dir`, named by path (a folder mlops owns, such as tmp/).
  TempFile(const fs::path& dir, std::string_view stem, unsigned mode);
  // In the open folder `dirfd` (borrowed: it must outlive the TempFile), for
  // writes that must not follow a path again; `shown` names it in errors.
  TempFile(int dirfd, const fs::path& shown, std::string_view stem, unsigned mode);
  TempFile(TempFile&& o) noexcept
      : fd_(std::move(o.fd_)), at_(o.at_), dir_(std::move(o.dir_)), named_(std::move(o.named_)),
        stem_(std::move(o.stem_)), done_(std::exchange(o.done_, true)) {}  // the moved-from one removes nothing
  TempFile& operator=(TempFile&&) = delete;
  ~TempFile();
  int fd() const { return fd_.get(); }
  // Gives the file its final name. With replace, an existing file there is
  // replaced atomically; without, an existing file is left alone and false is
  // returned (content-addressed objects: someone stored the same bytes).
  // The descriptor stays open, for an fstat of the result.
  bool commit(const fs::path& final_path, bool replace = true);
  // The same, for the name `name` in the open folder `dirfd` (on the same filesystem).
  bool commit_at(int dirfd, const std::string& name, bool replace = true);

private:
  void open_in(const char* dir_name, unsigned mode);
  bool link_named(int dirfd, const std::string& name, const fs::path& shown, bool replace);

  UniqueFd fd_;
  int at_;           // the folder named_ is relative to (AT_FDCWD: named_ is a path)
  fs::path dir_;     // for messages, and the folder when at_ is AT_FDCWD
  std::string named_;  // the temporary's name when O_TMPFILE was not available
  std::string stem_;
  bool done_ = false;
};

// A name in `dir` that nothing uses yet (for links made then renamed into place).
fs::path unique_temp_name(const fs::path& dir, std::string_view stem);

// Write content to `dest` through a temporary beside it and a rename: readers see
// the old file or the new one, never half of it.
void atomic_write(const fs::path& dest, std::string_view content);

// mkdir -p, with errors that name the path.
void make_dirs(const fs::path& p);

// Removes a file; missing is fine.
void remove_file(const fs::path& p);

}  // namespace mlops

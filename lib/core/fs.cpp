#include "core/fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <vector>

#include "core/error.hpp"

namespace mlops {

bool FileStat::is_regular() const { return S_ISREG(mode); }
bool FileStat::is_dir() const { return S_ISDIR(mode); }
bool FileStat::is_symlink() const { return S_ISLNK(mode); }
bool FileStat::is_executable() const { return (mode & S_IXUSR) != 0; }

FileStat stat_from(const struct stat& st) {
  FileStat s;
  s.dev = st.st_dev;
  s.ino = st.st_ino;
  s.size = static_cast<std::uint64_t>(st.st_size);
  s.mtime_ns = std::int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  s.ctime_ns = std::int64_t(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec;
  s.mode = st.st_mode;
  return s;
}

std::optional<FileStat> lstat_path(const fs::path& p) {
  struct stat st;
  if (::lstat(p.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
    fail_errno("stat", p.string(), errno);
  }
  return stat_from(st);
}

FileStat fstat_fd(int fd, const fs::path& for_errors) {
  struct stat st;
  if (::fstat(fd, &st) != 0) fail_errno("stat", for_errors.string(), errno);
  return stat_from(st);
}

UniqueFd open_read(const fs::path& p) {
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail_errno("open", p.string(), errno);
  return UniqueFd(fd);
}

void write_all(int fd, const void* data, std::size_t n, const fs::path& for_errors) {
  auto* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      fail_errno("write", for_errors.string(), errno);
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

std::string read_file(const fs::path& p, std::uint64_t max_bytes) {
  // O_NONBLOCK: a FIFO (or a terminal) named mlops.yaml or config must not
  // hang the open; anything but a plain file is refused.
  int raw = ::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (raw < 0) fail_errno("open", p.string(), errno);
  UniqueFd fd(raw);
  FileStat st = fstat_fd(fd.get(), p);
  if (!st.is_regular()) fail(ExitCode::Input, "{} is not a regular file", p.string());
  if (st.size > max_bytes)
    fail(ExitCode::Input, "{} is too large to be read as text ({} bytes)", p.string(), st.size);
  std::string out;
  out.resize(st.size);
  std::size_t got = 0;
  for (;;) {
    if (got == out.size()) out.resize(out.size() + 4096);
    ssize_t r = ::read(fd.get(), out.data() + got, out.size() - got);
    if (r < 0) {
      if (errno == EINTR) continue;
      fail_errno("read", p.string(), errno);
    }
    if (r == 0) break;
    got += static_cast<std::size_t>(r);
    if (got > max_bytes) fail(ExitCode::Input, "{} is too large to be read as text", p.string());
  }
  out.resize(got);
  return out;
}

unsigned process_umask() {
  // Read once: umask(2) can only be read by setting it, which is not thread-safe.
  static const mode_t mask = [] {
    mode_t m = ::umask(0);
    ::umask(m);
    return m;
  }();
  return mask;
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

fs::path unique_temp_name(const fs::path& dir, std::string_view stem) {
  static std::atomic<unsigned> counter{0};
  return dir / fmt::format(".{}.{}.{}.{}", stem, ::getpid(), counter.fetch_add(1), now_ns() % 1000000007);
}

TempFile::TempFile(const fs::path& dir, std::string_view stem, unsigned mode)
    : at_(AT_FDCWD), dir_(dir), stem_(stem) {
  open_in(dir.c_str(), mode);
}

TempFile::TempFile(int dirfd, const fs::path& shown, std::string_view stem, unsigned mode)
    : at_(dirfd), dir_(shown), stem_(stem) {
  open_in(".", mode);
}

// A temporary in `dir_name` (relative to at_): anonymous where O_TMPFILE works,
// else a hidden name created exclusively (never an existing file or link).
void TempFile::open_in(const char* dir_name, unsigned mode) {
  int fd = ::openat(at_, dir_name, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
  if (fd >= 0) {
    fd_.reset(fd);
    return;
  }
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
    fail_errno("create a temporary file in", dir_.string(), errno);
  for (;;) {
    std::string name = unique_temp_name(at_ == AT_FDCWD ? dir_ : fs::path(), stem_).string();
    fd = ::openat(at_, name.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) {
      fd_.reset(fd);
      named_ = name;
      break;
    }
    if (errno != EEXIST) fail_errno("create a temporary file in", dir_.string(), errno);
  }
  if (::fchmod(fd, mode) != 0) fail_errno("chmod", named_, errno);
}

TempFile::~TempFile() {
  if (!done_ && !named_.empty()) ::unlinkat(at_, named_.c_str(), 0);
}

bool TempFile::commit(const fs::path& final_path, bool replace) {
  return link_named(AT_FDCWD, final_path.string(), final_path, replace);
}

bool TempFile::commit_at(int dirfd, const std::string& name, bool replace) {
  return link_named(dirfd, name, dir_ / name, replace);
}

bool TempFile::link_named(int dirfd, const std::string& name, const fs::path& shown, bool replace) {
  if (named_.empty()) {
    // Give the anonymous inode a name through /proc (linkat with AT_EMPTY_PATH
    // would need CAP_DAC_READ_SEARCH).
    std::string self = fmt::format("/proc/self/fd/{}", fd_.get());
    if (::linkat(AT_FDCWD, self.c_str(), dirfd, name.c_str(), AT_SYMLINK_FOLLOW) == 0) {
      done_ = true;
      return true;
    }
    if (errno != EEXIST) fail_errno("create", shown.string(), errno);
    if (!replace) {
      done_ = true;
      return false;
    }
    // Name it beside the target, then rename over it.
    at_ = dirfd;
    named_ = (dirfd == AT_FDCWD ? unique_temp_name(shown.parent_path(), stem_) : unique_temp_name("", stem_)).string();
    if (::linkat(AT_FDCWD, self.c_str(), at_, named_.c_str(), AT_SYMLINK_FOLLOW) != 0) {
      int err = errno;
      named_.clear();
      fail_errno("create", shown.string(), err);
    }
  }
  if (!replace) {
    bool created = ::linkat(at_, named_.c_str(), dirfd, name.c_str(), 0) == 0;
    if (!created && errno != EEXIST) fail_errno("create", shown.string(), errno);
    ::unlinkat(at_, named_.c_str(), 0);
    done_ = true;
    return created;
  }
  if (::renameat(at_, named_.c_str(), dirfd, name.c_str()) != 0) fail_errno("rename into", shown.string(), errno);
  done_ = true;
  return true;
}

void atomic_write(const fs::path& dest, std::string_view content) {
  fs::path dir = dest.parent_path().empty() ? fs::path(".") : dest.parent_path();
  TempFile tmp(dir, dest.filename().string(), 0666 & ~process_umask());
  write_all(tmp.fd(), content.data(), content.size(), dest);
  tmp.commit(dest);
}

void make_dirs(const fs::path& p) {
  std::error_code ec;
  fs::create_directories(p, ec);
  if (ec) fail(ExitCode::Io, "cannot create directory {}: {}", p.string(), ec.message());
}

void remove_file(const fs::path& p) {
  if (::unlink(p.c_str()) != 0 && errno != ENOENT) fail_errno("remove", p.string(), errno);
}

}  // namespace mlops

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
  UniqueFd fd = open_read(p);
  FileStat st = fstat_fd(fd.get(), p);
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

TempFile::TempFile(const fs::path& dir, std::string_view stem, unsigned mode) : dir_(dir), stem_(stem) {
  int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
  if (fd >= 0) {
    fd_.reset(fd);
    return;
  }
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
    fail_errno("create a temporary file in", dir.string(), errno);
  std::string tmpl = (dir / fmt::format(".{}.XXXXXX", stem)).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  fd = ::mkostemp(buf.data(), O_CLOEXEC);
  if (fd < 0) fail_errno("create a temporary file in", dir.string(), errno);
  fd_.reset(fd);
  named_ = buf.data();
  if (::fchmod(fd, mode) != 0) fail_errno("chmod", named_.string(), errno);
}

TempFile::~TempFile() {
  if (!done_ && !named_.empty()) ::unlink(named_.c_str());
}

bool TempFile::commit(const fs::path& final_path, bool replace) {
  if (named_.empty()) {
    // Give the anonymous inode a name through /proc (linkat with AT_EMPTY_PATH
    // would need CAP_DAC_READ_SEARCH).
    std::string self = fmt::format("/proc/self/fd/{}", fd_.get());
    if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, final_path.c_str(), AT_SYMLINK_FOLLOW) == 0) {
      done_ = true;
      return true;
    }
    if (errno != EEXIST) fail_errno("create", final_path.string(), errno);
    if (!replace) {
      done_ = true;
      return false;
    }
    // Name it beside the target, then rename over it.
    named_ = unique_temp_name(final_path.parent_path(), stem_);
    if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, named_.c_str(), AT_SYMLINK_FOLLOW) != 0)
      fail_errno("create", named_.string(), errno);
  }
  if (!replace) {
    bool created = ::link(named_.c_str(), final_path.c_str()) == 0;
    if (!created && errno != EEXIST) fail_errno("create", final_path.string(), errno);
    ::unlink(named_.c_str());
    done_ = true;
    return created;
  }
  if (::rename(named_.c_str(), final_path.c_str()) != 0) fail_errno("rename into", final_path.string(), errno);
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

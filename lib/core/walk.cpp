#include "core/walk.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <unistd.h>

#include "core/error.hpp"

namespace mlops {

namespace {

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};

void walk_fd(int dirfd, const fs::path& abs, const std::string& rel, const WalkVisitor& v, int depth) {
  if (depth > kMaxWalkDepth) {
    ::close(dirfd);
    // Each level holds a descriptor and a stack frame: a crafted tree must
    // not exhaust either.
    fail(ExitCode::Input, "{}: folders nested more than {} deep", abs.string(), kMaxWalkDepth);
  }
  std::unique_ptr<DIR, DirCloser> dir(::fdopendir(dirfd));
  if (!dir) {
    int err = errno;
    ::close(dirfd);
    fail_errno("read directory", abs.string(), err);
  }
  while (true) {
    errno = 0;
    dirent* de = ::readdir(dir.get());
    if (!de) {
      if (errno != 0) fail_errno("read directory", abs.string(), errno);
      break;
    }
    const char* name = de->d_name;
    if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0) continue;
    struct stat st {};
    if (!v.stat_entries && de->d_type == DT_REG) {
      st.st_mode = S_IFREG;
    } else if (!v.stat_entries && de->d_type == DT_DIR) {
      st.st_mode = S_IFDIR;
    } else if (::fstatat(::dirfd(dir.get()), name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;  // vanished between readdir and lstat
      fail_errno("stat", (abs / name).string(), errno);
    }
    WalkEntry e{rel.empty() ? std::string(name) : rel + '/' + name, stat_from(st)};
    if (S_ISDIR(st.st_mode)) {
      if (!v.enter_dir(e)) continue;
      int sub = ::openat(::dirfd(dir.get()), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub < 0) fail_errno("open directory", (abs / name).string(), errno);
      walk_fd(sub, abs / name, e.rel, v, depth + 1);
    } else if (v.file) {
      v.file(e);
    }
  }
}

}  // namespace

void walk_tree(const fs::path& root, const std::string& prefix, const WalkVisitor& visitor) {
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail_errno("open directory", root.string(), errno);
  walk_fd(fd, root, prefix, visitor, 0);
}

}  // namespace mlops

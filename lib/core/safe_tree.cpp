#include "core/safe_tree.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <vector>

#include "core/error.hpp"
#include "core/text.hpp"

namespace mlops {

namespace {

// ".git", ".GIT", ".git." and ".git " all name git's folder on some filesystem
// (case-insensitive ones; NTFS drops trailing dots and spaces).
bool names_reserved(std::string_view part, std::string_view reserved) {
  while (!part.empty() && (part.back() == '.' || part.back() == ' ')) part.remove_suffix(1);
  if (part.size() != reserved.size()) return false;
  for (std::size_t i = 0; i < part.size(); ++i) {
    char c = part[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != reserved[i]) return false;
  }
  return true;
}

// Whether the kernel has openat2; a sandbox may answer ENOSYS or EPERM.
std::atomic<bool> g_no_openat2{false};

int open_beneath(int dirfd, const std::string& rel) {
  if (g_no_openat2.load(std::memory_order_relaxed)) {
    errno = ENOSYS;
    return -1;
  }
  struct open_how how {};
  how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  for (;;) {
    long fd = ::syscall(SYS_openat2, dirfd, rel.c_str(), &how, sizeof how);
    if (fd >= 0) return static_cast<int>(fd);
    if (errno == EAGAIN || errno == EINTR) continue;  // a rename raced the lookup
    if (errno == ENOSYS || errno == EPERM || errno == E2BIG) g_no_openat2 = true, errno = ENOSYS;
    return -1;
  }
}

[[noreturn]] void refuse_component(const fs::path& target, const fs::path& component, int dirfd,
                                   const std::string& name, int err) {
  struct stat st;
  if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
    throw Error(ExitCode::Input,
                fmt::format("cannot write {}: {} is a symbolic link, and mlops never writes through one",
                            printable_path(target.string()), printable_path(component.string())),
                "replace the link with a real folder, or move it out of the way; nothing was written there");
  if (err == ENOTDIR || err == ELOOP || (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0))
    throw Error(ExitCode::Input, fmt::format("cannot write {}: {} is not a folder", printable_path(target.string()),
                                             printable_path(component.string())));
  fail_errno("open folder", component.string(), err);
}

}  // namespace

std::string unwritable_reason(std::string_view rel) {
  if (rel.empty()) return "the path is empty";
  if (rel.size() > kMaxPathBytes) return fmt::format("the path is longer than {} bytes", kMaxPathBytes);
  if (rel.front() == '/') return "the path is absolute";
  if (has_control_chars(rel) || !is_valid_utf8(rel)) return "the path has control characters or invalid UTF-8";
  std::size_t start = 0, depth = 0;
  while (start <= rel.size()) {
    auto end = rel.find('/', start);
    if (end == std::string_view::npos) end = rel.size();
    auto part = rel.substr(start, end - start);
    if (part == "..") return "'..' leads out of the repository";
    if (part.empty() || part == ".") return "the path has an empty or '.' component";
    if (part.size() > kMaxNameBytes) return fmt::format("a name is longer than {} bytes", kMaxNameBytes);
    if (names_reserved(part, ".git")) return "it is inside git's own folder .git";
    if (names_reserved(part, ".mlops")) return "it is inside mlops's own folder .mlops";
    if (++depth > kMaxPathDepth) return fmt::format("it is nested deeper than {} folders", kMaxPathDepth);
    start = end + 1;
  }
  return {};
}

void check_writable(std::string_view rel, std::string_view source) {
  std::string why = unwritable_reason(rel);
  if (!why.empty()) fail(ExitCode::Input, "{}: unsafe path '{}': {}", source, printable_path(rel), why);
}

SafeTree::SafeTree(const fs::path& root) : root_(root) {
  int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail_errno("open folder", root.string(), errno);
  root_fd_.reset(fd);
}

UniqueFd SafeTree::open_dir(std::string_view rel, bool create, std::string_view target) const {
  std::string r(rel);
  if (r.empty()) {
    int fd = ::fcntl(root_fd_.get(), F_DUPFD_CLOEXEC, 0);
    if (fd < 0) fail_errno("open folder", root_.string(), errno);
    return UniqueFd(fd);
  }
  check_writable(r, root_.string());
  // One call for the whole path where it exists (the common case).
  int fd = open_beneath(root_fd_.get(), r);
  if (fd >= 0) return UniqueFd(fd);
  if (errno == ENOENT && !create) return {};
  // Missing folders, a kernel without openat2, or a refusal to explain: one
  // component at a time, never following a link.
  UniqueFd cur(::fcntl(root_fd_.get(), F_DUPFD_CLOEXEC, 0));
  if (!cur) fail_errno("open folder", root_.string(), errno);
  fs::path walked = root_;
  std::size_t start = 0;
  while (start <= r.size()) {
    auto end = r.find('/', start);
    if (end == std::string::npos) end = r.size();
    std::string part = r.substr(start, end - start);
    walked /= part;
    int next = ::openat(cur.get(), part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (next < 0 && errno == ENOENT) {
      if (!create) return {};
      if (::mkdirat(cur.get(), part.c_str(), 0777) != 0 && errno != EEXIST)
        fail_errno("create directory", walked.string(), errno);
      next = ::openat(cur.get(), part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (next < 0) refuse_component(abs(target.empty() ? std::string_view(r) : target), walked, cur.get(), part, errno);
    cur.reset(next);
    start = end + 1;
  }
  return cur;
}

void SafeTree::write_file(std::string_view rel, std::string_view text, unsigned mode) const {
  auto parent = open_parent(rel, true);
  fs::path shown = abs(rel);
  TempFile tmp(parent.dir.get(), shown, "write", mode);
  write_all(tmp.fd(), text.data(), text.size(), shown);
  tmp.commit_at(parent.dir.get(), parent.name);
}

SafeTree::Parent SafeTree::open_parent(std::string_view rel, bool create) const {
  check_writable(rel, root_.string());
  auto slash = rel.rfind('/');
  Parent p;
  p.name = std::string(slash == std::string_view::npos ? rel : rel.substr(slash + 1));
  p.dir = open_dir(slash == std::string_view::npos ? std::string_view() : rel.substr(0, slash), create, rel);
  return p;
}

namespace {

// Empties the open folder `dir` (shown as `shown`), depth-first, by descriptor.
void remove_contents(int dir, const fs::path& shown, std::size_t depth) {
  if (depth > 2 * kMaxPathDepth)
    fail(ExitCode::Input, "cannot remove {}: it is nested deeper than {} folders", shown.string(), 2 * kMaxPathDepth);
  int copy = ::fcntl(dir, F_DUPFD_CLOEXEC, 0);
  DIR* d = copy < 0 ? nullptr : ::fdopendir(copy);
  if (!d) {
    int err = errno;
    if (copy >= 0) ::close(copy);
    fail_errno("read folder", shown.string(), err);
  }
  std::vector<std::pair<std::string, bool>> entries;  // name, is a folder
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    bool is_dir = e->d_type == DT_DIR;
    if (e->d_type == DT_UNKNOWN) {
      struct stat st;
      is_dir = ::fstatat(dir, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
    }
    entries.emplace_back(std::move(name), is_dir);
  }
  ::closedir(d);
  for (const auto& [name, is_dir] : entries) {
    if (is_dir) {
      UniqueFd sub(::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!sub) fail_errno("open folder", (shown / name).string(), errno);
      remove_contents(sub.get(), shown / name, depth + 1);
    }
    if (::unlinkat(dir, name.c_str(), is_dir ? AT_REMOVEDIR : 0) != 0 && errno != ENOENT)
      fail_errno("remove", (shown / name).string(), errno);
  }
}

}  // namespace

bool SafeTree::remove(std::string_view rel) const {
  Parent p = open_parent(rel, false);
  if (!p.dir) return false;
  struct stat st;
  if (::fstatat(p.dir.get(), p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return false;
    fail_errno("stat", abs(rel).string(), errno);
  }
  bool is_dir = S_ISDIR(st.st_mode);
  if (is_dir) {
    UniqueFd sub(::openat(p.dir.get(), p.name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!sub) fail_errno("open folder", abs(rel).string(), errno);
    remove_contents(sub.get(), abs(rel), 0);
  }
  if (::unlinkat(p.dir.get(), p.name.c_str(), is_dir ? AT_REMOVEDIR : 0) != 0 && errno != ENOENT)
    fail_errno("remove", abs(rel).string(), errno);
  return true;
}

void SafeTree::prune_empty_parents(std::string_view rel, std::string_view stop) const {
  std::string dir(rel);
  for (;;) {
    auto slash = dir.rfind('/');
    if (slash == std::string::npos) return;
    dir.resize(slash);
    if (dir.size() <= stop.size() || (!stop.empty() && !starts_with(dir, std::string(stop) + "/"))) return;
    Parent p = open_parent(dir, false);
    if (!p.dir || ::unlinkat(p.dir.get(), p.name.c_str(), AT_REMOVEDIR) != 0) return;
  }
}

}  // namespace mlops

#include "core/link.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "core/error.hpp"
#include "core/file_hash.hpp"
#include "core/hashing_copy.hpp"

namespace mlops {

std::string_view link_mode_name(LinkMode m) {
  switch (m) {
    case LinkMode::Reflink: return "reflink";
    case LinkMode::Hardlink: return "hardlink";
    case LinkMode::Symlink: return "symlink";
    case LinkMode::Copy: return "copy";
  }
  return "?";
}

std::vector<LinkMode> parse_link_modes(std::string_view list) {
  std::vector<LinkMode> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    auto end = list.find(',', start);
    if (end == std::string_view::npos) end = list.size();
    auto item = list.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == "reflink") out.push_back(LinkMode::Reflink);
    else if (item == "hardlink") out.push_back(LinkMode::Hardlink);
    else if (item == "symlink") out.push_back(LinkMode::Symlink);
    else if (item == "copy") out.push_back(LinkMode::Copy);
    else
      throw Error(ExitCode::Repo, fmt::format("cache.link: unknown link mode '{}'", item),
                  "use a comma-separated list of reflink, hardlink, symlink, copy");
    start = end + 1;
  }
  if (out.empty()) throw Error(ExitCode::Repo, "cache.link is empty");
  return out;
}

Linker::Linker(std::vector<LinkMode> order) : order_(std::move(order)) {}

namespace {

// Copies [off, off+len) with copy_file_range, or read/write where the kernel refuses.
void copy_range(int in, int out, off_t off, off_t len, const fs::path& src, const fs::path& dest) {
  off_t in_off = off, out_off = off;
  while (len > 0) {
    ssize_t n = ::copy_file_range(in, &in_off, out, &out_off, static_cast<std::size_t>(len), 0);
    if (n > 0) {
      len -= n;
      continue;
    }
    if (n == 0) return;
    if (errno == EINTR) continue;
    if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
      fail_errno("copy to", dest.string(), errno);
    std::vector<char> buf(std::min<off_t>(len, 1 << 20));
    while (len > 0) {
      ssize_t r = ::pread(in, buf.data(), std::min<std::size_t>(buf.size(), static_cast<std::size_t>(len)), in_off);
      if (r < 0) {
        if (errno == EINTR) continue;
        fail_errno("read", src.string(), errno);
      }
      if (r == 0) return;
      if (::lseek(out, out_off, SEEK_SET) < 0) fail_errno("seek in", dest.string(), errno);
      write_all(out, buf.data(), static_cast<std::size_t>(r), dest);
      in_off += r, out_off += r, len -= r;
    }
  }
}

}  // namespace

void copy_fd(int in, int out, std::uint64_t size, const fs::path& src, const fs::path& dest) {
  const auto end = static_cast<off_t>(size);
  // Small files: one call, no hole probing.
  if (size < (1u << 20)) return copy_range(in, out, 0, end, src, dest);
  // Copy only the data segments so that holes stay holes.
  off_t pos = 0;
  while (pos < end) {
    off_t data = ::lseek(in, pos, SEEK_DATA);
    if (data < 0) {
      if (errno == ENXIO) break;  // only a hole remains
      data = pos;                 // SEEK_DATA unsupported: copy everything
    }
    off_t hole = data < end ? ::lseek(in, data, SEEK_HOLE) : end;
    if (hole < 0 || hole > end) hole = end;
    copy_range(in, out, data, hole - data, src, dest);
    pos = hole;
  }
  if (::ftruncate(out, end) != 0) fail_errno("write", dest.string(), errno);
}

namespace {

// Errors that mean "this filesystem cannot do that mode", not "something is broken".
bool mode_unsupported(int err) {
  return err == EXDEV || err == EOPNOTSUPP || err == ENOTTY || err == EINVAL || err == EPERM ||
         err == EMLINK || err == ENOSYS;
}

}  // namespace

namespace {

// Hashes what is already in place (a reflinked clone shares the object's blocks).
ObjectId hash_fd(int fd, std::uint64_t size, HashAlgo algo, const fs::path& src) {
  Hasher h(algo);
  read_chunks(fd, size, src, [&](const char* data, std::size_t n, bool) { h.update(data, n); });
  return h.finish();
}

[[noreturn]] void corrupt(const ObjectId& id, const fs::path& shown) {
  throw Error(ExitCode::Missing,
              fmt::format("object {} in the store is corrupt (it does not hash to its id); {} was not written",
                          id.str(), shown.string()),
              "run 'mlops fsck' to set it aside, then fetch it again from a remote");
}

}  // namespace

Linker::Placed Linker::place(const Request& r) {
  UniqueFd in = open_read(r.object);
  FileStat ost = fstat_fd(in.get(), r.object);
  if (!ost.is_regular() || ost.size != r.size)
    throw Error(ExitCode::Missing,
                fmt::format("{}: the store's object{}{} holds {} bytes, not the {} its record says",
                            r.shown.string(), r.id ? " " : "", r.id ? r.id->str() : "", ost.size, r.size),
                "the record (pointer file, manifest or mlops.lock) or the store is damaged: run 'mlops fsck'");
  // Objects keep the source's privacy: a copy of a private one is private too.
  unsigned mode = (r.executable ? 0777 : 0666) & ~process_umask();
  if (!(ost.mode & (S_IRGRP | S_IROTH))) mode &= 0700;
  for (LinkMode m : order_) {
    unsigned bit = 1u << static_cast<unsigned>(m);
    if (refused_.load(std::memory_order_relaxed) & bit) continue;
    // A link is the read-only, non-executable store file itself: an executable
    // would check out unrunnable, so it is copied.
    if (r.executable && (m == LinkMode::Hardlink || m == LinkMode::Symlink)) continue;
    if (m == LinkMode::Reflink || m == LinkMode::Copy) {
      TempFile tmp(r.dir, r.shown.parent_path(), r.name, mode);
      if (m == LinkMode::Reflink) {
        if (::ioctl(tmp.fd(), FICLONE, in.get()) != 0) {
          if (!mode_unsupported(errno)) fail_errno("reflink", r.shown.string(), errno);
          refused_.fetch_or(bit, std::memory_order_relaxed);
          continue;
        }
        if (r.id && hash_fd(in.get(), r.size, r.id->algo, r.object) != *r.id) corrupt(*r.id, r.shown);
      } else if (r.id) {
        if (copy_hashing(in.get(), tmp.fd(), r.size, r.id->algo, r.object, r.shown) != *r.id) corrupt(*r.id, r.shown);
      } else {
        copy_fd(in.get(), tmp.fd(), r.size, r.object, r.shown);
      }
      tmp.commit_at(r.dir, r.name);
      // After commit: linking the file into place changed its ctime.
      return {m, fstat_fd(tmp.fd(), r.shown)};
    }
    // Hardlink and symlink: make the link under a fresh name, then rename it over the name.
    std::string tmp = unique_temp_name("", r.name).string();
    int rc = m == LinkMode::Hardlink ? ::linkat(AT_FDCWD, r.object.c_str(), r.dir, tmp.c_str(), 0)
                                     : ::symlinkat(fs::absolute(r.object).c_str(), r.dir, tmp.c_str());
    if (rc != 0) {
      if (!mode_unsupported(errno)) fail_errno(std::string(link_mode_name(m)), r.shown.string(), errno);
      refused_.fetch_or(bit, std::memory_order_relaxed);
      continue;
    }
    if (::renameat(r.dir, tmp.c_str(), r.dir, r.name.c_str()) != 0) {
      int err = errno;
      ::unlinkat(r.dir, tmp.c_str(), 0);
      fail_errno("rename into", r.shown.string(), err);
    }
    // The stat cache keys a symlink on its target, as the workspace listing does.
    struct stat st;
    if (::fstatat(r.dir, r.name.c_str(), &st, m == LinkMode::Symlink ? 0 : AT_SYMLINK_NOFOLLOW) != 0)
      fail_errno("stat", r.shown.string(), errno);
    return {m, stat_from(st)};
  }
  throw Error(ExitCode::Io,
              fmt::format("cannot place {}: no link mode in cache.link worked on this filesystem", r.shown.string()),
              "add 'copy' to cache.link");
}

Linker::Placed Linker::place(const fs::path& object, std::uint64_t size, const fs::path& dest, bool executable) {
  fs::path dir = dest.parent_path().empty() ? fs::path(".") : dest.parent_path();
  UniqueFd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!d) fail_errno("open folder", dir.string(), errno);
  std::string name = dest.filename().string();
  return place(Request{object, size, nullptr, d.get(), name, dest, executable});
}

}  // namespace mlops

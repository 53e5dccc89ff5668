#include "core/link.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "core/error.hpp"

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

void copy_fd(int in, int out, const fs::path& src, const fs::path& dest) {
  bool use_cfr = true;
  std::vector<char> buf;
  for (;;) {
    if (use_cfr) {
      ssize_t n = ::copy_file_range(in, nullptr, out, nullptr, 1u << 30, 0);
      if (n > 0) continue;
      if (n == 0) return;
      if (errno == EINTR) continue;
      if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
        fail_errno("copy to", dest.string(), errno);
      use_cfr = false;
      buf.resize(1u << 20);
    }
    ssize_t r = ::read(in, buf.data(), buf.size());
    if (r < 0) {
      if (errno == EINTR) continue;
      fail_errno("read", src.string(), errno);
    }
    if (r == 0) return;
    write_all(out, buf.data(), static_cast<std::size_t>(r), dest);
  }
}

namespace {

// Errors that mean "this filesystem cannot do that mode", not "something is broken".
bool mode_unsupported(int err) {
  return err == EXDEV || err == EOPNOTSUPP || err == ENOTTY || err == EINVAL || err == EPERM ||
         err == EMLINK || err == ENOSYS;
}

}  // namespace

LinkMode Linker::place(const fs::path& object, const fs::path& dest, bool executable) {
  fs::path dir = dest.parent_path();
  std::string stem = dest.filename().string();
  for (LinkMode m : order_) {
    unsigned bit = 1u << static_cast<unsigned>(m);
    if (refused_.load(std::memory_order_relaxed) & bit) continue;
    switch (m) {
      case LinkMode::Reflink:
      case LinkMode::Copy: {
        TempFile tmp(dir, stem);
        UniqueFd in = open_read(object);
        if (m == LinkMode::Reflink) {
          if (::ioctl(tmp.fd(), FICLONE, in.get()) != 0) {
            if (!mode_unsupported(errno)) fail_errno("reflink", dest.string(), errno);
            refused_.fetch_or(bit, std::memory_order_relaxed);
            continue;
          }
        } else {
          copy_fd(in.get(), tmp.fd(), object, dest);
        }
        mode_t mode = (executable ? 0777 : 0666) & ~process_umask();
        if (::fchmod(tmp.fd(), mode) != 0) fail_errno("chmod", dest.string(), errno);
        tmp.commit(dest);
        return m;
      }
      case LinkMode::Hardlink:
      case LinkMode::Symlink: {
        // Reserve a unique name, then replace it with the link.
        TempFile tmp(dir, stem);
        tmp.close_fd();
        remove_file(tmp.path());
        int rc = m == LinkMode::Hardlink
                     ? ::link(object.c_str(), tmp.path().c_str())
                     : ::symlink(fs::absolute(object).c_str(), tmp.path().c_str());
        if (rc != 0) {
          if (!mode_unsupported(errno)) fail_errno(std::string(link_mode_name(m)), dest.string(), errno);
          refused_.fetch_or(bit, std::memory_order_relaxed);
          continue;
        }
        tmp.commit(dest);
        return m;
      }
    }
  }
  throw Error(ExitCode::Io,
              fmt::format("cannot place {}: no link mode in cache.link worked on this filesystem",
                          dest.string()),
              "add 'copy' to cache.link");
}

}  // namespace mlops

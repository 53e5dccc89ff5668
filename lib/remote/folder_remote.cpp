#include "remote/folder_remote.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "core/error.hpp"
#include "core/file_hash.hpp"
#include "core/link.hpp"
#include "core/walk.hpp"

namespace mlops {

FolderRemote::FolderRemote(fs::path root) : root_(std::move(root)) {}

fs::path FolderRemote::object_path(const ObjectId& id) const {
  return root_ / "objects" / id.hex.substr(0, 2) / id.hex.substr(2);
}

bool FolderRemote::has(const ObjectId& id) {
  struct stat st;
  return ::stat(object_path(id).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

void FolderRemote::put(const ObjectId& id, const fs::path& local, std::uint64_t size) {
  fs::path dest = object_path(id);
  try {
    make_dirs(root_ / "tmp");
    make_dirs(dest.parent_path());
  } catch (const Error& e) {
    throw Error(ExitCode::Remote, fmt::format("remote {}: {}", root_.string(), e.what()), e.hint());
  }
  TempFile tmp(root_ / "tmp", "obj", 0444);
  UniqueFd in = open_read(local);
  copy_fd(in.get(), tmp.fd(), size, local, dest);
  // fsync: the remote is where the data survives this machine.
  if (::fsync(tmp.fd()) != 0) fail_errno("sync", dest.string(), errno);
  tmp.commit(dest, /*replace=*/false);
}

void FolderRemote::get(const ObjectId& id, const std::function<void(const char*, std::size_t)>& sink) {
  fs::path src = object_path(id);
  int raw = ::open(src.c_str(), O_RDONLY | O_CLOEXEC);
  if (raw < 0) {
    if (errno == ENOENT)
      throw Error(ExitCode::Remote, fmt::format("object {} is not on the remote {}", id.str(), root_.string()),
                  "push it from a clone that has it");
    fail_errno("open", src.string(), errno);
  }
  UniqueFd fd(raw);
  FileStat st = fstat_fd(fd.get(), src);
  read_chunks(fd.get(), st.size, src, [&](const char* data, std::size_t n, bool) { sink(data, n); });
}

std::unordered_set<std::string> FolderRemote::list() {
  std::unordered_set<std::string> out;
  fs::path dir = root_ / "objects";
  if (!lstat_path(dir)) return out;
  walk_tree(dir, "", WalkVisitor{.file = [&](const WalkEntry& e) {
                                   if (e.rel.size() > 3 && e.rel[2] == '/') out.insert(e.rel.substr(0, 2) + e.rel.substr(3));
                                 },
                                 .stat_entries = false});
  return out;
}

}  // namespace mlops

#include "remote/folder_remote.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "core/error.hpp"
#include "core/file_hash.hpp"
#include "core/hashing_copy.hpp"
#include "core/walk.hpp"

namespace mlops {

FolderRemote::FolderRemote(std::string name, fs::path root) : Remote(std::move(name)), root_(std::move(root)) {}

fs::path FolderRemote::object_path(const ObjectId& id) const {
  return root_ / "objects" / id.hex.substr(0, 2) / id.hex.substr(2);
}

bool FolderRemote::exists() const {
  auto st = lstat_path(root_);
  return st && (st->is_dir() || st->is_symlink());  // the remote's own path may be a symlink (a mount)
}

bool FolderRemote::has(const ObjectId& id) {
  struct stat st;
  return ::stat(object_path(id).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

void FolderRemote::make_dirs_for(const fs::path& dest) const {
  // A folder of the remote that is a symlink would take the write (and the
  // temporary files) out of it: tmp/ and the top folder are checked, once.
  const fs::path rel = dest.lexically_relative(root_);
  const fs::path top = rel.empty() ? root_ : root_ / *rel.begin();
  {
    std::lock_guard lock(checked_mu_);
    for (const fs::path& dir : {root_ / "tmp", top}) {
      if (checked_.count(dir.string())) continue;
      auto st = lstat_path(dir);
      if (st && !st->is_dir())
        throw Error(ExitCode::Remote,
                    fmt::format("remote {}: {} is not a folder (a symlink?); mlops does not write through it",
                                name(), dir.string()),
                    "replace it with the folder itself");
      if (st) checked_.insert(dir.string());
    }
  }
  try {
    make_dirs(root_ / "tmp");
    make_dirs(dest.parent_path());
  } catch (const Error& e) {
    throw Error(ExitCode::Remote, fmt::format("remote {}: {}", root_.string(), e.what()), e.hint());
  }
}

bool FolderRemote::put(const ObjectId& id, const fs::path& local, std::uint64_t size) {
  fs::path dest = object_path(id);
  make_dirs_for(dest);
  UniqueFd in = open_read(local);
  // The remote keeps the object's privacy: no read bit for others the store's copy lacks.
  TempFile tmp(root_ / "tmp", "obj", 0400 | (fstat_fd(in.get(), local).mode & (S_IRGRP | S_IROTH)));
  // Hashed as it is copied: a damaged local object is never sent as a good one.
  if (copy_hashing(in.get(), tmp.fd(), size, id.algo, local, dest) != id) return false;
  // fsync: the remote is where the data survives this machine.
  if (::fsync(tmp.fd()) != 0) fail_errno("sync", dest.string(), errno);
  tmp.commit(dest, /*replace=*/false);
  return true;
}

namespace {

// A plain file opened for reading, or nothing when absent. O_NONBLOCK: a FIFO
// (or a device) at that name must not block the open; fstat then refuses
// anything but a plain file (DamagedObject).
std::optional<UniqueFd> open_plain(const fs::path& src, FileStat& st, const std::string& remote,
                                   const std::string& what = {}, const std::string& hint = {}) {
  int raw = ::open(src.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (raw < 0) {
    if (errno == ENOENT) return std::nullopt;
    fail_errno("open", src.string(), errno);
  }
  UniqueFd fd(raw);
  st = fstat_fd(fd.get(), src);
  if (!st.is_regular())
    throw DamagedObject(ExitCode::Remote,
                        fmt::format("remote {}: {} is not a regular file{}", remote, src.string(), what), hint);
  return fd;
}

// A small file of at most max_bytes, opened; DamagedObject when larger.
std::optional<UniqueFd> open_small(const fs::path& src, FileStat& st, const std::string& remote,
                                   std::uint64_t max_bytes) {
  auto fd = open_plain(src, st, remote);
  if (fd && st.size > max_bytes)
    throw DamagedObject(ExitCode::Remote, fmt::format("remote {}: {} is {} bytes, more than the {} it may be", remote,
                                                      src.string(), st.size, max_bytes));
  return fd;
}

}  // namespace

bool FolderRemote::read(const ObjectId& id, std::uint64_t max_bytes, const ObjectSink& sink) {
  fs::path src = object_path(id);
  FileStat st;
  auto fd = open_plain(src, st, name(), fmt::format(" (object {})", id.str()),
                       "remove it from the remote; 'mlops fsck -r " + name() + "' then finds what to push again");
  if (!fd) return false;
  if (st.size > max_bytes) too_large(id, max_bytes);
  read_chunks(fd->get(), st.size, src, [&](const char* data, std::size_t n, bool) { sink(data, n); });
  return true;
}

namespace {

// gc -r removes files below these folders: a symlink there (to the user's
// home, or to a store) must not take it elsewhere. False when absent.
bool real_folder(const fs::path& dir, const std::string& remote) {
  auto st = lstat_path(dir);
  if (!st) return false;
  if (!st->is_dir())
    throw Error(ExitCode::Remote, fmt::format("remote {}: {} is not a folder (a symlink?); gc -r does not follow it",
                                              remote, dir.string()),
                "replace it with the folder itself");
  return true;
}

}  // namespace

std::vector<Remote::Listed> FolderRemote::list_with_times() {
  std::vector<Listed> out;
  fs::path dir = root_ / "objects";
  if (!real_folder(dir, name())) return out;
  walk_tree(dir, "", WalkVisitor{.file = [&](const WalkEntry& e) {
                                   // Symlinked prefix folders are reported as files, not entered.
                                   if (e.rel.size() > 3 && e.rel[2] == '/' && e.st.is_regular())
                                     out.push_back({e.rel.substr(0, 2) + e.rel.substr(3), e.st.size,
                                                    e.st.mtime_ns / 1'000'000});
                                 }});
  return out;
}

void FolderRemote::remove(const ObjectId& id) {
  fs::path p = object_path(id);
  real_folder(root_ / "objects", name());
  real_folder(p.parent_path(), name());
  mlops::remove_file(p);
}

std::vector<Remote::ListedFile> FolderRemote::list_files_with_times(const std::string& dir) {
  std::vector<ListedFile> out;
  fs::path where = root_ / dir;
  if (!real_folder(where, name())) return out;
  // Every name, whatever it is (a symlink, a FIFO, a folder): readers follow
  // or refuse them, and gc must see the names they see.
  auto note = [&](const WalkEntry& e) { out.push_back({e.rel, e.st.size, e.st.mtime_ns / 1'000'000}); };
  walk_tree(where, "", WalkVisitor{.enter_dir = [&](const WalkEntry& e) { return note(e), false; }, .file = note});
  std::sort(out.begin(), out.end(), [](const ListedFile& a, const ListedFile& b) { return a.name < b.name; });
  return out;
}

void FolderRemote::remove_file(const std::string& dir, const std::string& file_name) {
  real_folder(root_ / dir, name());
  mlops::remove_file(root_ / dir / file_name);
}

std::optional<std::size_t> FolderRemote::clean_partial_uploads(std::int64_t before_ms) {
  std::size_t n = 0;
  fs::path dir = root_ / "tmp";
  if (!real_folder(dir, name())) return n;
  walk_tree(dir, "", WalkVisitor{.enter_dir = [](const WalkEntry&) { return false; },
                                 .file = [&](const WalkEntry& e) {
                                   if (e.st.mtime_ns / 1'000'000 >= before_ms) return;
                                   fs::path p = dir / e.rel;
                                   if (::unlink(p.c_str()) == 0) ++n;
                                   else if (errno != ENOENT) fail_errno("remove", p.string(), errno);
                                 }});
  return n;
}

void FolderRemote::write_file(const std::string& dir, const std::string& file_name, std::string_view bytes,
                              bool replace) {
  fs::path dest = root_ / dir / file_name;
  make_dirs_for(dest);
  TempFile tmp(root_ / "tmp", "file", 0444);
  write_all(tmp.fd(), bytes.data(), bytes.size(), dest);
  if (::fsync(tmp.fd()) != 0) fail_errno("sync", dest.string(), errno);
  tmp.commit(dest, replace);
}

bool FolderRemote::read_foreign(const std::string& key, std::uint64_t max_bytes, const ObjectSink& sink) {
  fs::path src = root_ / key;
  FileStat st;
  auto fd = open_small(src, st, name(), max_bytes);
  if (!fd) return false;
  read_chunks(fd->get(), st.size, src, [&](const char* data, std::size_t n, bool) { sink(data, n); });
  return true;
}

std::optional<std::string> FolderRemote::read_file(const std::string& dir, const std::string& file_name,
                                                   std::uint64_t max_bytes) {
  std::string out;
  if (!read_foreign(dir + "/" + file_name, max_bytes, [&](const char* data, std::size_t n) { out.append(data, n); }))
    return std::nullopt;
  return out;
}

bool FolderRemote::read_range(const std::string& dir, const std::string& file_name, std::uint64_t offset,
                              std::uint64_t length, const ObjectSink& sink) {
  fs::path src = root_ / dir / file_name;
  FileStat st;
  auto fd = open_plain(src, st, name());
  if (!fd) return false;
  if (offset >= st.size) return true;  // nothing there: the caller's hash check says so
  // Fewer bytes when the pack is shorter than it was.
  read_chunks(fd->get(), offset + std::min(length, st.size - offset), src,
              [&](const char* data, std::size_t n, bool) { sink(data, n); }, offset);
  return true;
}

std::vector<std::string> FolderRemote::list_files(const std::string& dir, const std::string& start_after) {
  std::vector<std::string> out;
  fs::path where = root_ / dir;
  auto st = lstat_path(where);
  if (!st || (!st->is_dir() && !st->is_symlink())) return out;  // a file in the folder's place holds no names
  walk_tree(where, "", WalkVisitor{.enter_dir = [](const WalkEntry&) { return false; },
                                   .file = [&](const WalkEntry& e) {
                                     if (e.rel > start_after) out.push_back(e.rel);
                                   },
                                   .stat_entries = false});
  std::sort(out.begin(), out.end());
  return out;
}

void FolderRemote::quarantine(const ObjectId& id) {
  fs::path dir = root_ / "quarantine";
  make_dirs(dir);
  if (::rename(object_path(id).c_str(), (dir / id.hex).c_str()) != 0 && errno != ENOENT)
    fail_errno("move to quarantine", object_path(id).string(), errno);
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

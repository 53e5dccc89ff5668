#include "store/object_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "core/error.hpp"
#include "core/file_hash.hpp"

namespace mlops {

ObjectStore::ObjectStore(fs::path objects_dir, fs::path tmp_dir, HashAlgo algo)
    : objects_(std::move(objects_dir)), tmp_(std::move(tmp_dir)), algo_(algo) {}

fs::path ObjectStore::path_of(const ObjectId& id) const {
  return objects_ / id.hex.substr(0, 2) / id.hex.substr(2);
}

bool ObjectStore::has(const ObjectId& id) const {
  struct stat st;
  return ::stat(path_of(id).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

void ObjectStore::install(TempFile& tmp, const ObjectId& id) const {
  if (::fchmod(tmp.fd(), 0444) != 0) fail_errno("chmod", tmp.path().string(), errno);
  fs::path dest = path_of(id);
  if (::mkdir(dest.parent_path().c_str(), 0755) != 0 && errno != EEXIST)
    fail_errno("create directory", dest.parent_path().string(), errno);
  tmp.commit(dest);
}

ObjectStore::Stored ObjectStore::put_file(const fs::path& src, std::string_view display) {
  int raw = ::open(src.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (raw < 0) {
    if (errno == ENOENT) fail(ExitCode::Io, "{} vanished while being added", display);
    fail_errno("open", std::string(display), errno);
  }
  UniqueFd fd(raw);
  Stored out;
  out.st = fstat_fd(fd.get(), src);
  ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  Hasher h(algo_);
  char* buf = thread_read_buffer();
  std::uint64_t total = 0;
  std::unique_ptr<TempFile> tmp;

  // Files up to kReadChunk are read whole, hashed, and written only if new;
  // larger ones are streamed through a temporary.
  std::size_t n = read_full(fd.get(), buf, kReadChunk, display);
  total += n;
  h.update(buf, n);
  if (n == kReadChunk) {  // large: stream through a temporary
    tmp = std::make_unique<TempFile>(tmp_, "obj");
    write_all(tmp->fd(), buf, n, tmp->path());
    while ((n = read_full(fd.get(), buf, kReadChunk, display)) > 0) {
      total += n;
      h.update(buf, n);
      write_all(tmp->fd(), buf, n, tmp->path());
    }
  }
  FileStat after = fstat_fd(fd.get(), src);
  if (!after.same_as(out.st) || total != out.st.size)
    throw Error(ExitCode::Io, fmt::format("{} changed while being added", display),
                "run the command again once nothing is writing to it");
  out.id = h.finish();
  if (has(out.id)) return out;
  if (!tmp) {
    tmp = std::make_unique<TempFile>(tmp_, "obj");
    write_all(tmp->fd(), buf, n, tmp->path());
  }
  install(*tmp, out.id);
  out.written = true;
  return out;
}

ObjectId ObjectStore::put_bytes(std::string_view data) {
  ObjectId id = hash_bytes(algo_, data);
  if (has(id)) return id;
  TempFile tmp(tmp_, "obj");
  write_all(tmp.fd(), data.data(), data.size(), tmp.path());
  install(tmp, id);
  return id;
}

std::string ObjectStore::read_verified(const ObjectId& id, std::uint64_t max_bytes) const {
  fs::path p = path_of(id);
  if (!lstat_path(p)) fail(ExitCode::Missing, "object {} is missing from the store", id.str());
  std::string data = read_file(p, max_bytes);
  if (hash_bytes(id.algo, data) != id)
    throw Error(ExitCode::Missing, fmt::format("object {} in the store is corrupt", id.str()),
                "run 'mlops fsck' or restore it from a remote");
  return data;
}

bool ObjectStore::verify(const ObjectId& id) const {
  if (!has(id)) return false;
  try {
    return hash_file(path_of(id), id.algo) == id;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace mlops

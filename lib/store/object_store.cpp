#include "store/object_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <unordered_set>

#include "core/error.hpp"
#include "core/file_hash.hpp"
#include "core/hashing_copy.hpp"
#include "core/walk.hpp"

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

std::vector<ObjectId> ObjectStore::missing(const std::vector<ObjectId>& ids) const {
  std::vector<ObjectId> out;
  constexpr std::size_t kListAbove = 512;
  if (ids.size() < kListAbove) {
    for (const auto& id : ids)
      if (!has(id)) out.push_back(id);
    return out;
  }
  std::array<bool, 256> wanted{};
  for (const auto& id : ids) wanted[static_cast<std::size_t>(std::stoi(id.hex.substr(0, 2), nullptr, 16))] = true;
  std::unordered_set<std::string> present;
  for (std::size_t b = 0; b < 256; ++b) {
    if (!wanted[b]) continue;
    std::string prefix = fmt::format("{:02x}", b);
    if (!lstat_path(objects_ / prefix)) continue;
    walk_tree(objects_ / prefix, prefix, WalkVisitor{.enter_dir = [](const WalkEntry&) { return false; },
                                                     .file = [&](const WalkEntry& e) {
                                                       if (e.st.is_regular()) present.insert(e.rel);
                                                     },
                                                     .stat_entries = false});
  }
  for (const auto& id : ids)
    if (!present.count(id.hex.substr(0, 2) + '/' + id.hex.substr(2))) out.push_back(id);
  return out;
}

void ObjectStore::make_prefix_dir(const std::string& hex) {
  auto& made = prefix_made_[static_cast<std::size_t>(std::stoi(hex.substr(0, 2), nullptr, 16))];
  if (made.load(std::memory_order_relaxed)) return;
  fs::path dir = objects_ / hex.substr(0, 2);
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) fail_errno("create directory", dir.string(), errno);
  made = true;
}

TempFile ObjectStore::new_object(unsigned mode) const { return TempFile(tmp_, "obj", mode); }

void ObjectStore::for_each_object(const std::function<void(const ObjectId&, const FileStat&)>& fn,
                                  const std::function<void(const std::string&)>& stray) const {
  walk_tree(objects_, "", WalkVisitor{.file = [&](const WalkEntry& e) {
    // "ab/cdef…": the algorithm follows from the length of the name.
    if (e.st.is_regular() && e.rel.size() > 3 && e.rel[2] == '/') {
      if (auto id = ObjectId::from_hex(e.rel.substr(0, 2) + e.rel.substr(3))) {
        fn(*id, e.st);
        return;
      }
    }
    if (stray) stray(e.rel);
  }});
}

bool ObjectStore::install(TempFile& tmp, const ObjectId& id) {
  make_prefix_dir(id.hex);
  // Another writer may have stored the same bytes meanwhile: that is success.
  return tmp.commit(path_of(id), /*replace=*/false);
}

ObjectStore::Stored ObjectStore::put_file(const fs::path& src, std::string_view display, const FileStat& expected) {
  int raw = ::open(src.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (raw < 0) {
    if (errno == ENOENT) fail(ExitCode::Io, "{} vanished while being added", display);
    fail_errno("open", std::string(display), errno);
  }
  UniqueFd fd(raw);
  Stored out;
  out.st = expected;
  // The store keeps the source's privacy: no read bit for others it did not have.
  const unsigned mode = 0400 | (expected.mode & (S_IRGRP | S_IROTH));
  Hasher h(algo_);
  std::uint64_t total = 0;
  std::unique_ptr<TempFile> tmp;
  char* buf = thread_read_buffer();
  std::size_t n = 0;
  if (expected.size < kReadChunk) {
    // Small: read whole, hash, and write below only if the store lacks it. The
    // extra byte asked for shows a file that grew since it was listed.
    n = read_full(fd.get(), buf, static_cast<std::size_t>(expected.size) + 1, display);
    total = n;
    h.update(buf, n);
  } else {
    // Large: hashed as it is copied (core/hashing_copy.hpp).
    tmp = std::make_unique<TempFile>(new_object(mode));
    out.id = copy_hashing(fd.get(), tmp->fd(), expected.size, algo_, fs::path(display), "a temporary object");
    total = expected.size;
  }
  FileStat after = fstat_fd(fd.get(), src);
  if (!after.same_as(expected) || total != expected.size)
    throw Error(ExitCode::Io, fmt::format("{} changed while being added", display),
                "run the command again once nothing is writing to it");
  if (!tmp) {
    out.id = h.finish();
    if (has(out.id)) return out;
    tmp = std::make_unique<TempFile>(new_object(mode));
    write_all(tmp->fd(), buf, n, display);
  }
  out.written = install(*tmp, out.id);
  return out;
}

ObjectId ObjectStore::put_bytes(std::string_view data) {
  ObjectId id = hash_bytes(algo_, data);
  if (has(id)) return id;
  TempFile tmp = new_object();
  write_all(tmp.fd(), data.data(), data.size(), "object " + id.str());
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

#pragma once
// A remote holds objects in the same layout as the local store
// (PREFIX/objects/ab/cdef…), whatever its kind, so that a folder remote copied
// to a bucket is a valid bucket remote and the reverse.
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <unordered_map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/error.hpp"
#include "core/fs.hpp"
#include "core/hash.hpp"
#include "store/pack.hpp"

namespace mlops {

class Repo;
class Config;

// Pack indexes read before, by file name: they never change under their name
// (RemoteIndex keeps them in the state database).
class PackIndexCache {
public:
  virtual ~PackIndexCache() = default;
  virtual std::optional<std::string> find_pack_index(const std::string& name) = 0;
  virtual void keep_pack_index(const std::string& name, const std::string& text) = 0;
  virtual void forget_pack_index(const std::string& name) = 0;
};

struct RemoteSpec {
  std::string name;
  std::string url;  // as configured
  unsigned jobs = 0;
  bool packs = false;  // remote.NAME.packs: push small objects in packs
};

// Receives an object's bytes, in order.
using ObjectSink = std::function<void(const char*, std::size_t)>;

class Remote {
public:
  explicit Remote(std::string name) : name_(std::move(name)) {}
  virtual ~Remote() = default;
  // Its name in the configuration, for messages.
  const std::string& name() const { return name_; }
  // Where it is, for messages and for the remote index.
  virtual std::string location() const = 0;
  // Whether there is a remote there at all (a folder remote's folder); a
  // bucket says so itself when asked.
  virtual bool exists() const { return true; }
  // Whether the remote holds an object of that name as a loose object
  // (content is checked on download); holds() also looks in the packs.
  virtual bool has(const ObjectId& id) = 0;
  bool holds(const ObjectId& id) { return packed().count(id.hex) || has(id); }
  // Stores a local file of `size` bytes as object `id`, hashing the bytes it
  // sends on the same pass; it is visible under its name only once complete.
  // Returns false, and stores nothing, when the file does not hash to `id`.
  virtual bool put(const ObjectId& id, const fs::path& local, std::uint64_t size) = 0;
  // Streams object `id` to `sink`, in order, from its pack or as a loose
  // object; false when the remote lacks it.
  // Throws ObjectTooLarge, keeping nothing more, once more than `max_bytes`
  // arrive, and Error(Remote) when the remote fails or holds something that is
  // not a plain file under that name.
  bool get(const ObjectId& id, std::uint64_t max_bytes, const ObjectSink& sink);
  // Moves a damaged object out of the way (a folder remote's quarantine/; an
  // S3 remote deletes it), so that the next push sends a good copy.
  virtual void quarantine(const ObjectId& id) = 0;
  // The hex names of every object on the remote, in one listing; push uses it
  // instead of asking object by object when it has many to check.
  virtual std::unordered_set<std::string> list() = 0;
  // list() and the objects in packs.
  std::unordered_set<std::string> list_all();

  // Packs (store/pack.hpp). Where each packed object is, from every index on
  // the remote: read once per Remote (one listing, a request per index),
  // thread-safe. An index that fails its checks is left out (its objects
  // count as absent) and said in pack_notes().
  struct PackedAt {
    const std::string* pack;  // the pack's name
    std::uint64_t offset = 0, size = 0;  // its stretch of the pack
    bool zstd = false;                   // one zstd frame of the object
  };
  const std::unordered_map<std::string, PackedAt>& packed();
  // The copies of an object that other packs claim besides the one packed()
  // names (a repack killed midway, two clones pushing the same object, or a
  // planted pack), to try when that one fails.
  std::vector<PackedAt> other_copies(const ObjectId& id);
  // Whether packed() has been read.
  bool packs_known();
  // Where packed() finds the indexes it read before, and keeps those it
  // reads (borrowed; it must outlive the Remote's use). Without one, every
  // index is read from the remote.
  void use_pack_cache(PackIndexCache* cache) { pack_cache_ = cache; }
  // Whether some index packed() holds came from the cache.
  bool packs_from_cache();
  // The next packed() reads every index from the remote, not the cache, and
  // keeps what it reads there (an index replaced on the remote, or one the
  // cache holds damaged).
  void reload_packs();
  // The next packed() lists the packs again (the cache still serves the
  // indexes it holds).
  void relist_packs();
  // An object of this pack failed its check: its index is read again from
  // the remote next time (a forged or damaged index, fixed since, is not
  // kept for good).
  void distrust_pack(const std::string& pack);
  // The object's bytes from the first of its copies that matches its id:
  // as get() finds it, else loose, else in the other packs that claim it.
  // nullopt when none does. For small objects (manifests), held in memory.
  std::optional<std::string> get_checked(const ObjectId& id, std::uint64_t max_bytes);
  // The object from its stretch of a pack (decompressed when it is zstd), or
  // as a loose object: as get(), from that copy alone.
  bool get_packed(const ObjectId& id, const PackedAt& at, std::uint64_t max_bytes, const ObjectSink& sink);
  bool get_loose(const ObjectId& id, std::uint64_t max_bytes, const ObjectSink& sink);
  std::vector<std::string> pack_notes();
  // Every index on the remote, by pack, each checked, in name order: from
  // the cache when `cached` and it holds them, else read (and then kept).
  // Those that fail their checks are left out and said in `notes`, and all
  // after the first kMaxPackEntries objects.
  struct PackIndex {
    std::string pack;  // its name
    std::vector<PackEntry> entries;
    bool from_cache = false;
  };
  std::vector<PackIndex> read_pack_indexes(bool cached, std::vector<std::string>& notes);
  // Sends a pack, then its index (each whole or not at all; the index last,
  // so that an interrupted push leaves nothing a reader would use).
  void put_pack(const PackWriter::Finished& pack);

  // gc -r: every object with its size and time of writing (ms since the
  // epoch), in one listing.
  struct Listed {
    std::string hex;
    std::uint64_t size = 0;
    std::int64_t written_ms = 0;
  };
  virtual std::vector<Listed> list_with_times() = 0;
  // Removes an object for good (gc -r); no error when it is gone already.
  virtual void remove(const ObjectId& id) = 0;
  // The files in `dir` (as list_files) with their sizes and times of writing.
  struct ListedFile {
    std::string name;
    std::uint64_t size = 0;
    std::int64_t written_ms = 0;
  };
  virtual std::vector<ListedFile> list_files_with_times(const std::string& dir) = 0;
  // Removes the file dir/name (gc -r, of packs); no error when it is gone.
  virtual void remove_file(const std::string& dir, const std::string& name) = 0;
  // Removes what killed pushes left half-written (a folder's tmp/ files, S3
  // multipart uploads) that began before `before_ms`; returns how many.
  // nullopt when the remote cannot list them (a server without
  // ListMultipartUploads).
  virtual std::optional<std::size_t> clean_partial_uploads(std::int64_t before_ms) = 0;

  // Small named files beside the objects (PREFIX/runs/NAME: shared run
  // records). `dir` and `name` are mlops's own names (letters, digits, '-',
  // '.'), never a user's. Written whole or not at all; an existing file of that
  // name is left alone (names carry the content's hash), or with `replace`
  // replaced (a pack: what is there under its name may not be what the
  // name says).
  virtual void write_file(const std::string& dir, const std::string& name, std::string_view bytes,
                          bool replace = false) = 0;
  // nullopt when absent; DamagedObject when larger than max_bytes or not a
  // plain file, Error(Remote) when the remote fails.
  virtual std::optional<std::string> read_file(const std::string& dir, const std::string& name,
                                               std::uint64_t max_bytes) = 0;
  // The names in `dir` that sort after `start_after`, sorted.
  virtual std::vector<std::string> list_files(const std::string& dir, const std::string& start_after = {}) = 0;

  // A file in another tool's layout under the remote's prefix (DVC's
  // files/md5/ab/cdef…, for mlops import dvc --fetch), streamed to `sink`;
  // false when absent. `key` is '/'-separated lowercase hex, letters, digits
  // and '.', checked by the caller. DamagedObject past max_bytes or when it
  // is not a plain file; Error(Remote) when the remote fails.
  virtual bool read_foreign(const std::string& key, std::uint64_t max_bytes, const ObjectSink& sink) = 0;
  // `length` bytes of the small file dir/name from `offset`, streamed to
  // `sink`: false when the file is absent. DamagedObject when more than
  // `length` bytes arrive or it is not a plain file; fewer arrive when the
  // file is shorter (the caller's hash check fails then).
  virtual bool read_range(const std::string& dir, const std::string& name, std::uint64_t offset,
                          std::uint64_t length, const ObjectSink& sink) = 0;

protected:
  // get() without the count: may stop early when it knows the size.
  virtual bool read(const ObjectId& id, std::uint64_t max_bytes, const ObjectSink& sink) = 0;
  [[noreturn]] void too_large(const ObjectId& id, std::uint64_t max_bytes) const;

private:
  std::string name_;
  std::mutex packs_mu_;  // not std::call_once: libstdc++'s cannot be left by an exception (GCC bug 66146)
  bool packs_read_ = false;
  PackIndexCache* pack_cache_ = nullptr;
  bool from_cache_ = false, bypass_cache_ = false;
  std::set<std::string> pack_names_;  // what PackedAt::pack points into
  std::unordered_map<std::string, PackedAt> packed_;
  std::unordered_multimap<std::string, PackedAt> other_copies_;
  std::vector<std::string> pack_notes_;
};

// One object on the remote is damaged (served larger than expected, not a
// regular file): nothing of it is kept, and the other objects still come.
class DamagedObject : public Error {
public:
  using Error::Error;
};
class ObjectTooLarge : public DamagedObject {
public:
  using DamagedObject::DamagedObject;
};

// The remote called `name` (empty: the default, core.remote, or the only one).
// Throws Error(Usage) naming what is wrong when there is no such remote.
RemoteSpec remote_spec(const Config& cfg, const std::string& name);
// The names of the configured remotes, in file order.
std::vector<std::string> remote_names(const Config& cfg);
// Checks a remote name and URL; throws Error(Usage).
void check_remote(const std::string& name, const std::string& url);

std::unique_ptr<Remote> open_remote(const Repo& repo, const RemoteSpec& spec);

}  // namespace mlops

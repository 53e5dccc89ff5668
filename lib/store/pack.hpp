#pragma once
// Packs: many small objects in one file with an index, so that a remote
// holds (and a push sends) 100,000 small objects as a few dozen files, not
// 100,000. The layout, for other implementations:
//
//   PREFIX/packs/NAME.pack   "mlops-pack 1\n", then the objects back to back,
//                            each as its bytes or as one zstd frame of them.
//   PREFIX/packs/NAME.idx    "mlops-pack-index 1\n", then a line per object,
//                            sorted by id: "ID OFFSET LENGTH CODING\n" (ID as in
//                            pointer files; OFFSET and LENGTH in bytes, of its
//                            stretch of the pack; CODING "raw" or "zstd").
//
// NAME is the hex digest of the pack's bytes, in the repository's algorithm.
// A pack is written before its index, each whole or not at all: a reader
// uses only the packs it finds an index for, so an interrupted push leaves
// nothing a reader would use. Objects keep their ids (of their own bytes);
// every object read from a pack is re-hashed like any other, so a crafted
// index can make a read fail but never hand over wrong content. Packs sit
// beside the loose objects (PREFIX/objects/ab/cdef…); a remote may hold both.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/fs.hpp"
#include "core/hash.hpp"

namespace mlops {

constexpr std::string_view kPackMagic = "mlops-pack 1\n";
constexpr std::string_view kPackIndexMagic = "mlops-pack-index 1\n";
constexpr const char* kPackDir = "packs";
// Objects at most this big travel in packs; a pack holds about kPackTarget bytes.
constexpr std::uint64_t kPackObjectMax = 1u << 20;
constexpr std::uint64_t kPackTarget = 32u << 20;
// Fewer objects than this are not worth a pack (and an index every reader reads).
constexpr std::size_t kFewestPacked = 16;
// What an index read from a remote may be; kMaxPackEntries bounds the sum
// of a remote's indexes too.
constexpr std::uint64_t kMaxPackIndexBytes = 128u << 20;
constexpr std::size_t kMaxPackEntries = 2'000'000;

struct PackEntry {
  ObjectId id;
  std::uint64_t offset = 0, size = 0;  // of the stretch of the pack it takes
  bool zstd = false;                   // that stretch is one zstd frame of the object
};

// The index text of `entries` (sorted here).
std::string encode_pack_index(std::vector<PackEntry> entries);
// Throws Error(Remote) "WHERE:LINE: what is wrong": a bad header, id, number
// or coding, an offset inside the header, a length past kPackObjectMax,
// unsorted or repeated ids, more than kMaxPackEntries lines.
std::vector<PackEntry> parse_pack_index(std::string_view text, const std::string& where);
// "NAME.idx" with NAME 32 or 64 lowercase hex digits: NAME, else "".
std::string pack_name_of_index(std::string_view file);
// "NAME.pack" likewise.
std::string pack_name_of_pack(std::string_view file);

// A pack built in memory from objects of the store.
class PackWriter {
public:
  explicit PackWriter(HashAlgo algo);
  // Appends the object at `file` (of `size` bytes), hashing it, compressed
  // when that pays: false, adding nothing, when its content is not `id` (a
  // damaged store object).
  bool add(const ObjectId& id, const fs::path& file, std::uint64_t size);
  // Appends an object whose content the caller has checked to be `id`.
  void add_checked(const ObjectId& id, std::string_view bytes);
  bool empty() const { return entries_.empty(); }
  std::uint64_t bytes() const { return pack_.size(); }
  std::uint64_t raw_bytes() const { return raw_bytes_; }  // of the objects, uncompressed

  struct Finished {
    std::string name;          // hex digest of `pack`
    std::string pack, index;   // the two files' bytes
    std::vector<ObjectId> ids;
  };
  Finished finish() &&;

private:
  // The object just appended from `start`, compressed when that pays, and indexed.
  void seal(const ObjectId& id, std::size_t start);

  HashAlgo algo_;
  std::string pack_;
  std::vector<PackEntry> entries_;
  std::uint64_t raw_bytes_ = 0;
};

}  // namespace mlops

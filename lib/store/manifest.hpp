#pragma once
// A folder's version: sorted lines "id size mode relative/path", itself stored as
// an object whose id is the folder's id.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/hash.hpp"

namespace mlops {

// The most a folder manifest may weigh (its size is in no pointer): the
// store, transfer and gc -r read manifests whole up to this bound.
constexpr std::uint64_t kMaxManifestBytes = 1u << 30;

struct ManifestEntry {
  std::string path;  // relative to the folder, '/'-separated, checked safe
  ObjectId id;
  std::uint64_t size = 0;
  bool executable = false;
};

struct Manifest {
  std::vector<ManifestEntry> entries;  // sorted by path, unique

  std::uint64_t total_size() const;
  // Sorts the entries; throws Error(Input) on a duplicate path.
  void normalise();
  std::string serialize() const;
  // Throws Error(Input) naming `source` and the line on any malformed line,
  // unsafe path, or out-of-order entry.
  static Manifest parse(std::string_view text, std::string_view source);
  const ManifestEntry* find(std::string_view path) const;
};

}  // namespace mlops

#pragma once
// Pointer files (PATH.mlops): small YAML files, tracked by git, that name the
// version of a file or folder kept in the store.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/hash.hpp"

namespace mlops {

enum class Kind { File, Dir };
std::string_view kind_name(Kind k);

struct Pointer {
  std::string path;  // the data's name, beside the pointer file
  ObjectId id;
  std::uint64_t size = 0;
  Kind kind = Kind::File;
  std::uint64_t files = 1;
  bool executable = false;  // a file's x bit ("executable: true"; a folder's are in its manifest)
};

constexpr std::string_view kPointerSuffix = ".mlops";

// Stable field order, so that git diffs stay small.
std::string serialize_pointer(const Pointer& p);
// Throws Error(Input) naming `source` and the line for malformed YAML, unknown
// or missing fields, bad ids, unsafe paths, and merge-conflict markers.
Pointer parse_pointer(std::string_view text, std::string_view source);

}  // namespace mlops

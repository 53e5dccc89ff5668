#pragma once
// zstd (libzstd, linked in) for objects in packs: compressed when it pays,
// decompressed with a bound, since a compressed object may come from anyone.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mlops {

// `data` compressed (one zstd frame that records its size), or nullopt when
// that would not save at least an eighth (already compressed data: images,
// model weights, archives) or the data is too small to bother.
std::optional<std::string> zstd_compress_if_smaller(std::string_view data);
// One zstd frame decompressed; Error(Remote) naming `where` when it is not
// one whole valid frame, or would give more than `max_bytes` (checked before
// and while decompressing, so that a small bomb cannot fill memory).
std::string zstd_decompress(std::string_view frame, std::uint64_t max_bytes, const std::string& where);

}  // namespace mlops

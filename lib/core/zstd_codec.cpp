#include "core/zstd_codec.hpp"

#include <zstd.h>

#include <memory>

#include <fmt/format.h>

#include "core/error.hpp"

namespace mlops {

namespace {

// Fast and already within a few percent of the ratio of the levels above it
// for CSV and JSON text.
constexpr int kLevel = 3;
constexpr std::size_t kMinBytes = 64;

struct DctxFree {
  void operator()(ZSTD_DCtx* c) const { ZSTD_freeDCtx(c); }
};

}  // namespace

std::optional<std::string> zstd_compress_if_smaller(std::string_view data) {
  if (data.size() < kMinBytes) return std::nullopt;
  std::string out(ZSTD_compressBound(data.size()), '\0');
  std::size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), kLevel);
  if (ZSTD_isError(n) || n > data.size() - data.size() / 8) return std::nullopt;
  out.resize(n);
  return out;
}

std::string zstd_decompress(std::string_view frame, std::uint64_t max_bytes, const std::string& where) {
  auto bad = [&](const std::string& what) -> std::string {
    throw Error(ExitCode::Remote, fmt::format("{}: {}", where, what));
  };
  unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (size == ZSTD_CONTENTSIZE_ERROR) return bad("not a zstd frame");
  if (size == ZSTD_CONTENTSIZE_UNKNOWN) return bad("a zstd frame that does not say its size");
  if (size > max_bytes) return bad(fmt::format("decompresses to {} bytes, more than the {} expected", size, max_bytes));
  if (ZSTD_findFrameCompressedSize(frame.data(), frame.size()) != frame.size())
    return bad("not one whole zstd frame");
  std::unique_ptr<ZSTD_DCtx, DctxFree> ctx(ZSTD_createDCtx());
  if (!ctx) throw std::bad_alloc();
  std::string out(static_cast<std::size_t>(size), '\0');
  // The output buffer holds exactly the size the frame declares: a frame
  // that would write more fails here rather than growing anything.
  std::size_t n = ZSTD_decompressDCtx(ctx.get(), out.data(), out.size(), frame.data(), frame.size());
  if (ZSTD_isError(n)) return bad(fmt::format("damaged zstd data ({})", ZSTD_getErrorName(n)));
  if (n != size) return bad("the zstd frame is shorter than it says");
  return out;
}

}  // namespace mlops

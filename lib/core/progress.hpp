#pragma once
// Counters that long operations advance from any thread; the CLI decides whether
// and how to draw them (lib never prints).
#include <atomic>
#include <cstdint>

namespace mlops {

struct Progress {
  std::atomic<std::uint64_t> files_total{0};
  std::atomic<std::uint64_t> files_done{0};
  std::atomic<std::uint64_t> bytes_total{0};
  std::atomic<std::uint64_t> bytes_done{0};

  void add_total(std::uint64_t files, std::uint64_t bytes) {
    files_total.fetch_add(files, std::memory_order_relaxed);
    bytes_total.fetch_add(bytes, std::memory_order_relaxed);
  }
  void advance(std::uint64_t files, std::uint64_t bytes) {
    files_done.fetch_add(files, std::memory_order_relaxed);
    bytes_done.fetch_add(bytes, std::memory_order_relaxed);
  }
};

// Lets callers pass nullptr when nobody watches.
inline void advance(Progress* p, std::uint64_t files, std::uint64_t bytes) {
  if (p) p->advance(files, bytes);
}
inline void add_total(Progress* p, std::uint64_t files, std::uint64_t bytes) {
  if (p) p->add_total(files, bytes);
}

}  // namespace mlops

#include "core/heap.hpp"

#include <malloc.h>
#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>

namespace mlops {

// Under AddressSanitizer malloc is ASan's: the tuning below does nothing for
// it, and the block costs a fresh mapping, its shadow written twice, and a
// place in the quarantine (half of `mlops status`'s time there).
#if defined(__SANITIZE_ADDRESS__)
#define MLOPS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MLOPS_ASAN 1
#endif
#endif

void prefer_huge_pages([[maybe_unused]] std::size_t bytes) {
#ifndef MLOPS_ASAN
  constexpr std::uintptr_t kHuge = 2u << 20;
  // Take `bytes` from the heap (not a separate mapping) and give them back
  // without trimming: the heap's top then spans them, untouched, and small
  // allocations are carved from it.
  ::mallopt(M_MMAP_THRESHOLD, static_cast<int>(bytes * 2));
  ::mallopt(M_TRIM_THRESHOLD, static_cast<int>(bytes * 4));
  void* block = std::malloc(bytes);
  if (!block) return;
  auto from = (reinterpret_cast<std::uintptr_t>(block) + kHuge - 1) & ~(kHuge - 1);
  auto to = (reinterpret_cast<std::uintptr_t>(block) + bytes) & ~(kHuge - 1);
  if (to > from) ::madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);
  std::free(block);
#endif
}

void keep_heap_warm() {
  ::mallopt(M_ARENA_MAX, 4);
  ::mallopt(M_MMAP_THRESHOLD, 64 << 20);
  ::mallopt(M_TRIM_THRESHOLD, 512 << 20);
}

}  // namespace mlops

#pragma once
// Asking for transparent huge pages on the heap, for commands that build
// large in-memory tables (exp list over thousands of runs): with 4 KiB pages
// a fifth of their time is page faults. What glibc.malloc.hugetlb=1 does,
// for this process only; harmless where THP is off.
#include <cstddef>

namespace mlops {

// Grows the heap's reserve by `bytes` (address space only) and marks it for
// huge pages; later allocations land there.
void prefer_huge_pages(std::size_t bytes);

// For a server answering request after request from many threads (mlops ui):
// a few arenas shared by the threads, and freed memory kept instead of being
// returned to the kernel and faulted in again for the next request (which
// was a third of the time of a large answer).
void keep_heap_warm();

}  // namespace mlops

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

}  // namespace mlops

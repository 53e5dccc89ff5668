#include "core/lazy_library.hpp"

#include <dlfcn.h>

#include "core/error.hpp"

namespace mlops {

void* LazyLibrary::symbol(const char* name) {
  std::call_once(once_, [&] {
    // RTLD_LOCAL: the library's symbols stay its own.
    handle_ = ::dlopen(soname_, RTLD_NOW | RTLD_LOCAL);
    if (!handle_) error_ = ::dlerror();
  });
  if (!handle_)
    throw Error(ExitCode::Internal, fmt::format("cannot load {} ({}): {}", what_, soname_, error_),
                fmt::format("install the package that provides {}", soname_));
  void* p = ::dlsym(handle_, name);
  if (!p) fail(ExitCode::Internal, "{} ({}) has no function {}", what_, soname_, name);
  return p;
}

}  // namespace mlops

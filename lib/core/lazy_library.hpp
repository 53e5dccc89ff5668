#pragma once
// Shared libraries loaded on first use instead of at start-up. libgit2 and
// libcurl pull in some 35 libraries (TLS, Kerberos, LDAP, SSH, ...) and
// libcrypto is large: mapping them costs every command milliseconds, although
// most commands — and `mlops exp log`, called once per metric — never touch
// git, the network or SHA-256.
//
// MLOPS_LAZY(lib, ret, name, (params), (args)) defines the C function `name`
// with the signature its header declares (a mismatch does not compile); the
// first call loads the library and looks the symbol up. The library is
// opened RTLD_LOCAL and mlopslib's symbols are kept out of the executable's
// dynamic symbol table (--exclude-libs), so these definitions never interpose
// on the library's own.
#include <mutex>
#include <string>

namespace mlops {

class LazyLibrary {
public:
  LazyLibrary(const char* soname, const char* what) : soname_(soname), what_(what) {}
  // The symbol's address; throws Error(Internal) naming the library when it
  // or the symbol cannot be loaded.
  void* symbol(const char* name);

private:
  const char* soname_;
  const char* what_;
  std::once_flag once_;
  void* handle_ = nullptr;
  std::string error_;
};

}  // namespace mlops

#define MLOPS_LAZY(lib, ret, name, params, args)                                        \
  extern "C" ret name params {                                                          \
    using Fn = ret(*) params;                                                           \
    static const Fn fn = reinterpret_cast<Fn>((lib).symbol(#name));                     \
    return fn args;                                                                     \
  }

// libcurl, loaded on first use (see core/lazy_library.hpp). curl_easy_setopt
// and curl_easy_getinfo are variadic: the one argument is passed on with the
// type the option number implies, as libcurl itself reads it.
#define CURL_DISABLE_TYPECHECK  // the typecheck macros would rename the definitions below
#include <curl/curl.h>

#include <cstdarg>

#include "core/lazy_library.hpp"

namespace mlops {
static LazyLibrary& libcurl_library() {
  static LazyLibrary lib(MLOPS_LIBCURL_SONAME, "libcurl");
  return lib;
}
}  // namespace mlops

#define CURL(ret, name, params, args) MLOPS_LAZY(mlops::libcurl_library(), ret, name, params, args)

CURL(CURLcode, curl_global_init, (long flags), (flags))
CURL(CURL*, curl_easy_init, (), ())
CURL(void, curl_easy_cleanup, (CURL * h), (h))
CURL(void, curl_easy_reset, (CURL * h), (h))
CURL(CURLcode, curl_easy_perform, (CURL * h), (h))
CURL(const char*, curl_easy_strerror, (CURLcode code), (code))
CURL(struct curl_slist*, curl_slist_append, (struct curl_slist * list, const char* s), (list, s))
CURL(void, curl_slist_free_all, (struct curl_slist * list), (list))
CURL(char*, curl_version, (), ())

namespace {

template <typename Fn>
Fn curl_function(const char* name) {
  return reinterpret_cast<Fn>(mlops::libcurl_library().symbol(name));
}

}  // namespace

extern "C" CURLcode curl_easy_setopt(CURL* h, CURLoption option, ...) {
  using Fn = CURLcode (*)(CURL*, CURLoption, ...);
  static const Fn fn = curl_function<Fn>("curl_easy_setopt");
  va_list ap;
  va_start(ap, option);
  CURLcode rc;
  if (option < CURLOPTTYPE_OBJECTPOINT) rc = fn(h, option, va_arg(ap, long));
  else if (option < CURLOPTTYPE_OFF_T) rc = fn(h, option, va_arg(ap, void*));  // objects and callbacks
  else if (option < CURLOPTTYPE_BLOB) rc = fn(h, option, va_arg(ap, curl_off_t));
  else rc = fn(h, option, va_arg(ap, void*));
  va_end(ap);
  return rc;
}

extern "C" CURLcode curl_easy_getinfo(CURL* h, CURLINFO info, ...) {
  using Fn = CURLcode (*)(CURL*, CURLINFO, ...);
  static const Fn fn = curl_function<Fn>("curl_easy_getinfo");
  va_list ap;
  va_start(ap, info);
  void* out = va_arg(ap, void*);  // always a pointer to where the answer goes
  va_end(ap);
  return fn(h, info, out);
}

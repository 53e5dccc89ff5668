// OpenSSL's libcrypto, opened on first use (see core/lazy_library.hpp): only
// SHA-256 object ids and S3 request signing need it, and loading it costs
// every start-up most of a millisecond.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/lazy_library.hpp"

namespace mlops {
static LazyLibrary& libcrypto_library() {
  static LazyLibrary lib(MLOPS_LIBCRYPTO_SONAME, "OpenSSL's libcrypto");
  return lib;
}
}  // namespace mlops

#define CRYPTO(ret, name, params, args) MLOPS_LAZY(mlops::libcrypto_library(), ret, name, params, args)

CRYPTO(const EVP_MD*, EVP_sha256, (), ())
CRYPTO(const EVP_MD*, EVP_md5, (), ())
CRYPTO(const char*, OpenSSL_version, (int type), (type))
CRYPTO(EVP_MD_CTX*, EVP_MD_CTX_new, (), ())
CRYPTO(void, EVP_MD_CTX_free, (EVP_MD_CTX * ctx), (ctx))
CRYPTO(int, EVP_DigestInit_ex, (EVP_MD_CTX * ctx, const EVP_MD* type, ENGINE* impl), (ctx, type, impl))
CRYPTO(int, EVP_DigestUpdate, (EVP_MD_CTX * ctx, const void* d, size_t cnt), (ctx, d, cnt))
CRYPTO(int, EVP_DigestFinal_ex, (EVP_MD_CTX * ctx, unsigned char* md, unsigned int* s), (ctx, md, s))
CRYPTO(unsigned char*, HMAC,
       (const EVP_MD* evp_md, const void* key, int key_len, const unsigned char* data, size_t data_len,
        unsigned char* md, unsigned int* md_len),
       (evp_md, key, key_len, data, data_len, md, md_len))

#include "core/md5.hpp"

#include <openssl/evp.h>

#include <fmt/format.h>

#include "core/error.hpp"

namespace mlops {

struct Md5::Impl {
  EVP_MD_CTX* ctx = nullptr;
  ~Impl() {
    if (ctx) EVP_MD_CTX_free(ctx);
  }
};

Md5::Md5() : impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx, EVP_md5(), nullptr) != 1) fail(ExitCode::Internal, "cannot initialise MD5");
}

Md5::~Md5() = default;

void Md5::update(const void* data, std::size_t n) { EVP_DigestUpdate(impl_->ctx, data, n); }

std::string Md5::hex() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx, md, &len);
  std::string out;
  for (unsigned i = 0; i < len; ++i) out += fmt::format("{:02x}", md[i]);
  return out;
}

std::string md5_hex(std::string_view data) {
  Md5 m;
  m.update(data);
  return m.hex();
}

}  // namespace mlops

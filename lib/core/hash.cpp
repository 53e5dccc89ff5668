#include "core/hash.hpp"

#include <openssl/evp.h>
#include <xxhash.h>

#include "core/error.hpp"
#include "core/text.hpp"

namespace mlops {

std::string_view algo_name(HashAlgo a) { return a == HashAlgo::Xxh128 ? "xxh128" : "sha256"; }

HashAlgo parse_algo(std::string_view name) {
  if (name == "xxh128") return HashAlgo::Xxh128;
  if (name == "sha256") return HashAlgo::Sha256;
  throw Error(ExitCode::Usage, fmt::format("unknown hash algorithm '{}'", name),
              "use xxh128 (default) or sha256");
}

static std::size_t hex_len(HashAlgo a) { return a == HashAlgo::Xxh128 ? 32 : 64; }

std::string ObjectId::str() const { return fmt::format("{}:{}", algo_name(algo), hex); }

std::optional<ObjectId> ObjectId::from_hex(std::string_view hex) {
  HashAlgo algo = hex.size() == hex_len(HashAlgo::Xxh128) ? HashAlgo::Xxh128 : HashAlgo::Sha256;
  if (!is_lower_hex(hex, hex_len(algo))) return std::nullopt;
  return ObjectId{algo, std::string(hex)};
}

bool ObjectId::try_parse(std::string_view text, ObjectId& out) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  auto name = text.substr(0, colon);
  HashAlgo algo;
  if (name == "xxh128") algo = HashAlgo::Xxh128;
  else if (name == "sha256") algo = HashAlgo::Sha256;
  else return false;
  auto hex = text.substr(colon + 1);
  if (!is_lower_hex(hex, hex_len(algo))) return false;
  out.algo = algo;
  out.hex = std::string(hex);
  return true;
}

ObjectId ObjectId::parse(std::string_view text) {
  ObjectId id;
  if (try_parse(text, id)) return id;
  auto colon = text.find(':');
  if (colon == std::string_view::npos)
    fail(ExitCode::Input, "object id '{}' has no algorithm prefix (expected xxh128:… or sha256:…)", text);
  auto name = text.substr(0, colon);
  if (name != "xxh128" && name != "sha256")
    fail(ExitCode::Input, "object id '{}' has an unknown hash prefix '{}'", text, name);
  fail(ExitCode::Input, "object id '{}' is not {} lowercase hex digits", text,
       hex_len(name == "xxh128" ? HashAlgo::Xxh128 : HashAlgo::Sha256));
}

struct Hasher::Impl {
  HashAlgo algo;
  XXH3_state_t* xxh = nullptr;
  EVP_MD_CTX* sha = nullptr;
  ~Impl() {
    if (xxh) XXH3_freeState(xxh);
    if (sha) EVP_MD_CTX_free(sha);
  }
};

Hasher::Hasher(HashAlgo algo) : impl_(std::make_unique<Impl>()) {
  impl_->algo = algo;
  if (algo == HashAlgo::Xxh128) {
    impl_->xxh = XXH3_createState();
    if (!impl_->xxh || XXH3_128bits_reset(impl_->xxh) != XXH_OK)
      fail(ExitCode::Internal, "cannot initialise XXH3");
  } else {
    impl_->sha = EVP_MD_CTX_new();
    if (!impl_->sha || EVP_DigestInit_ex(impl_->sha, EVP_sha256(), nullptr) != 1)
      fail(ExitCode::Internal, "cannot initialise SHA-256");
  }
}

Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::update(const void* data, std::size_t n) {
  if (impl_->xxh) XXH3_128bits_update(impl_->xxh, data, n);
  else EVP_DigestUpdate(impl_->sha, data, n);
}

static std::string to_hex(const unsigned char* p, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    s[2 * i] = digits[p[i] >> 4];
    s[2 * i + 1] = digits[p[i] & 15];
  }
  return s;
}

ObjectId Hasher::finish() {
  ObjectId id;
  id.algo = impl_->algo;
  if (impl_->xxh) {
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits_digest(impl_->xxh));
    id.hex = to_hex(c.digest, sizeof c.digest);
  } else {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(impl_->sha, md, &len);
    id.hex = to_hex(md, len);
  }
  return id;
}

ObjectId hash_bytes(HashAlgo algo, std::string_view data) {
  Hasher h(algo);
  h.update(data.data(), data.size());
  return h.finish();
}

}  // namespace mlops

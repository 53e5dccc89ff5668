#include "remote/sigv4.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/hash.hpp"

namespace mlops {

namespace {

std::string hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
            data.size(), out, &len))
    fail(ExitCode::Internal, "HMAC-SHA256 failed");
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string hex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) out += fmt::format("{:02x}", c);
  return out;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Header values: trimmed, inner runs of spaces folded to one.
std::string fold_spaces(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> canonical_headers(const SigV4Request& r) {
  std::vector<std::pair<std::string, std::string>> h;
  for (const auto& [name, value] : r.headers) h.emplace_back(lower(name), fold_spaces(value));
  std::sort(h.begin(), h.end());
  return h;
}

}  // namespace

std::string sha256_hex(std::string_view data) { return hash_bytes(HashAlgo::Sha256, data).hex; }

std::string sigv4_signed_headers(const SigV4Request& r) {
  std::string out;
  for (const auto& [name, value] : canonical_headers(r)) {
    if (!out.empty()) out += ';';
    out += name;
  }
  return out;
}

std::string sigv4_canonical_request(const SigV4Request& r) {
  std::vector<std::pair<std::string, std::string>> q;
  for (const auto& [k, v] : r.query) q.emplace_back(uri_encode(k, true), uri_encode(v, true));
  std::sort(q.begin(), q.end());
  std::string query;
  for (const auto& [k, v] : q) query += fmt::format("{}{}={}", query.empty() ? "" : "&", k, v);
  std::string headers;
  for (const auto& [name, value] : canonical_headers(r)) headers += name + ":" + value + "\n";
  return fmt::format("{}\n{}\n{}\n{}\n{}\n{}", r.method, r.path.empty() ? "/" : r.path, query, headers,
                     sigv4_signed_headers(r), r.payload_sha256);
}

std::string sigv4_string_to_sign(const SigV4Request& r) {
  std::string date = r.amz_date.substr(0, 8);
  return fmt::format("AWS4-HMAC-SHA256\n{}\n{}/{}/{}/aws4_request\n{}", r.amz_date, date, r.region, r.service,
                     sha256_hex(sigv4_canonical_request(r)));
}

std::string sigv4_signature(const SigV4Request& r, std::string_view secret_key) {
  std::string key = hmac(fmt::format("AWS4{}", secret_key), r.amz_date.substr(0, 8));
  key = hmac(key, r.region);
  key = hmac(key, r.service);
  key = hmac(key, "aws4_request");
  return hex(hmac(key, sigv4_string_to_sign(r)));
}

std::string sigv4_authorization(const SigV4Request& r, std::string_view access_key, std::string_view secret_key) {
  return fmt::format("AWS4-HMAC-SHA256 Credential={}/{}/{}/{}/aws4_request, SignedHeaders={}, Signature={}",
                     access_key, r.amz_date.substr(0, 8), r.region, r.service, sigv4_signed_headers(r),
                     sigv4_signature(r, secret_key));
}

}  // namespace mlops

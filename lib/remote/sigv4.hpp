#pragma once
// AWS Signature Version 4, as a pure function of the request: no clock, no I/O,
// so that it can be checked against the published test vectors.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/text.hpp"  // uri_encode

namespace mlops {

struct SigV4Request {
  std::string method;                                        // "GET"
  std::string path;                                          // URI-encoded, as sent: "/bucket/a%20b"
  std::vector<std::pair<std::string, std::string>> query;    // decoded names and values
  std::vector<std::pair<std::string, std::string>> headers;  // every header to sign (host included)
  std::string payload_sha256;                                // hex, or "UNSIGNED-PAYLOAD"
  std::string amz_date;                                      // "20130524T000000Z"
  std::string region;                                        // "us-east-1"
  std::string service = "s3";
};

std::string sigv4_canonical_request(const SigV4Request& r);
std::string sigv4_signed_headers(const SigV4Request& r);
std::string sigv4_string_to_sign(const SigV4Request& r);
std::string sigv4_signature(const SigV4Request& r, std::string_view secret_key);
// The Authorization header's value.
std::string sigv4_authorization(const SigV4Request& r, std::string_view access_key, std::string_view secret_key);

// Lower-case hex SHA-256 of data.
std::string sha256_hex(std::string_view data);

}  // namespace mlops

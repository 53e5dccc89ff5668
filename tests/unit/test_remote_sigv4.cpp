// AWS Signature V4 against published vectors: the worked examples of the S3
// SigV4 documentation ("Signature calculations for the Authorization header",
// example keys AKIAIOSFODNN7EXAMPLE) and cases of the AWS SigV4 test suite
// (AKIDEXAMPLE, 20150830T123600Z). The same values come out of botocore's
// signer (python3-botocore), which the S3 tests use as their independent gate.
#include <doctest/doctest.h>

#include "remote/sigv4.hpp"

using namespace mlops;

namespace {
constexpr const char* kEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* kDocSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr const char* kSuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

SigV4Request doc_request(std::string method, std::string path) {
  SigV4Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.amz_date = "20130524T000000Z";
  r.region = "us-east-1";
  r.payload_sha256 = kEmpty;
  r.headers = {{"Host", "examplebucket.s3.amazonaws.com"}, {"x-amz-date", r.amz_date}, {"x-amz-content-sha256", kEmpty}};
  return r;
}

SigV4Request suite_request(std::string method, std::string path, std::vector<std::pair<std::string, std::string>> query = {}) {
  SigV4Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.query = std::move(query);
  r.amz_date = "20150830T123600Z";
  r.region = "us-east-1";
  r.service = "service";
  r.payload_sha256 = kEmpty;
  r.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", r.amz_date}};
  return r;
}
}  // namespace

TEST_CASE("S3 docs: GET object with a Range header") {
  auto r = doc_request("GET", "/test.txt");
  r.headers.push_back({"Range", "bytes=0-9"});
  CHECK(sigv4_canonical_request(r) ==
        "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
        "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
        "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sigv4_string_to_sign(r) ==
        "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
        "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  CHECK(sigv4_signature(r, kDocSecret) == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  CHECK(sigv4_authorization(r, "AKIAIOSFODNN7EXAMPLE", kDocSecret) ==
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST_CASE("S3 docs: PUT object") {
  auto r = doc_request("PUT", "/test%24file.text");
  r.payload_sha256 = sha256_hex("Welcome to Amazon S3.");
  CHECK(r.payload_sha256 == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  r.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
               {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
               {"x-amz-date", r.amz_date},
               {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
               {"x-amz-content-sha256", r.payload_sha256}};
  CHECK(sigv4_signed_headers(r) == "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class");
  CHECK(sigv4_signature(r, kDocSecret) == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST_CASE("S3 docs: GET with a query parameter (bucket lifecycle)") {
  auto r = doc_request("GET", "/");
  r.query = {{"lifecycle", ""}};
  CHECK(sigv4_canonical_request(r).find("\n/\nlifecycle=\n") != std::string::npos);
  CHECK(sigv4_signature(r, kDocSecret) == "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST_CASE("S3 docs: ListObjects with sorted query parameters") {
  auto r = doc_request("GET", "/");
  r.query = {{"prefix", "J"}, {"max-keys", "2"}};
  CHECK(sigv4_canonical_request(r).find("\n/\nmax-keys=2&prefix=J\n") != std::string::npos);
  CHECK(sigv4_signature(r, kDocSecret) == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST_CASE("SigV4 test suite cases") {
  CHECK(sigv4_signature(suite_request("GET", "/"), kSuiteSecret) ==
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");  // get-vanilla
  CHECK(sigv4_signature(suite_request("GET", "/", {{"Param2", "value2"}, {"Param1", "value1"}}), kSuiteSecret) ==
        "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");  // get-vanilla-query-order-key-case
  CHECK(sigv4_signature(suite_request("POST", "/"), kSuiteSecret) ==
        "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");  // post-vanilla
  CHECK(sigv4_signature(suite_request("GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
                        kSuiteSecret) == "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f");  // get-unreserved
}

TEST_CASE("URI encoding for keys that stress canonicalisation") {
  CHECK(uri_encode("a b+c=d~e%f/g", false) == "a%20b%2Bc%3Dd~e%25f/g");
  CHECK(uri_encode("a/b", true) == "a%2Fb");
  CHECK(uri_encode("\xc3\xa9", false) == "%C3%A9");
}

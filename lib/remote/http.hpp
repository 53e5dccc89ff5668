#pragma once
// One HTTP request over libcurl, on a handle kept per thread so that
// connections are reused. No retries here: the caller decides what is safe to
// repeat.
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace mlops {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  // The body: either text, or `length` bytes of fd from `offset`.
  std::string body;
  int body_fd = -1;
  long long body_offset = 0;
  long long body_length = 0;
  // Receives the response body of a 2xx answer (others are kept in
  // `error_body`, up to 64 KiB). What it throws ends the transfer and is
  // rethrown by http_perform. Without it a 2xx body is kept in `body`, up to
  // 16 MiB (Error(Remote) beyond).
  std::function<void(const char*, std::size_t)> on_data;
  long timeout_connect_s = 10;
  long stall_timeout_s = 30;  // abort when no byte moves for this long
};

struct HttpResponse {
  long status = 0;          // 0 when no answer came (network error)
  std::string error;        // curl's message when status == 0
  std::string error_body;   // the body of a non-2xx answer (S3's XML error)
  std::string body;         // a 2xx body when no on_data was given
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names
  std::string header(const std::string& name) const;
};

HttpResponse http_perform(const HttpRequest& req);

}  // namespace mlops

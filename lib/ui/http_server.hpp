#pragma once
// The HTTP server behind `mlops ui`: cpp-httplib (Debian's libcpp-httplib),
// kept in a module of its own, mlops-http.so, that only `mlops ui` opens.
// Linked into the executable it would load OpenSSL, zlib and brotli into
// every command: 12 ms more per start on this machine.
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace mlops {

struct UiRequest {
  std::string method;                            // GET or HEAD; the server answers others itself (405)
  std::string path;                              // percent-decoded
  std::multimap<std::string, std::string> query;  // decoded
  std::string cookie;                            // the Cookie header, as sent
  std::string host;                              // the Host header
  std::string query_value(const std::string& key) const {
    auto it = query.find(key);
    return it == query.end() ? std::string() : it->second;
  }
};

struct UiResponse {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct HttpServeOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port
  std::size_t threads = 64;
  // Called from several threads at once; what it throws becomes a 500.
  std::function<UiResponse(const UiRequest&)> handler;
  // Called once, when the port is bound (with the port: the one chosen for 0).
  std::function<void(int port)> listening;
};

// Serves until the process ends. Error(Io) when the address cannot be bound
// or the module cannot be loaded.
void serve_http(const HttpServeOptions& options);

// The entry point of mlops-http.so, looked up by name: returns 0, or fills
// `error` and returns 1.
using HttpServeFn = int (*)(const HttpServeOptions* options, std::string* error);

}  // namespace mlops

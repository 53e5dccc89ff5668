#pragma once
// What mlops ui answers: its pages and JSON API, read-only, from the state
// database and store of one repository. Every request opens the repository
// afresh (a connection per request: requests come from several threads, and
// a run may be logging meanwhile).
#include <atomic>
#include <string>

#include "core/fs.hpp"
#include "ui/http_server.hpp"

namespace mlops {

class UiSite {
public:
  // token: what a request must carry (?token=… once, then a cookie); empty: none.
  // loopback_only: answer only requests whose Host header names a loopback
  // address (or localhost) and the port: a web page the user visits cannot
  // then read the UI by pointing its own name at 127.0.0.1 (DNS rebinding).
  UiSite(fs::path repo_root, std::string token, bool loopback_only)
      : root_(std::move(repo_root)), token_(std::move(token)), loopback_only_(loopback_only) {}
  // The port bound (the server calls it before the first request).
  void set_port(int port) { port_ = port; }
  // Never throws: errors become pages (400 for bad input, 404 for what is not
  // there, 500 otherwise).
  UiResponse handle(const UiRequest& req) const;

  // Largest artifact file served (bigger ones: mlops exp get).
  static constexpr std::size_t kMaxArtifactBytes = 256u << 20;
  // Runs a page may hold at most, and rows an API answer.
  static constexpr std::size_t kMaxPerPage = 1000;
  static constexpr std::size_t kMaxApiRows = 10000;
  // Longest filter or columns text (links repeat it).
  static constexpr std::size_t kMaxQueryText = 4096;

private:
  UiResponse route(const UiRequest& req) const;
  bool host_allowed(const std::string& host) const;
  fs::path root_;
  std::string token_;
  bool loopback_only_ = true;
  std::atomic<int> port_{0};
};

}  // namespace mlops

#pragma once
// What mlops ui answers: its pages and JSON API, read-only, from the state
// database and store of one repository. Every request opens the repository
// afresh (a connection per request: requests come from several threads, and
// a run may be logging meanwhile).
#include <string>

#include "core/fs.hpp"
#include "ui/http_server.hpp"

namespace mlops {

class UiSite {
public:
  // token: what a request must carry (?token=… once, then a cookie); empty: none.
  UiSite(fs::path repo_root, std::string token) : root_(std::move(repo_root)), token_(std::move(token)) {}
  // Never throws: errors become pages (400 for bad input, 404 for what is not
  // there, 500 otherwise).
  UiResponse handle(const UiRequest& req) const;

  // Largest artifact file served (bigger ones: mlops exp get).
  static constexpr std::size_t kMaxArtifactBytes = 256u << 20;
  // Runs an API answer or a page may hold at most.
  static constexpr std::size_t kMaxPerPage = 1000;

private:
  UiResponse route(const UiRequest& req) const;
  fs::path root_;
  std::string token_;
};

}  // namespace mlops

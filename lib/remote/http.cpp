#include "remote/http.hpp"

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <exception>
#include <memory>
#include <mutex>

#include "core/error.hpp"

namespace mlops {

namespace {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* s) const { curl_slist_free_all(s); }
};
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

CURL* thread_handle() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  thread_local std::unique_ptr<CURL, CurlDeleter> handle(curl_easy_init());
  if (!handle) fail(ExitCode::Internal, "cannot initialise libcurl");
  curl_easy_reset(handle.get());  // options reset; the connection cache stays
  return handle.get();
}

// What is kept of an error answer's body (S3's XML error is a few hundred
// bytes); an endless one is cut off there, and the transfer ended.
constexpr std::size_t kMaxErrorBody = 64u << 10;
// A 2xx body kept in memory (listings, multipart answers): S3 sends at most
// 1,000 keys a page.
constexpr std::size_t kMaxBody = 16u << 20;

struct Transfer {
  CURL* curl = nullptr;
  const HttpRequest* req = nullptr;
  HttpResponse* resp = nullptr;
  long long sent = 0;
  bool error_body_cut = false;     // the error answer was longer than kMaxErrorBody
  std::exception_ptr failure;      // thrown by on_data: rethrown once curl returns
};

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* p) {
  auto* t = static_cast<Transfer*>(p);
  std::string line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    t->resp->headers.clear();  // a new response (after 100 Continue)
    return size * n;
  }
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string value = line.substr(colon + 1);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.pop_back();
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.erase(0, 1);
    t->resp->headers.emplace_back(name, value);
  }
  return size * n;
}

// Returning less than `len` makes curl end the transfer.
std::size_t on_body(char* data, std::size_t size, std::size_t n, void* p) {
  auto* t = static_cast<Transfer*>(p);
  std::size_t len = size * n;
  long status = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status >= 300) {
    std::string& kept = t->resp->error_body;
    if (kept.size() + len > kMaxErrorBody) {
      kept.append(data, kMaxErrorBody - kept.size());
      t->error_body_cut = true;
      return 0;
    }
    kept.append(data, len);
    return len;
  }
  // No exception may cross curl's C frames: kept, and rethrown after it returns.
  try {
    if (t->req->on_data) {
      t->req->on_data(data, len);
    } else {
      if (t->resp->body.size() + len > kMaxBody)
        fail(ExitCode::Remote, "the answer to {} {} is larger than {} MiB", t->req->method, t->req->url, kMaxBody >> 20);
      t->resp->body.append(data, len);
    }
  } catch (...) {
    t->failure = std::current_exception();
    return 0;
  }
  return len;
}

std::size_t on_read(char* buf, std::size_t size, std::size_t n, void* p) {
  auto* t = static_cast<Transfer*>(p);
  const HttpRequest& r = *t->req;
  std::size_t want = size * n;
  if (r.body_fd >= 0) {
    long long left = r.body_length - t->sent;
    if (left <= 0) return 0;
    ssize_t got = ::pread(r.body_fd, buf, std::min<long long>(left, static_cast<long long>(want)), r.body_offset + t->sent);
    if (got < 0) return CURL_READFUNC_ABORT;
    t->sent += got;
    return static_cast<std::size_t>(got);
  }
  long long left = static_cast<long long>(r.body.size()) - t->sent;
  std::size_t k = static_cast<std::size_t>(std::min<long long>(left, static_cast<long long>(want)));
  std::copy_n(r.body.data() + t->sent, k, buf);
  t->sent += static_cast<long long>(k);
  return k;
}

// Rewinds the upload when curl must send the body again (a redirect, an auth retry).
int on_seek(void* p, curl_off_t offset, int origin) {
  if (origin != SEEK_SET) return CURL_SEEKFUNC_CANTSEEK;
  static_cast<Transfer*>(p)->sent = offset;
  return CURL_SEEKFUNC_OK;
}

}  // namespace

std::string HttpResponse::header(const std::string& name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return {};
}

HttpResponse http_perform(const HttpRequest& req) {
  HttpResponse resp;
  CURL* c = thread_handle();
  Transfer t;
  t.curl = c;
  t.req = &req;
  t.resp = &resp;
  SlistPtr headers;
  for (const auto& [k, v] : req.headers) {
    std::string line = v.empty() ? k + ";" : k + ": " + v;
    headers.reset(curl_slist_append(headers.release(), line.c_str()));
  }
  // S3 does not need "Expect: 100-continue"; it costs a round trip per upload.
  headers.reset(curl_slist_append(headers.release(), "Expect:"));
  curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, req.timeout_connect_s);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, req.stall_timeout_s);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  long long length = req.body_fd >= 0 ? req.body_length : static_cast<long long>(req.body.size());
  if (req.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (req.method == "PUT" || req.method == "POST") {
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &t);
    curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, on_seek);
    curl_easy_setopt(c, CURLOPT_SEEKDATA, &t);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(length));
    if (req.method == "POST") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "POST");
  } else if (req.method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }
  CURLcode rc = curl_easy_perform(c);
  if (t.failure) std::rethrow_exception(t.failure);
  if (rc == CURLE_WRITE_ERROR && t.error_body_cut) {
    // The answer (its status and the start of its body) is all that is needed.
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
    return resp;
  }
  if (rc != CURLE_OK) {
    resp.status = 0;
    resp.error = curl_easy_strerror(rc);
    return resp;
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
  return resp;
}

}  // namespace mlops

#include "remote/s3_remote.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <thread>

#include "core/error.hpp"
#include "core/file_hash.hpp"
#include "core/parallel.hpp"
#include "core/text.hpp"
#include "remote/sigv4.hpp"
#include "repo/config.hpp"

namespace mlops {

namespace {

std::string amz_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// The text of <Tag>…</Tag> in an S3 XML document, or "".
std::string xml_value(const std::string& xml, const std::string& tag) {
  auto open = xml.find("<" + tag + ">");
  if (open == std::string::npos) return {};
  open += tag.size() + 2;
  auto close = xml.find("</" + tag + ">", open);
  return close == std::string::npos ? std::string() : xml.substr(open, close - open);
}

// XML's five escapes, undone (keys with '&' or '<' come escaped in listings).
std::string xml_unescape(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '&') {
      static constexpr std::pair<std::string_view, char> kEscapes[] = {
          {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
      bool done = false;
      for (const auto& [name, c] : kEscapes)
        if (v.substr(i).starts_with(name)) {
          out += c;
          i += name.size() - 1;
          done = true;
          break;
        }
      if (done) continue;
    }
    out += v[i];
  }
  return out;
}

// Each <Tag>…</Tag> block of an XML document, in order.
template <typename Fn>
void each_block(const std::string& xml, const std::string& tag, Fn fn) {
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  for (std::size_t pos = 0; (pos = xml.find(open, pos)) != std::string::npos;) {
    pos += open.size();
    auto end = xml.find(close, pos);
    if (end == std::string::npos) break;
    fn(xml.substr(pos, end - pos));
    pos = end;
  }
}

// "2026-12-01T11:45:12.000Z" as ms since the epoch; 0 when it is not that.
std::int64_t iso8601_ms(const std::string& t) {
  std::tm tm{};
  const char* rest = ::strptime(t.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest) return 0;
  std::int64_t ms = static_cast<std::int64_t>(::timegm(&tm)) * 1000;
  if (*rest == '.') ms += std::atoi(std::string(rest + 1, std::min<std::size_t>(3, std::strlen(rest + 1))).c_str());
  return ms;
}

bool retryable(const HttpResponse& r) {
  if (r.status == 0) return true;  // no answer: connection refused, reset, timeout
  if (r.status == 500 || r.status == 502 || r.status == 503 || r.status == 504) return true;
  std::string code = xml_value(r.error_body, "Code");
  return code == "SlowDown" || code == "RequestTimeout" || code == "InternalError";
}

// The SHA-256 of a range of fd (what the signature says the body is), with
// `also` fed the same bytes: the object's id is checked on the pass that the
// signature is made from, and S3 refuses a body that differs from it
// (XAmzContentSHA256Mismatch), so what is sent is what was verified.
std::string sha256_of_range(int fd, long long offset, long long length, const fs::path& for_errors,
                            Hasher* also = nullptr) {
  Hasher h(HashAlgo::Sha256);
  char* buf = thread_read_buffer();
  while (length > 0) {
    ssize_t n = ::pread(fd, buf, static_cast<std::size_t>(std::min<long long>(length, static_cast<long long>(kReadChunk))), offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail_errno("read", for_errors.string(), errno);
    }
    if (n == 0) fail(ExitCode::Io, "{} shrank while being pushed", for_errors.string());
    h.update(buf, static_cast<std::size_t>(n));
    if (also) also->update(buf, static_cast<std::size_t>(n));
    offset += n;
    length -= n;
  }
  return h.finish().hex;
}

// Parts of one object in flight at once (objects are already sent in parallel).
constexpr std::size_t kPartsInFlight = 4;

bool parse_bool(const std::string& v) { return v == "true" || v == "yes" || v == "on" || v == "1"; }

}  // namespace

S3Settings s3_settings(const std::string& name, const std::string& url, const Config& cfg) {
  S3Settings s;
  s.remote_name = name;
  std::string rest = url.substr(5);  // after s3://
  auto slash = rest.find('/');
  s.bucket = rest.substr(0, slash);
  s.prefix = slash == std::string::npos ? "" : rest.substr(slash + 1);
  while (!s.prefix.empty() && s.prefix.back() == '/') s.prefix.pop_back();
  if (!s.prefix.empty()) s.prefix += '/';
  if (s.bucket.empty()) fail(ExitCode::Usage, "remote {}: '{}' names no bucket (s3://bucket/prefix)", name, url);
  auto get = [&](const char* key) { return cfg.get(fmt::format("remote.{}.{}", name, key)); };
  s.endpoint = get("endpoint").value_or("");
  while (!s.endpoint.empty() && s.endpoint.back() == '/') s.endpoint.pop_back();
  if (!s.endpoint.empty() && !starts_with(s.endpoint, "http://") && !starts_with(s.endpoint, "https://"))
    fail(ExitCode::Usage, "remote.{}.endpoint must start with http:// or https://, not '{}'", name, s.endpoint);
  const char* env_region = std::getenv("AWS_REGION");
  if (!env_region || !*env_region) env_region = std::getenv("AWS_DEFAULT_REGION");
  s.region = get("region").value_or(env_region && *env_region ? env_region : "us-east-1");
  s.path_style = get("path-style") ? parse_bool(*get("path-style")) : !s.endpoint.empty();
  if (auto t = get("timeout")) {
    auto [p, ec] = std::from_chars(t->data(), t->data() + t->size(), s.timeout_s);
    if (ec != std::errc() || p != t->data() + t->size() || s.timeout_s <= 0)
      fail(ExitCode::Usage, "remote.{}.timeout must be a positive number of seconds, not '{}'", name, *t);
  }
  if (auto ps = get("part-size")) {
    auto [p, ec] = std::from_chars(ps->data(), ps->data() + ps->size(), s.part_size);
    if (ec != std::errc() || p != ps->data() + ps->size() || s.part_size < (5u << 20))
      fail(ExitCode::Usage, "remote.{}.part-size must be a number of bytes of at least 5 MiB, not '{}'", name, *ps);
  }
  return s;
}

S3Remote::S3Remote(S3Settings settings, AwsCredentials credentials)
    : Remote(settings.remote_name), s_(std::move(settings)), creds_(std::move(credentials)) {}

std::string S3Remote::location() const {
  return fmt::format("s3://{}/{}{}", s_.bucket, s_.prefix, s_.endpoint.empty() ? "" : " at " + s_.endpoint);
}

std::string S3Remote::key_of(const ObjectId& id) const {
  return s_.prefix + "objects/" + id.hex.substr(0, 2) + "/" + id.hex.substr(2);
}

HttpResponse S3Remote::send(Call call) {
  std::string scheme_host = s_.endpoint.empty()
                                ? (s_.path_style ? fmt::format("https://s3.{}.amazonaws.com", s_.region)
                                                 : fmt::format("https://{}.s3.{}.amazonaws.com", s_.bucket, s_.region))
                                : s_.endpoint;
  std::string host = scheme_host.substr(scheme_host.find("://") + 3);
  if (!s_.endpoint.empty() && !s_.path_style) {
    host = s_.bucket + "." + host;
    scheme_host = scheme_host.substr(0, scheme_host.find("://") + 3) + host;
  }
  std::string path;
  if (s_.path_style) path.append(1, '/').append(uri_encode(s_.bucket, true));
  if (!call.key.empty() || path.empty()) path.append(1, '/').append(uri_encode(call.key, false));
  std::vector<std::pair<std::string, std::string>> q;
  for (const auto& [k, v] : call.query) q.emplace_back(uri_encode(k, true), uri_encode(v, true));
  std::sort(q.begin(), q.end());
  std::string query;
  for (const auto& [k, v] : q) query += fmt::format("{}{}={}", query.empty() ? "?" : "&", k, v);

  long long delivered = 0;  // of a GET body, so that a retry resumes with a Range
  std::mt19937 rng(std::random_device{}());
  HttpResponse resp;
  for (int attempt = 1;; ++attempt) {
    SigV4Request sig;
    sig.method = call.method;
    sig.path = path;
    sig.query = call.query;
    sig.amz_date = amz_now();
    sig.region = s_.region;
    sig.payload_sha256 = call.payload_sha256.empty() ? sha256_hex(call.body) : call.payload_sha256;
    sig.headers = call.headers;
    sig.headers.push_back({"host", host});
    sig.headers.push_back({"x-amz-date", sig.amz_date});
    sig.headers.push_back({"x-amz-content-sha256", sig.payload_sha256});
    if (!creds_.session_token.empty()) sig.headers.push_back({"x-amz-security-token", creds_.session_token});
    if (call.range_from) {
      if (call.range_length == 0) return HttpResponse{206, {}, {}, {}, {}};  // nothing to ask for
      std::uint64_t from = *call.range_from + static_cast<std::uint64_t>(delivered);
      sig.headers.push_back({"range", fmt::format("bytes={}-{}", from, *call.range_from + call.range_length - 1)});
    } else if (delivered > 0) {
      sig.headers.push_back({"range", fmt::format("bytes={}-", delivered)});
    }
    HttpRequest req;
    req.method = call.method;
    req.url = scheme_host + path + query;
    req.headers = sig.headers;
    req.headers.push_back({"authorization", sigv4_authorization(sig, creds_.access_key, creds_.secret_key)});
    req.body = call.body;
    req.body_fd = call.body_fd;
    req.body_offset = call.body_offset;
    req.body_length = call.body_length;
    req.stall_timeout_s = s_.timeout_s;
    if (call.on_data)
      req.on_data = [&](const char* d, std::size_t n) {
        call.on_data(d, n);
        delivered += static_cast<long long>(n);
      };
    resp = http_perform(req);
    bool ok = resp.status >= 200 && resp.status < 300;
    if (ok || !retryable(resp) || attempt >= s_.max_attempts) return resp;
    // Exponential backoff with jitter: 0.2 s, 0.4 s, 0.8 s, …
    auto base = std::chrono::milliseconds(100 << attempt);
    std::this_thread::sleep_for(base + std::chrono::milliseconds(rng() % 100));
  }
}

void S3Remote::raise(const HttpResponse& r, const std::string& what) const {
  std::string where = fmt::format("remote {} ({})", s_.remote_name, location());
  if (r.status == 0)
    throw Error(ExitCode::Remote, fmt::format("{}: {} failed: {}", where, what, r.error),
                "check the endpoint and the network; mlops retried with backoff");
  std::string code = xml_value(r.error_body, "Code"), message = xml_value(r.error_body, "Message");
  std::string detail = code.empty() ? fmt::format("HTTP {}", r.status) : fmt::format("{} (HTTP {})", code, r.status);
  if (code == "SignatureDoesNotMatch")
    throw Error(ExitCode::Remote, fmt::format("{}: credentials rejected: the secret key does not match ({})", where, detail),
                fmt::format("check the secret key for {} (from {})", creds_.access_key, creds_.source));
  if (code == "InvalidAccessKeyId")
    throw Error(ExitCode::Remote, fmt::format("{}: credentials rejected: unknown access key '{}' ({})", where, creds_.access_key, detail),
                fmt::format("credentials came from {}", creds_.source));
  if (code == "RequestTimeTooSkewed")
    throw Error(ExitCode::Remote, fmt::format("{}: time skew: this machine's clock is too far from the server's ({})", where, detail),
                "set the system clock right (NTP) and try again");
  if (code == "AuthorizationHeaderMalformed" || code == "PermanentRedirect" || code == "IncorrectEndpoint" ||
      message.find("region") != std::string::npos)
    throw Error(ExitCode::Remote, fmt::format("{}: wrong region '{}': {} ({})", where, s_.region, message, detail),
                fmt::format("set it: mlops remote modify {} region REGION", s_.remote_name));
  if (code == "NoSuchBucket")
    throw Error(ExitCode::Remote, fmt::format("{}: bucket '{}' does not exist ({})", where, s_.bucket, detail),
                "create it, or fix the remote's URL");
  if (r.status == 403)
    throw Error(ExitCode::Remote, fmt::format("{}: access denied during {} ({})", where, what, detail),
                fmt::format("check the permissions of {} (from {})", creds_.access_key, creds_.source));
  throw Error(ExitCode::Remote, fmt::format("{}: {} failed: {}{}", where, what, detail, message.empty() ? "" : ": " + message));
}

bool S3Remote::has(const ObjectId& id) {
  auto r = send(Call("HEAD", key_of(id)));
  if (r.status == 200) return true;
  if (r.status == 404) return false;
  if (r.status != 0) {
    // A HEAD answer has no body to say what is wrong: ask for one byte to hear it.
    auto why = send(Call("GET", key_of(id)).header("range", "bytes=0-0").data([](const char*, std::size_t) {}));
    if (!why.error_body.empty()) r = why;
  }
  raise(r, "checking " + id.str());
}

bool S3Remote::put(const ObjectId& id, const fs::path& local, std::uint64_t size) {
  UniqueFd fd = open_read(local);
  std::string key = key_of(id);
  Hasher verify(id.algo);
  if (size > s_.part_size) {
    // One pass makes every part's SHA-256 and the object's id, before any part is sent.
    std::size_t count = static_cast<std::size_t>((size + s_.part_size - 1) / s_.part_size);
    std::vector<std::string> part_sha(count);
    for (std::size_t i = 0; i < count; ++i) {
      std::uint64_t off = i * s_.part_size;
      part_sha[i] = sha256_of_range(fd.get(), static_cast<long long>(off),
                                    static_cast<long long>(std::min<std::uint64_t>(s_.part_size, size - off)), local, &verify);
    }
    if (verify.finish() != id) return false;
    put_multipart(key, fd.get(), size, part_sha);
    return true;
  }
  Call c = Call("PUT", key).file(fd.get(), 0, static_cast<long long>(size));
  c.payload_sha256 = sha256_of_range(fd.get(), 0, static_cast<long long>(size), local, &verify);
  if (verify.finish() != id) return false;
  auto r = send(std::move(c));
  if (r.status != 200) raise(r, "uploading " + id.str());
  return true;
}

void S3Remote::put_multipart(const std::string& key, int fd, std::uint64_t size, const std::vector<std::string>& part_sha) {
  auto r = send(Call("POST", key).arg("uploads", ""));
  if (r.status != 200) raise(r, "starting a multipart upload of " + key);
  std::string upload_id = xml_value(r.body, "UploadId");
  if (upload_id.empty()) fail(ExitCode::Remote, "remote {}: no UploadId in the answer to a multipart upload", s_.remote_name);
  try {
    // Parts go up in parallel (each on its thread's connection), each retried
    // on its own by send().
    std::size_t count = part_sha.size();
    std::vector<std::string> etags(count);
    parallel_for(count, static_cast<unsigned>(std::min<std::size_t>(count, kPartsInFlight)), [&](std::size_t i) {
      std::uint64_t off = i * s_.part_size;
      long long len = static_cast<long long>(std::min<std::uint64_t>(s_.part_size, size - off));
      auto pr = send(Call("PUT", key)
                          .arg("partNumber", std::to_string(i + 1))
                          .arg("uploadId", upload_id)
                          .file(fd, static_cast<long long>(off), len)
                          .sha256(part_sha[i]));
      if (pr.status != 200) raise(pr, fmt::format("uploading part {} of {}", i + 1, key));
      etags[i] = pr.header("etag");
    });
    std::string parts;
    for (std::size_t i = 0; i < count; ++i)
      parts += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", i + 1, etags[i]);
    std::string body = "<CompleteMultipartUpload>" + parts + "</CompleteMultipartUpload>";
    auto cr = send(Call("POST", key).arg("uploadId", upload_id).text(body));
    // S3 may answer 200 with an error document when completing.
    if (cr.status != 200 || cr.body.find("<Error>") != std::string::npos) {
      if (cr.status == 200) cr.error_body = cr.body, cr.status = 500;
      // When the answer to a completion that succeeded was lost, the retry finds
      // the upload gone: the object being there, at its size, is the answer.
      auto head = send(Call("HEAD", key));
      if (head.status == 200 && head.header("content-length") == std::to_string(size)) return;
      raise(cr, "completing the upload of " + key);
    }
  } catch (...) {
    // Leave no orphaned parts behind; the next push starts the object again.
    send(Call("DELETE", key).arg("uploadId", upload_id));
    throw;
  }
}

void S3Remote::each_listed(const std::string& prefix, const std::string& start_after,
                           const std::function<void(const std::string& key, const std::string& entry)>& fn) {
  std::string token;
  for (;;) {
    Call c = Call("GET", "").arg("list-type", "2").arg("prefix", prefix);
    if (!token.empty()) c.query.push_back({"continuation-token", token});
    else if (!start_after.empty()) c.query.push_back({"start-after", prefix + start_after});
    auto r = send(std::move(c));
    if (r.status != 200) raise(r, "listing " + prefix);
    each_block(r.body, "Contents", [&](const std::string& entry) {
      std::string key = xml_unescape(xml_value(entry, "Key"));
      if (key.starts_with(prefix)) fn(key, entry);
    });
    if (xml_value(r.body, "IsTruncated") != "true") break;
    token = xml_value(r.body, "NextContinuationToken");
    if (token.empty()) break;
  }
}

namespace {
// "…objects/ab/cdef…" -> "abcdef…"; "" for other keys.
std::string object_hex(const std::string& key) {
  auto o = key.rfind("objects/");
  if (o == std::string::npos || key.size() <= o + 11 || key[o + 10] != '/') return {};
  return key.substr(o + 8, 2) + key.substr(o + 11);
}
}  // namespace

std::unordered_set<std::string> S3Remote::list() {
  std::unordered_set<std::string> out;
  each_listed(s_.prefix + "objects/", {}, [&](const std::string& key, const std::string&) {
    if (auto hex = object_hex(key); !hex.empty()) out.insert(std::move(hex));
  });
  return out;
}

namespace {
// The Size and LastModified (ms since the epoch) of a listing's entry.
std::pair<std::uint64_t, std::int64_t> size_and_time(const std::string& entry) {
  std::uint64_t size = 0;
  std::string sz = xml_value(entry, "Size");
  std::from_chars(sz.data(), sz.data() + sz.size(), size);
  return {size, iso8601_ms(xml_value(entry, "LastModified"))};
}
}  // namespace

std::vector<Remote::Listed> S3Remote::list_with_times() {
  std::vector<Listed> out;
  each_listed(s_.prefix + "objects/", {}, [&](const std::string& key, const std::string& entry) {
    auto hex = object_hex(key);
    if (hex.empty()) return;
    auto [size, ms] = size_and_time(entry);
    out.push_back({std::move(hex), size, ms});
  });
  return out;
}

std::vector<Remote::ListedFile> S3Remote::list_files_with_times(const std::string& dir) {
  std::vector<ListedFile> out;
  const std::string prefix = s_.prefix + dir + "/";
  each_listed(prefix, {}, [&](const std::string& key, const std::string& entry) {
    std::string name = key.substr(prefix.size());
    if (name.empty() || name.find('/') != std::string::npos) return;  // direct entries only
    auto [size, ms] = size_and_time(entry);
    out.push_back({std::move(name), size, ms});
  });
  std::sort(out.begin(), out.end(), [](const ListedFile& a, const ListedFile& b) { return a.name < b.name; });
  return out;
}

void S3Remote::remove(const ObjectId& id) {
  auto r = send(Call("DELETE", key_of(id)));
  if (r.status != 204 && r.status != 200 && r.status != 404) raise(r, "removing " + id.str());
}

void S3Remote::remove_file(const std::string& dir, const std::string& file_name) {
  std::string key = s_.prefix + dir + "/" + file_name;
  auto r = send(Call("DELETE", key));
  if (r.status != 204 && r.status != 200 && r.status != 404) raise(r, "removing " + key);
}

std::optional<std::size_t> S3Remote::clean_partial_uploads(std::int64_t before_ms) {
  std::size_t n = 0;
  std::string key_marker, id_marker;
  for (;;) {
    Call c = Call("GET", "").arg("uploads", "").arg("prefix", s_.prefix);
    if (!key_marker.empty()) {
      c.query.push_back({"key-marker", key_marker});
      c.query.push_back({"upload-id-marker", id_marker});
    }
    auto r = send(std::move(c));
    if (r.status == 501 || xml_value(r.error_body, "Code") == "NotImplemented") return std::nullopt;
    if (r.status != 200) raise(r, "listing unfinished multipart uploads");
    std::vector<std::pair<std::string, std::string>> stale;
    each_block(r.body, "Upload", [&](const std::string& u) {
      std::int64_t started = iso8601_ms(xml_value(u, "Initiated"));
      if (started > 0 && started < before_ms)
        stale.emplace_back(xml_unescape(xml_value(u, "Key")), xml_value(u, "UploadId"));
    });
    for (const auto& [key, upload] : stale) {
      auto d = send(Call("DELETE", key).arg("uploadId", upload));
      if (d.status != 204 && d.status != 200 && d.status != 404) raise(d, "aborting the upload of " + key);
      ++n;
    }
    if (xml_value(r.body, "IsTruncated") != "true") break;
    key_marker = xml_unescape(xml_value(r.body, "NextKeyMarker"));
    id_marker = xml_value(r.body, "NextUploadIdMarker");
    if (key_marker.empty()) break;
  }
  return n;
}

void S3Remote::write_file(const std::string& dir, const std::string& file_name, std::string_view bytes, bool) {
  // A PUT replaces what is there.
  std::string key = s_.prefix + dir + "/" + file_name;
  auto r = send(Call("PUT", key).text(std::string(bytes)));
  if (r.status != 200) raise(r, "uploading " + key);
}

std::optional<std::string> S3Remote::read_file(const std::string& dir, const std::string& file_name,
                                               std::uint64_t max_bytes) {
  std::string out;
  if (!read_foreign(dir + "/" + file_name, max_bytes, [&](const char* d, std::size_t n) { out.append(d, n); }))
    return std::nullopt;
  return out;
}

bool S3Remote::read_foreign(const std::string& key, std::uint64_t max_bytes, const ObjectSink& sink) {
  std::string full = s_.prefix + key;
  std::uint64_t got = 0;
  auto r = send(Call("GET", full).data([&](const char* d, std::size_t n) {
    got += n;
    if (got > max_bytes)
      throw DamagedObject(ExitCode::Remote, fmt::format("remote {}: {} is more than the {} bytes it may be",
                                                        s_.remote_name, full, max_bytes));
    sink(d, n);
  }));
  if (r.status == 404) return false;
  if (r.status != 200 && r.status != 206) raise(r, "downloading " + full);
  return true;
}

bool S3Remote::read_range(const std::string& dir, const std::string& file_name, std::uint64_t offset,
                          std::uint64_t length, const ObjectSink& sink) {
  std::string key = s_.prefix + dir + "/" + file_name;
  std::uint64_t got = 0;
  auto r = send(Call("GET", key).range(offset, length).data([&](const char* d, std::size_t n) {
    got += n;
    // A server that ignores Range sends the whole file: refused, not misread.
    if (got > length)
      throw DamagedObject(ExitCode::Remote, fmt::format("remote {}: {} sent more than the {} bytes asked for at {}",
                                                        s_.remote_name, key, length, offset));
    sink(d, n);
  }));
  if (r.status == 404) return false;
  if (r.status == 416) return true;  // the range starts past the end: the caller's hash check says so
  if (r.status != 206 && !(r.status == 200 && offset == 0)) raise(r, "downloading part of " + key);
  return true;
}

std::vector<std::string> S3Remote::list_files(const std::string& dir, const std::string& start_after) {
  std::vector<std::string> out;
  const std::string prefix = s_.prefix + dir + "/";
  each_listed(prefix, start_after, [&](const std::string& key, const std::string&) {
    // Direct entries only; a server that ignores start-after is filtered here.
    std::string name = key.substr(prefix.size());
    if (name.find('/') == std::string::npos && name > start_after) out.push_back(std::move(name));
  });
  std::sort(out.begin(), out.end());
  return out;
}

bool S3Remote::read(const ObjectId& id, std::uint64_t, const ObjectSink& sink) {
  auto r = send(Call("GET", key_of(id)).data(sink));
  if (r.status == 200 || r.status == 206) return true;
  if (r.status == 404) return false;
  raise(r, "downloading " + id.str());
}

void S3Remote::quarantine(const ObjectId& id) {
  auto r = send(Call("DELETE", key_of(id)));
  if (r.status != 204 && r.status != 200 && r.status != 404) raise(r, "removing the damaged " + id.str());
}

}  // namespace mlops

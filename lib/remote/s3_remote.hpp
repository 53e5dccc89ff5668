#pragma once
#include <optional>
// A remote in S3-compatible object storage (AWS S3, MinIO, Ceph): objects at
// PREFIX/objects/ab/cdef… in a bucket, requests signed with AWS Signature V4,
// large objects sent in parts, failed requests retried with backoff.
#include <cstdint>
#include <string>

#include "remote/aws_credentials.hpp"
#include "remote/http.hpp"
#include "remote/remote.hpp"

namespace mlops {

struct S3Settings {
  std::string remote_name;
  std::string bucket;
  std::string prefix;    // "" or ending in '/'
  std::string endpoint;  // "http://127.0.0.1:4568"; empty for AWS
  std::string region = "us-east-1";
  bool path_style = false;
  std::uint64_t part_size = 64u << 20;
  long timeout_s = 30;  // a request that moves no byte for this long is retried
  int max_attempts = 5;
};

// Reads s3://bucket/prefix and the remote's settings; throws Error(Usage).
S3Settings s3_settings(const std::string& name, const std::string& url, const class Config& cfg);

class S3Remote : public Remote {
public:
  S3Remote(S3Settings settings, AwsCredentials credentials);
  std::string location() const override;
  bool has(const ObjectId& id) override;
  bool put(const ObjectId& id, const fs::path& local, std::uint64_t size) override;
  void quarantine(const ObjectId& id) override;  // DELETE
  bool read_foreign(const std::string& key, std::uint64_t max_bytes, const ObjectSink& sink) override;
  bool read_range(const std::string& dir, const std::string& name, std::uint64_t offset, std::uint64_t length,
                  const ObjectSink& sink) override;
  std::unordered_set<std::string> list() override;  // ListObjectsV2, page by page
  std::vector<Listed> list_with_times() override;
  void remove(const ObjectId& id) override;
  std::vector<ListedFile> list_files_with_times(const std::string& dir) override;
  void remove_file(const std::string& dir, const std::string& name) override;
  std::optional<std::size_t> clean_partial_uploads(std::int64_t before_ms) override;
  void write_file(const std::string& dir, const std::string& name, std::string_view bytes, bool replace) override;
  std::optional<std::string> read_file(const std::string& dir, const std::string& name, std::uint64_t max_bytes) override;
  std::vector<std::string> list_files(const std::string& dir, const std::string& start_after) override;

protected:
  bool read(const ObjectId& id, std::uint64_t max_bytes, const ObjectSink& sink) override;

private:
  // One request, built by name: Call("PUT", key).arg("uploadId", id).file(fd, 0, n).
  struct Call {
    Call(std::string m, std::string k) : method(std::move(m)), key(std::move(k)) {}
    Call&& arg(std::string name, std::string value) && {
      query.emplace_back(std::move(name), std::move(value));
      return std::move(*this);
    }
    Call&& header(std::string name, std::string value) && {
      headers.emplace_back(std::move(name), std::move(value));
      return std::move(*this);
    }
    Call&& text(std::string b) && {
      body = std::move(b);
      return std::move(*this);
    }
    Call&& file(int fd, long long offset, long long length) && {
      body_fd = fd, body_offset = offset, body_length = length;
      return std::move(*this);
    }
    Call&& sha256(std::string hex) && {
      payload_sha256 = std::move(hex);
      return std::move(*this);
    }
    Call&& data(std::function<void(const char*, std::size_t)> sink) && {
      on_data = std::move(sink);
      return std::move(*this);
    }
    // GET bytes [from, from + length) (a Range header, kept on a retry).
    Call&& range(std::uint64_t from, std::uint64_t length) && {
      range_from = from, range_length = length;
      return std::move(*this);
    }

    std::string method;
    std::string key;
    std::optional<std::uint64_t> range_from;
    std::uint64_t range_length = 0;
    std::vector<std::pair<std::string, std::string>> query;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    int body_fd = -1;
    long long body_offset = 0, body_length = 0;
    std::string payload_sha256;
    std::function<void(const char*, std::size_t)> on_data;
  };
  // Signs and sends, retrying network errors, 5xx and SlowDown with backoff.
  HttpResponse send(Call call);
  [[noreturn]] void raise(const HttpResponse& resp, const std::string& what) const;
  // ListObjectsV2 under `prefix` (after prefix + start_after), page by page:
  // fn(key, the entry's XML) for each key.
  void each_listed(const std::string& prefix, const std::string& start_after,
                   const std::function<void(const std::string& key, const std::string& entry)>& fn);
  std::string key_of(const ObjectId& id) const;
  void put_multipart(const std::string& key, int fd, std::uint64_t size, const std::vector<std::string>& part_sha);

  S3Settings s_;
  AwsCredentials creds_;
};

}  // namespace mlops

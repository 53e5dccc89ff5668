#pragma once
// Where the content a DVC repository names by MD5 is found: DVC cache
// folders (DVC 3's files/md5/ab/cdef… and DVC 2's ab/cdef…) and, with
// --fetch, the DVC remote itself (folder or S3, the same layouts), read-only.
// Everything found is verified against its MD5 before it is used.
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/fs.hpp"
#include "import/dvc_hash.hpp"

namespace mlops {

class Remote;

class DvcContent {
public:
  // `tmp`: a folder of this repository for what comes from the remote.
  DvcContent(std::vector<fs::path> caches, std::unique_ptr<Remote> remote, fs::path tmp);
  ~DvcContent();
  DvcContent(const DvcContent&) = delete;
  DvcContent& operator=(const DvcContent&) = delete;

  // A local file whose content has this MD5 (DVC's rules for `legacy`);
  // nullopt, with where it looked added to `looked`, when none has. Safe
  // to call from several threads.
  std::optional<fs::path> file(const std::string& md5, bool legacy, std::uint64_t max_bytes,
                               std::vector<std::string>& looked);
  // A folder's listing (its .dir object), verified and parsed.
  std::optional<std::vector<DvcDirEntry>> listing(const std::string& md5, std::vector<std::string>& looked);
  std::uint64_t fetched_files() const { return fetched_; }

private:
  std::optional<fs::path> fetch(const std::string& name, std::uint64_t max_bytes, std::vector<std::string>& looked);
  std::vector<fs::path> caches_;
  std::unique_ptr<Remote> remote_;
  fs::path tmp_;
  std::mutex mu_;
  std::vector<fs::path> temps_;  // removed at the end
  std::uint64_t fetched_ = 0;
};

}  // namespace mlops

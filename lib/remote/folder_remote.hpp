#pragma once
// A remote in a folder: a local disk, an NFS or SMB mount. Objects are written
// to PREFIX/tmp/ and renamed into PREFIX/objects/, so a reader never sees half
// an object, even when a push is killed.
#include <mutex>
#include <set>

#include "remote/remote.hpp"

namespace mlops {

class FolderRemote : public Remote {
public:
  FolderRemote(std::string name, fs::path root);
  std::string location() const override { return root_.string(); }
  bool exists() const override;
  bool has(const ObjectId& id) override;
  bool put(const ObjectId& id, const fs::path& local, std::uint64_t size) override;
  void quarantine(const ObjectId& id) override;
  std::unordered_set<std::string> list() override;
  std::vector<Listed> list_with_times() override;
  void remove(const ObjectId& id) override;
  std::vector<ListedFile> list_files_with_times(const std::string& dir) override;
  void remove_file(const std::string& dir, const std::string& name) override;
  std::optional<std::size_t> clean_partial_uploads(std::int64_t before_ms) override;
  void write_file(const std::string& dir, const std::string& name, std::string_view bytes, bool replace) override;
  std::optional<std::string> read_file(const std::string& dir, const std::string& name, std::uint64_t max_bytes) override;
  bool read_foreign(const std::string& key, std::uint64_t max_bytes, const ObjectSink& sink) override;
  std::vector<std::string> list_files(const std::string& dir, const std::string& start_after) override;
  bool read_range(const std::string& dir, const std::string& name, std::uint64_t offset, std::uint64_t length,
                  const ObjectSink& sink) override;

protected:
  bool read(const ObjectId& id, std::uint64_t max_bytes, const ObjectSink& sink) override;

private:
  fs::path object_path(const ObjectId& id) const;
  // The folders a write to `dest` needs (tmp/ and dest's own); Error(Remote).
  void make_dirs_for(const fs::path& dest) const;
  fs::path root_;
  mutable std::mutex checked_mu_;
  mutable std::set<std::string> checked_;  // folders make_dirs_for found real
};

}  // namespace mlops

#pragma once
// A remote in a folder: a local disk, an NFS or SMB mount. Objects are written
// to PREFIX/tmp/ and renamed into PREFIX/objects/, so a reader never sees half
// an object, even when a push is killed.
#include "remote/remote.hpp"

namespace mlops {

class FolderRemote : public Remote {
public:
  FolderRemote(std::string name, fs::path root);
  std::string location() const override { return root_.string(); }
  bool has(const ObjectId& id) override;
  bool put(const ObjectId& id, const fs::path& local, std::uint64_t size) override;
  void quarantine(const ObjectId& id) override;
  std::unordered_set<std::string> list() override;

protected:
  bool read(const ObjectId& id, std::uint64_t max_bytes, const ObjectSink& sink) override;

private:
  fs::path object_path(const ObjectId& id) const;
  fs::path root_;
};

}  // namespace mlops

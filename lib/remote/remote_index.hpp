#pragma once
// Objects known to be on a remote, so that push does not ask again.
#include <string>
#include <unordered_set>
#include <vector>

#include "core/hash.hpp"
#include "remote/remote.hpp"

namespace mlops {

class Db;
class Remote;

class RemoteIndex : public PackIndexCache {
public:
  RemoteIndex(Db& db, std::string remote) : db_(db), remote_(std::move(remote)) {}
  // Object ids (full text) known to be on `remote`; forgotten first when a
  // gc -r ran there since they were learnt (its marker in PREFIX/gc/: one
  // listing request).
  std::unordered_set<std::string> known(Remote& remote);
  // Forgets every object of this remote, and remembers `markers` (the
  // digest of the gc markers' names then).
  void reset(const std::string& markers);
  void add(const std::vector<ObjectId>& ids);
  void forget(const std::vector<ObjectId>& ids);
  // Objects whose copy in a pack on the remote was found damaged or gone
  // (fsck -r): push sends them again, loose, whatever the packs' indexes say.
  std::unordered_set<std::string> unusable();
  void mark_unusable(const std::vector<ObjectId>& ids);
  void clear_unusable(const std::vector<ObjectId>& ids);
  // The pack indexes read from the remote before (PackIndexCache).
  std::optional<std::string> find_pack_index(const std::string& name) override;
  void keep_pack_index(const std::string& name, const std::string& text) override;
  void forget_pack_index(const std::string& name) override;

private:
  Db& db_;
  std::string remote_;
};

}  // namespace mlops

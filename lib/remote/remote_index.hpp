#pragma once
// Objects known to be on a remote, so that push does not ask again.
#include <string>
#include <unordered_set>
#include <vector>

#include "core/hash.hpp"

namespace mlops {

class Db;

class RemoteIndex {
public:
  RemoteIndex(Db& db, std::string remote) : db_(db), remote_(std::move(remote)) {}
  std::unordered_set<std::string> known();  // object ids (full text)
  void add(const std::vector<ObjectId>& ids);
  void forget(const std::vector<ObjectId>& ids);

private:
  Db& db_;
  std::string remote_;
};

}  // namespace mlops

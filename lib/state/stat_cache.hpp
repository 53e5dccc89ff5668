#pragma once
// (path, dev, inode, size, mtime, ctime) -> object id: lets status and add skip
// reading files the kernel says are unchanged.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/fs.hpp"
#include "core/hash.hpp"

namespace mlops {

class Db;

struct StatRecord {
  FileStat st;
  ObjectId id;
};

class StatCache {
public:
  explicit StatCache(Db& db) : db_(db) {}
  // Calls fn for every record at `path` or below it ("data": data and data/…),
  // in byte order of the paths (std::string's order), from one query. The
  // path's view is valid during the call only.
  void for_each_under(const std::string& path, const std::function<void(std::string_view, const StatRecord&)>& fn);
  // Stores records in one transaction. Files modified moments before they were
  // read are skipped: a later write within the same timestamp tick would be
  // invisible to the stat check ("racy" entries, as git calls them). Nothing
  // is stored when the database is read-only.
  void store(const std::vector<std::pair<std::string, StatRecord>>& records);
  // Drops records at `path` or below.
  void forget_under(const std::string& path);

private:
  Db& db_;
};

}  // namespace mlops

#pragma once
// (path, dev, inode, size, mtime, ctime) -> object id: lets status and add skip
// reading files the kernel says are unchanged.
#include <string>
#include <unordered_map>
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
  // Loads every record at `path` or below it ("data" loads data and data/…), in one query.
  std::unordered_map<std::string, StatRecord> load_under(const std::string& path);
  // The id when the file's stat matches the cached one exactly.
  static const ObjectId* lookup(const std::unordered_map<std::string, StatRecord>& cache,
                                const std::string& path, const FileStat& st);
  // Stores records in one transaction. Files modified moments before they were
  // read are skipped: a later write within the same timestamp tick would be
  // invisible to the stat check ("racy" entries, as git calls them).
  void store(const std::vector<std::pair<std::string, StatRecord>>& records);
  // Drops records at `path` or below.
  void forget_under(const std::string& path);

private:
  Db& db_;
};

}  // namespace mlops

#include "state/stat_cache.hpp"

#include "state/db.hpp"

namespace mlops {

namespace {
// Filesystem timestamps advance in coarse ticks (jiffies); a file whose mtime is
// this close to "now" could still change without its mtime moving.
constexpr std::int64_t kRacyWindowNs = 50'000'000;
}  // namespace

std::unordered_map<std::string, StatRecord> StatCache::load_under(const std::string& path) {
  std::unordered_map<std::string, StatRecord> out;
  // path/ .. path0 ('0' follows '/') covers everything below path.
  Stmt s(db_,
         "SELECT path, dev, ino, size, mtime_ns, ctime_ns, id FROM stat_cache "
         "WHERE path = ?1 OR (path >= ?1 || '/' AND path < ?1 || '0')");
  s.bind(1, path);
  while (s.step()) {
    StatRecord r;
    r.st.dev = static_cast<std::uint64_t>(s.col_int(1));
    r.st.ino = static_cast<std::uint64_t>(s.col_int(2));
    r.st.size = static_cast<std::uint64_t>(s.col_int(3));
    r.st.mtime_ns = s.col_int(4);
    r.st.ctime_ns = s.col_int(5);
    if (!ObjectId::try_parse(s.col_text(6), r.id)) continue;  // ignore damaged rows
    out.emplace(s.col_text(0), std::move(r));
  }
  return out;
}

const ObjectId* StatCache::lookup(const std::unordered_map<std::string, StatRecord>& cache,
                                  const std::string& path, const FileStat& st) {
  auto it = cache.find(path);
  return it != cache.end() && it->second.st.same_as(st) ? &it->second.id : nullptr;
}

void StatCache::store(const std::vector<std::pair<std::string, StatRecord>>& records) {
  if (records.empty()) return;
  std::int64_t racy_after = now_ns() - kRacyWindowNs;
  Transaction tx(db_);
  Stmt s(db_,
         "INSERT OR REPLACE INTO stat_cache (path, dev, ino, size, mtime_ns, ctime_ns, id) "
         "VALUES (?, ?, ?, ?, ?, ?, ?)");
  for (const auto& [path, r] : records) {
    if (r.st.mtime_ns >= racy_after || r.st.ctime_ns >= racy_after) continue;
    s.bind(1, path)
        .bind(2, static_cast<std::int64_t>(r.st.dev))
        .bind(3, static_cast<std::int64_t>(r.st.ino))
        .bind(4, static_cast<std::int64_t>(r.st.size))
        .bind(5, r.st.mtime_ns)
        .bind(6, r.st.ctime_ns)
        .bind(7, r.id.str());
    s.run();
  }
  tx.commit();
}

void StatCache::forget_under(const std::string& path) {
  Stmt s(db_, "DELETE FROM stat_cache WHERE path = ?1 OR (path >= ?1 || '/' AND path < ?1 || '0')");
  s.bind(1, path);
  s.run();
}

}  // namespace mlops

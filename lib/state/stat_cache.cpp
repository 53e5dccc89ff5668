#include "state/stat_cache.hpp"

#include "state/db.hpp"

namespace mlops {

namespace {
// Filesystem timestamps advance in coarse ticks (jiffies); a file whose mtime is
// this close to "now" could still change without its mtime moving.
constexpr std::int64_t kRacyWindowNs = 50'000'000;
}  // namespace

void StatCache::for_each_under(const std::string& path,
                               const std::function<void(std::string_view, const StatRecord&)>& fn) {
  // One range of the primary key, path .. path0 ('0' follows '/'), read in
  // its order (BINARY collation orders like memcmp, as std::string does);
  // it also holds siblings such as path.txt, skipped here. (An OR of the
  // two ranges made SQLite sort the rows again.)
  Stmt s(db_,
         "SELECT path, dev, ino, size, mtime_ns, ctime_ns, id FROM stat_cache "
         "WHERE path >= ?1 AND path < ?1 || '0' ORDER BY path");
  s.bind(1, path);
  StatRecord r;
  while (s.step()) {
    std::string_view key = s.col_view(0);
    if (key.size() != path.size() && key[path.size()] != '/') continue;
    r.st.dev = static_cast<std::uint64_t>(s.col_int(1));
    r.st.ino = static_cast<std::uint64_t>(s.col_int(2));
    r.st.size = static_cast<std::uint64_t>(s.col_int(3));
    r.st.mtime_ns = s.col_int(4);
    r.st.ctime_ns = s.col_int(5);
    if (!ObjectId::try_parse(s.col_view(6), r.id)) continue;  // ignore damaged rows
    fn(s.col_view(0), r);  // again: other column calls came between
  }
}

void StatCache::store(const std::vector<std::pair<std::string, StatRecord>>& records) {
  // A read-only database: the cache is only an optimisation.
  if (records.empty() || db_.read_only()) return;
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

#include "state/migrations.hpp"

#include <array>

#include "core/error.hpp"
#include "state/db.hpp"

namespace mlops {

namespace {

// Append only: a migration that has shipped is never edited.
constexpr std::array kMigrations = {
    // 1: the stat cache — why status need not rehash.
    R"sql(
CREATE TABLE stat_cache (
  path TEXT PRIMARY KEY,
  dev INTEGER NOT NULL, ino INTEGER NOT NULL, size INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL,
  id TEXT NOT NULL
) WITHOUT ROWID;
)sql",
    // 2: objects known to be on a remote (keyed by the remote's URL), so that
    // push need not ask again.
    R"sql(
CREATE TABLE remote_index (
  remote TEXT NOT NULL,
  id TEXT NOT NULL,
  PRIMARY KEY (remote, id)
) WITHOUT ROWID;
)sql",
};

}  // namespace

void migrate(Db& db) {
  auto version = [&] {
    Stmt s(db, "PRAGMA user_version");
    s.step();
    return s.col_int(0);
  };
  if (version() >= static_cast<std::int64_t>(kMigrations.size())) {
    if (version() > static_cast<std::int64_t>(kMigrations.size()))
      fail(ExitCode::Repo, "state database {} was written by a newer mlops (schema {})", db.path().string(),
           version());
    return;
  }
  Transaction tx(db);
  // Re-read inside the write lock: another process may have migrated meanwhile.
  for (auto v = version(); v < static_cast<std::int64_t>(kMigrations.size()); ++v) {
    db.exec(kMigrations[static_cast<std::size_t>(v)]);
    db.exec(fmt::format("PRAGMA user_version = {}", v + 1));
  }
  tx.commit();
}

}  // namespace mlops

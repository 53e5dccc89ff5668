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
    // 3: experiment runs, their params, tags, metrics (every step) and a
    // per-key summary so that listing runs never scans every point.
    R"sql(
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  experiment TEXT NOT NULL,
  status TEXT NOT NULL,
  command TEXT NOT NULL,
  git_commit TEXT,
  git_dirty INTEGER NOT NULL DEFAULT 0,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  exit_code INTEGER,
  user TEXT,
  host TEXT,
  parent_id TEXT,
  peak_rss_kib INTEGER,
  log_id TEXT
);
CREATE INDEX runs_by_start ON runs(started_at);
CREATE UNIQUE INDEX runs_by_name ON runs(name);
CREATE TABLE params (run_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_id, key)) WITHOUT ROWID;
CREATE TABLE run_tags (run_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_id, key)) WITHOUT ROWID;
CREATE TABLE metrics (run_id TEXT NOT NULL, key TEXT NOT NULL, step INTEGER NOT NULL, value REAL NOT NULL, ts INTEGER NOT NULL);
CREATE INDEX metrics_by_run ON metrics(run_id, key, step);
CREATE TABLE latest_metrics (
  run_id TEXT NOT NULL, key TEXT NOT NULL, step INTEGER NOT NULL, value REAL NOT NULL,
  min REAL NOT NULL, max REAL NOT NULL, count INTEGER NOT NULL,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE TABLE artifacts (run_id TEXT NOT NULL, path TEXT NOT NULL, id TEXT NOT NULL, size INTEGER NOT NULL, PRIMARY KEY (run_id, path)) WITHOUT ROWID;
)sql",
    // 4: where a run ran (OS, CPU, memory) and its uncommitted changes, kept
    // in the store as a patch.
    R"sql(
ALTER TABLE runs ADD COLUMN os TEXT;
ALTER TABLE runs ADD COLUMN cpu TEXT;
ALTER TABLE runs ADD COLUMN cpus INTEGER;
ALTER TABLE runs ADD COLUMN memory_bytes INTEGER;
ALTER TABLE runs ADD COLUMN git_diff_id TEXT;
)sql",
    // 5: the model registry: versions (with a snapshot of where they came
    // from), stages, aliases and the append-only log of what was done.
    R"sql(
CREATE TABLE model_versions (
  model TEXT NOT NULL, version TEXT NOT NULL,
  path TEXT NOT NULL, object_id TEXT NOT NULL, size INTEGER NOT NULL, kind TEXT NOT NULL,
  run_id TEXT, git_commit TEXT, description TEXT NOT NULL DEFAULT '', author TEXT NOT NULL,
  created_at INTEGER NOT NULL, tags TEXT NOT NULL DEFAULT '{}', metrics TEXT NOT NULL DEFAULT '{}',
  data TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (model, version)
) WITHOUT ROWID;
CREATE TABLE model_stages (
  model TEXT NOT NULL, stage TEXT NOT NULL, version TEXT NOT NULL, assigned_at INTEGER NOT NULL,
  PRIMARY KEY (model, stage, version)
) WITHOUT ROWID;
CREATE TABLE model_aliases (
  model TEXT NOT NULL, alias TEXT NOT NULL, version TEXT NOT NULL,
  PRIMARY KEY (model, alias)
) WITHOUT ROWID;
CREATE TABLE model_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  model TEXT NOT NULL, version TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '',
  author TEXT NOT NULL, at INTEGER NOT NULL, git_tag TEXT
);
CREATE INDEX model_events_by_model ON model_events(model, seq);
)sql",
    // 6: the pipeline run cache: what a stage's outputs were for a given
    // command, dependencies and params, in any branch.
    R"sql(
CREATE TABLE run_cache (key TEXT PRIMARY KEY, stage TEXT NOT NULL, outs TEXT NOT NULL, created_at INTEGER NOT NULL) WITHOUT ROWID;
)sql",
    // 7: the process recording a run, so that a run whose recorder was
    // killed shows as lost; the partial index finds running runs at once.
    R"sql(
ALTER TABLE runs ADD COLUMN recorder TEXT;
CREATE INDEX runs_running ON runs(status) WHERE status = 'running';
)sql",
    // 8: runs shared through remotes (exp push/pull). Two people's runs may
    // share a name (new local runs still get a free one); the run pages read
    // from each remote are kept, since they never change; the newest gc -r
    // marker seen on each remote (the remote index is forgotten after one).
    R"sql(
DROP INDEX runs_by_name;
CREATE INDEX runs_by_name ON runs(name);
CREATE TABLE remote_run_pages (remote TEXT NOT NULL, page TEXT NOT NULL, body BLOB NOT NULL, PRIMARY KEY (remote, page)) WITHOUT ROWID;
CREATE TABLE remote_index_gc (remote TEXT PRIMARY KEY, marker TEXT NOT NULL) WITHOUT ROWID;
)sql",
    // 9: packs on remotes. Objects whose copy in a pack fsck -r found damaged
    // or gone (a pack's stretch cannot be moved aside alone): push sends them
    // again, loose, and forgets them once sent. The pack indexes read from
    // each remote, kept since they never change under their name.
    R"sql(
CREATE TABLE remote_index_bad (remote TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (remote, id)) WITHOUT ROWID;
CREATE TABLE remote_pack_indexes (remote TEXT NOT NULL, name TEXT NOT NULL, body BLOB NOT NULL, PRIMARY KEY (remote, name)) WITHOUT ROWID;
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
  if (db.read_only())
    throw Error(ExitCode::Repo,
                fmt::format("state database {} is read-only and needs an upgrade to schema {}", db.path().string(),
                            kMigrations.size()),
                "run any mlops command once where the database can be written");
  Transaction tx(db);
  // Re-read inside the write lock: another process may have migrated meanwhile.
  for (auto v = version(); v < static_cast<std::int64_t>(kMigrations.size()); ++v) {
    db.exec(kMigrations[static_cast<std::size_t>(v)]);
    db.exec(fmt::format("PRAGMA user_version = {}", v + 1));
  }
  tx.commit();
}

}  // namespace mlops

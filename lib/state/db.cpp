#include "state/db.hpp"

#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "state/migrations.hpp"

#include <sys/stat.h>
#include <unistd.h>

namespace mlops {

namespace {

// A database that exists but cannot be written where it is (its file or its
// folder, where SQLite keeps the -wal and -shm files).
bool cannot_write(const fs::path& path) {
  if (::access(path.c_str(), F_OK) != 0) return false;  // created below, or the open says why not
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  return ::access(path.c_str(), W_OK) != 0 || ::access(dir.c_str(), W_OK) != 0;
}

}  // namespace

Db::Db(const fs::path& path, Foreign) : path_(path), read_only_(true) {
  int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_exec(db_, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    fail(ExitCode::Input, "cannot read {}: {}", path.string(), msg);
  }
  sqlite3_busy_timeout(db_, 30000);
}

Db::Db(const fs::path& path) : path_(path), read_only_(cannot_write(path)) {
  int flags = read_only_ ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    fail(ExitCode::Repo, "cannot open state database {}: {}", path.string(), msg);
  }
  // A constructor that throws runs no destructor: the handle is closed here
  // when a pragma or a migration fails, kept once the database is ready.
  struct CloseUnlessReady {
    sqlite3*& db;
    bool ready = false;
    ~CloseUnlessReady() {
      if (!ready) {
        sqlite3_close_v2(db);
        db = nullptr;
      }
    }
  } guard{db_};
  if (struct stat st {}; ::stat(path.c_str(), &st) == 0) {
    dev_ = static_cast<std::uint64_t>(st.st_dev);
    ino_ = static_cast<std::uint64_t>(st.st_ino);
  }
  // Many mlops processes may share the file: wait for locks rather than fail.
  sqlite3_busy_timeout(db_, 30000);
  if (read_only_) {
    migrate(*this);  // checks the schema only: it cannot upgrade it
    guard.ready = true;
    return;
  }
  exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
  // Short-lived processes (`mlops exp log` once per metric) would otherwise
  // create the WAL, and checkpoint and delete it on close: four fsyncs per
  // call. The WAL stays, and is copied back when it grows (trim_wal).
  int one = 1;
  sqlite3_file_control(db_, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
  sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  migrate(*this);
  guard.ready = true;
}

Db::~Db() {
  if (!read_only_) trim_wal();
  sqlite3_close_v2(db_);
}

// The WAL outlives each process (see above). The first process to open the
// database rebuilds the WAL's index by reading every frame, so a large WAL is
// paid for by every short command; and as the index is rebuilt, SQLite forgets
// which frames were copied back already, so its own checkpoints never let the
// WAL start over: it grew without bound (23 MB after 1,000 `exp log` calls,
// each slower than the last). Whoever closes the database while the WAL holds
// more than 64 pages copies it back and truncates it, unless another process
// is using it at that moment (no waiting: the next one will).
void Db::trim_wal() noexcept {
  constexpr off_t kMaxWalBytes = 64 * (4096 + 24);  // 64 frames of the default page size
  struct stat st {};
  if (::stat((path_.string() + "-wal").c_str(), &st) != 0 || st.st_size <= kMaxWalBytes) return;
  sqlite3_busy_timeout(db_, 0);
  sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
}

void Db::check_in_place(std::string_view what) const {
  struct stat st {};
  bool same = ::stat(path_.c_str(), &st) == 0 && static_cast<std::uint64_t>(st.st_dev) == dev_ &&
              static_cast<std::uint64_t>(st.st_ino) == ino_;
  if (same) return;
  throw Error(ExitCode::Repo,
              fmt::format("the state database {} was {} while mlops was writing to it: {}", path_.string(),
                          lstat_path(path_) ? "replaced" : "deleted", what),
              "leave .mlops/state.db alone while mlops commands run");
}

void Db::exec(std::string_view sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    fail(ExitCode::Repo, "state database {}: {}", path_.string(), msg);
  }
}

void Db::raise(std::string_view what) {
  fail(ExitCode::Repo, "state database {}: {}: {}", path_.string(), what, sqlite3_errmsg(db_));
}

Stmt::Stmt(Db& db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v2(db.raw(), sql.data(), static_cast<int>(sql.size()), &st_, nullptr) != SQLITE_OK)
    db.raise("prepare");
}

Stmt::~Stmt() { sqlite3_finalize(st_); }

Stmt& Stmt::bind(int i, std::int64_t v) {
  if (sqlite3_bind_int64(st_, i, v) != SQLITE_OK) db_.raise("bind");
  return *this;
}

Stmt& Stmt::bind(int i, std::string_view v) {
  if (sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) != SQLITE_OK)
    db_.raise("bind");
  return *this;
}

// SQLite stores a NaN as NULL; metric values keep it as the text 'NaN' (a
// REAL column leaves text that is no number as text), and read it back.
Stmt& Stmt::bind_double(int i, double v) {
  if (std::isnan(v)) return bind(i, std::string_view("NaN"));
  if (sqlite3_bind_double(st_, i, v) != SQLITE_OK) db_.raise("bind");
  return *this;
}

Stmt& Stmt::bind_null(int i) {
  if (sqlite3_bind_null(st_, i) != SQLITE_OK) db_.raise("bind");
  return *this;
}

bool Stmt::step() {
  int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_.raise("step");
}

void Stmt::run() {
  while (step()) {
  }
  reset();
}

void Stmt::reset() {
  sqlite3_reset(st_);
  sqlite3_clear_bindings(st_);
}

std::int64_t Stmt::col_int(int i) const { return sqlite3_column_int64(st_, i); }

double Stmt::col_double(int i) const {
  if (sqlite3_column_type(st_, i) == SQLITE_TEXT && col_view(i) == "NaN") return std::numeric_limits<double>::quiet_NaN();
  return sqlite3_column_double(st_, i);
}

std::string_view Stmt::col_view(int i) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, i));
  return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(st_, i))) : std::string_view();
}

std::string Stmt::col_text(int i) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, i));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st_, i))) : std::string();
}

bool Stmt::col_null(int i) const { return sqlite3_column_type(st_, i) == SQLITE_NULL; }

Transaction::Transaction(Db& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (!done_) sqlite3_exec(db_.raw(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace mlops

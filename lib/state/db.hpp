#pragma once
// The one SQLite wrapper: a connection (WAL, busy timeout) and prepared statements
// owned by RAII objects. Every SQL call in the project goes through here.
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/fs.hpp"

namespace mlops {

class Db;

class Stmt {
public:
  Stmt(Db& db, std::string_view sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& bind(int i, std::int64_t v);
  Stmt& bind(int i, std::string_view v);
  Stmt& bind_double(int i, double v);
  Stmt& bind_null(int i);
  // Steps once: true when a row is available.
  bool step();
  // Runs to completion (for statements that return no rows) and resets.
  void run();
  void reset();

  std::int64_t col_int(int i) const;
  double col_double(int i) const;
  std::string col_text(int i) const;
  // Valid until the next step, reset or column call on this statement.
  std::string_view col_view(int i) const;
  bool col_null(int i) const;

private:
  Db& db_;
  sqlite3_stmt* st_ = nullptr;
};

class Db {
public:
  explicit Db(const fs::path& path);
  // Another program's database (an importer's source): opened read-only,
  // never migrated; Error(Input) naming the file when it cannot be opened.
  struct Foreign {};
  Db(const fs::path& path, Foreign);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* raw() { return db_; }
  void exec(std::string_view sql);
  [[noreturn]] void raise(std::string_view what);
  const fs::path& path() const { return path_; }
  // Opened read-only: the file or its folder cannot be written (a read-only
  // mount, chmod). Reading commands work; caches skip their writes.
  bool read_only() const { return read_only_; }
  // Throws Error(Repo) when path() no longer names the file this connection
  // has open (deleted or replaced since): what was written since is lost.
  // `what` ends the message, saying what was lost.
  void check_in_place(std::string_view what) const;

private:
  void trim_wal() noexcept;

  sqlite3* db_ = nullptr;
  fs::path path_;
  bool read_only_ = false;
  std::uint64_t dev_ = 0, ino_ = 0;  // of the file opened
};

// BEGIN IMMEDIATE … COMMIT; rolls back when destroyed without commit().
class Transaction {
public:
  explicit Transaction(Db& db);
  ~Transaction();
  void commit();

private:
  Db& db_;
  bool done_ = false;
};

}  // namespace mlops

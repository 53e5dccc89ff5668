/* The floor for one `mlops exp log` call: a process that opens the state
 * database with mlops's settings (WAL kept, no checkpoint on close), inserts
 * one metric row and exits. Built by bench/exp against SQLite's static
 * library, as mlops links it. Usage: insert_one STATE_DB */
#include <sqlite3.h>
#include <stdio.h>
int main(int argc, char** argv) {
  sqlite3* db;
  if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) return 1;
  sqlite3_busy_timeout(db, 30000);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", 0, 0, 0);
  int one = 1;
  sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
  sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
  char* err = 0;
  if (sqlite3_exec(db, "INSERT INTO metrics VALUES ('x', 'loss', 0, 0.5, 0)", 0, 0, &err) != SQLITE_OK) { fprintf(stderr, "%s\n", err); return 1; }
  sqlite3_close(db);
  return 0;
}

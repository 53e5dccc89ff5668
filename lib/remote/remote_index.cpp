#include "remote/remote_index.hpp"

#include "remote/remote.hpp"
#include "state/db.hpp"

namespace mlops {

std::unordered_set<std::string> RemoteIndex::known(Remote& remote) {
  // The markers as a whole, not the newest name: a marker dated in the
  // future (a wrong clock, or planted) must not hide the ones after it.
  auto markers = remote.list_files("gc");
  if (!markers.empty()) {
    std::string all;
    for (const auto& m : markers) all += m + "\n";
    std::string digest = hash_bytes(HashAlgo::Xxh128, all).hex;
    Stmt m(db_, "SELECT marker FROM remote_index_gc WHERE remote = ?");
    m.bind(1, remote_);
    std::string seen = m.step() ? m.col_text(0) : std::string();
    if (digest != seen && !db_.read_only()) reset(digest);
  }
  std::unordered_set<std::string> out;
  Stmt s(db_, "SELECT id FROM remote_index WHERE remote = ?");
  s.bind(1, remote_);
  while (s.step()) out.insert(s.col_text(0));
  return out;
}

void RemoteIndex::reset(const std::string& marker) {
  Transaction tx(db_);
  Stmt d(db_, "DELETE FROM remote_index WHERE remote = ?");
  d.bind(1, remote_);
  d.run();
  Stmt m(db_, "INSERT OR REPLACE INTO remote_index_gc (remote, marker) VALUES (?, ?)");
  m.bind(1, remote_).bind(2, marker);
  m.run();
  tx.commit();
}

namespace {

// One statement run for each of `ids`, in one transaction.
void each_id(Db& db, const char* sql, const std::string& remote, const std::vector<ObjectId>& ids) {
  if (ids.empty()) return;
  Transaction tx(db);
  Stmt s(db, sql);
  for (const auto& id : ids) {
    s.bind(1, remote).bind(2, id.str());
    s.run();
  }
  tx.commit();
}

}  // namespace

void RemoteIndex::forget(const std::vector<ObjectId>& ids) {
  each_id(db_, "DELETE FROM remote_index WHERE remote = ? AND id = ?", remote_, ids);
}

void RemoteIndex::add(const std::vector<ObjectId>& ids) {
  each_id(db_, "INSERT OR IGNORE INTO remote_index (remote, id) VALUES (?, ?)", remote_, ids);
}

std::unordered_set<std::string> RemoteIndex::unusable() {
  std::unordered_set<std::string> out;
  Stmt s(db_, "SELECT id FROM remote_index_bad WHERE remote = ?");
  s.bind(1, remote_);
  while (s.step()) out.insert(s.col_text(0));
  return out;
}

void RemoteIndex::mark_unusable(const std::vector<ObjectId>& ids) {
  each_id(db_, "INSERT OR IGNORE INTO remote_index_bad (remote, id) VALUES (?, ?)", remote_, ids);
}

void RemoteIndex::clear_unusable(const std::vector<ObjectId>& ids) {
  each_id(db_, "DELETE FROM remote_index_bad WHERE remote = ? AND id = ?", remote_, ids);
}

std::optional<std::string> RemoteIndex::find_pack_index(const std::string& name) {
  Stmt s(db_, "SELECT body FROM remote_pack_indexes WHERE remote = ? AND name = ?");
  s.bind(1, remote_).bind(2, name);
  if (!s.step()) return std::nullopt;
  return s.col_text(0);
}

void RemoteIndex::keep_pack_index(const std::string& name, const std::string& text) {
  if (db_.read_only()) return;
  Stmt s(db_, "INSERT OR REPLACE INTO remote_pack_indexes (remote, name, body) VALUES (?, ?, ?)");
  s.bind(1, remote_).bind(2, name).bind(3, text);
  s.run();
}

void RemoteIndex::forget_pack_index(const std::string& name) {
  if (db_.read_only()) return;
  Stmt s(db_, "DELETE FROM remote_pack_indexes WHERE remote = ? AND name = ?");
  s.bind(1, remote_).bind(2, name);
  s.run();
}

}  // namespace mlops

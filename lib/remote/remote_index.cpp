#include "remote/remote_index.hpp"

#include "state/db.hpp"

namespace mlops {

std::unordered_set<std::string> RemoteIndex::known() {
  std::unordered_set<std::string> out;
  Stmt s(db_, "SELECT id FROM remote_index WHERE remote = ?");
  s.bind(1, remote_);
  while (s.step()) out.insert(s.col_text(0));
  return out;
}

void RemoteIndex::add(const std::vector<ObjectId>& ids) {
  if (ids.empty()) return;
  Transaction tx(db_);
  Stmt s(db_, "INSERT OR IGNORE INTO remote_index (remote, id) VALUES (?, ?)");
  for (const auto& id : ids) {
    s.bind(1, remote_).bind(2, id.str());
    s.run();
  }
  tx.commit();
}

void RemoteIndex::forget(const std::vector<ObjectId>& ids) {
  if (ids.empty()) return;
  Transaction tx(db_);
  Stmt s(db_, "DELETE FROM remote_index WHERE remote = ? AND id = ?");
  for (const auto& id : ids) {
    s.bind(1, remote_).bind(2, id.str());
    s.run();
  }
  tx.commit();
}

}  // namespace mlops

#pragma once
namespace mlops {
class Db;
// Brings the schema to the newest version (PRAGMA user_version), one step per
// migration, each in its own transaction.
void migrate(Db& db);
}  // namespace mlops

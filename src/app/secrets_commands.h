#pragma once
// Operator commands on a database's secrets and copies: `cognate keys rotate-master` re-seals
// every secret under a new master key (pool/master_keys.h), printing each column's progress;
// `cognate backup` / `restore` copy a SQLite database (store/sqlite/backup.h).

#include <string>

namespace cognate::app {

// `cognate backup` (from a live database to a new file) and `cognate restore` (from a backup to
// a new database, migrated to this version's schema). Returns the process exit status.
int run_copy(bool backup, const std::string& from, const std::string& to);

// Returns the process exit status: 0 when no value is left under another key.
int run_rotate_master(const std::string& database, const std::string& old_key_file,
                      const std::string& new_key_file, int batch);

}  // namespace cognate::app

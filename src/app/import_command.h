#pragma once
// `cognate import`: moves users in from a Cognito user-import CSV (pool/user_import.h) — a
// streaming read, batches of users per transaction, refused rows reported by line on stderr and
// skipped, users whose email the pool has left as they are (so a re-run picks up where the last
// stopped), a progress bar on a terminal (a line per tenth otherwise), a summary on stdout.

#include <string>

namespace cognate::app {

struct import_command {
  std::string database;  // sqlite:PATH or postgresql://…
  std::string pool;      // "" : the database's only pool
  std::string file;      // the CSV
  int batch = 1000;      // users per transaction
};

// Returns the exit status: 0 every row imported or there already, 1 some rows refused, 2 the
// file or its header cannot be read (rows before a malformed line stay imported).
int run_import(const import_command& command);

}  // namespace cognate::app

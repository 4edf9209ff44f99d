#pragma once
// `cognate audit`: lists the audit trail's security events for operators, newest first, as text
// or as one JSON object per line.

#include <chrono>
#include <string>

namespace cognate::app {

struct audit_command {
  std::string database;          // sqlite:PATH or postgresql://…
  std::string pool;              // "" : every pool
  std::string user;              // "" : everyone; an email (needs the pool) or a sub
  std::chrono::seconds since{};  // 0: all time; else events of the last `since`
  int limit = 100;
  bool json = false;
};

// Prints the events to stdout; returns the exit status.
int run_audit(const audit_command& command);

}  // namespace cognate::app

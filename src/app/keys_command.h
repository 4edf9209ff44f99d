#pragma once
// `cognate keys rotate-master`: re-seals every secret of a database under a new master key
// (pool/master_keys.h), printing each column's progress.

#include <string>

namespace cognate::app {

// Returns the process exit status: 0 when no value is left under another key.
int run_rotate_master(const std::string& database, const std::string& old_key_file,
                      const std::string& new_key_file, int batch);

}  // namespace cognate::app

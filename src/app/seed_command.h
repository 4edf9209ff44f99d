#pragma once
// `cognate seed`: fills the pool of a database with test users (pool/seed.h), drawing a progress
// bar on stderr (one line per 10% when stderr is not a terminal).

#include "pool/seed.h"

#include <string>

namespace cognate::app {

// Seeds `pool_id` (or the database's only pool when empty). Returns the process exit status: 0
// when every user exists afterwards.
int run_seed(const std::string& database, const std::string& key_file, const std::string& pool_id,
             const pool::seed_options& options);

}  // namespace cognate::app

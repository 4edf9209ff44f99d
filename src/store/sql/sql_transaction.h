#pragma once
// The one implementation of store::transaction: the SQL repositories (sql_repositories.h) over
// an engine's executor. Engines differ only in their executor.

#include "store/sql/executor.h"
#include "store/store.h"

#include <memory>

namespace cognate::store {

// A transaction over `db`, which must already be inside BEGIN … (the store's transact() owns
// BEGIN/COMMIT). Not thread-safe.
std::unique_ptr<transaction> make_sql_transaction(sql::executor& db);

}  // namespace cognate::store

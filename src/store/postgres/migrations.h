#pragma once
// Versioned schema for the PostgreSQL store, mirroring the SQLite one (same tables, BIGINT for
// integers and times). Version N is the number of scripts applied, kept in schema_version.
// Scripts are append-only. Plain SQL (no PL/pgSQL) so PostgreSQL-compatible engines run it.

#include <span>
#include <string_view>

namespace cognate::store::postgres {

std::span<const std::string_view> migrations();

}  // namespace cognate::store::postgres

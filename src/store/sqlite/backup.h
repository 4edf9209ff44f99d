#pragma once
// Copies of a SQLite database taken while a server writes to it, with SQLite's online backup API:
// every page of one consistent snapshot (a read transaction in WAL mode blocks no writer), to a
// new file that is then checked page by page (PRAGMA integrity_check).

#include "common/error.h"

#include <cstdint>
#include <filesystem>
#include <string>

namespace cognate::store::sqlite {

struct copy_report {
  std::int64_t pages = 0;
  std::int64_t bytes = 0;
  std::int64_t users = 0;
  std::int64_t pools = 0;
  std::string key_id;  // the master key the copy's secrets are sealed with ("" if none yet)
};

// Copies `from` to `to`, which must not exist; removes a partial `to` on failure. Fails with a
// message saying why (missing source, existing target, a copy that does not check out).
result<copy_report> copy_database(const std::filesystem::path& from,
                                  const std::filesystem::path& to);

}  // namespace cognate::store::sqlite

#pragma once
// Versioned schema for the SQLite store. Version N is the number of scripts applied; it is kept
// in PRAGMA user_version. Scripts are append-only: never edit one that has shipped.

#include <span>
#include <string_view>

namespace cognate::store::sqlite {

std::span<const std::string_view> migrations();

}  // namespace cognate::store::sqlite

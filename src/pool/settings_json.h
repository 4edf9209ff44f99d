#pragma once
// How a pool's settings are kept in the store (pools.settings): every field of pool_settings as
// JSON, so every node serves the same pool from the database alone. Keys left out read as the
// defaults of settings.h (a database written by an earlier version has "{}"). Pure.

#include "common/error.h"
#include "pool/settings.h"

#include <string>
#include <string_view>

namespace cognate::pool {

std::string settings_to_json(const pool_settings& settings);

// errc::internal (logged) when the text is not a JSON object or a key has the wrong type: the
// store holds what settings_to_json wrote, so anything else is damage, not client input.
result<pool_settings> settings_from_json(std::string_view text);

}  // namespace cognate::pool

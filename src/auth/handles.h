#pragma once
// The random handles clients hold (Session strings and refresh tokens) and how they are stored:
// 32 random bytes, URL-safe, behind a prefix so they never start with '-' (the AWS CLI would read
// "--session -x…" as an option); only their SHA-256 is kept. Safe for concurrent use.

#include <string>
#include <string_view>

namespace cognate::auth {

// `prefix` followed by 43 base64url characters of fresh randomness.
std::string new_handle(std::string_view prefix);

// Lower-case hex SHA-256 of `handle`: the key it is stored under.
std::string handle_hash(std::string_view handle);

}  // namespace cognate::auth

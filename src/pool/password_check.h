#pragma once
// Checks a proposed password against the pool's policy, with Cognito's messages. Pure.

#include "common/error.h"
#include "pool/settings.h"

#include <string_view>

namespace cognate::pool {

// Success, or errc::invalid_password "Password did not conform with policy: …" naming the first
// rule broken, or errc::invalid_parameter for a password the API model itself rejects (longer than
// 256 characters, leading or trailing whitespace, not UTF-8).
result<void> check_password(const password_policy& policy, std::string_view password);

// The characters Cognito counts as symbols: ^ $ * . [ ] { } ( ) ? " ! @ # % & / \ , > < ' : ; | _ ~ ` = + - and space.
bool is_password_symbol(char c);

}  // namespace cognate::pool

#pragma once
// Email addresses as user names: syntax check, the case-folded lookup key, and the masked form
// shown in CodeDeliveryDetails. Pure.

#include <string>
#include <string_view>

namespace cognate::pool {

// A pragmatic check: one '@', non-empty local part (≤ 64) and domain (≤ 253, no empty labels),
// no whitespace or control characters, ≤ 254 characters in all.
bool looks_like_email(std::string_view address);

// The key emails are unique and looked up by (Gen 2 pools are case-insensitive): ASCII lower-case.
std::string email_key(std::string_view address);

// "Alice@example.com" → "a***@e***" (the form Cognito shows in CodeDeliveryDetails), always
// from the case-folded address.

std::string mask_email(std::string_view address);

}  // namespace cognate::pool

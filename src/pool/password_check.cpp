#include "pool/password_check.h"
#include "common/reasons.h"

#include <algorithm>
#include <string>

namespace cognate::pool {

bool is_password_symbol(char c) {
  static constexpr std::string_view symbols = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";
  return symbols.find(c) != std::string_view::npos;
}

result<void> check_password(const password_policy& policy, std::string_view password) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  if (password.size() > 256 || password.empty() || is_space(password.front()) ||
      is_space(password.back())) {
    return fail(reason::password_pattern);
  }
  auto has = [&](auto pred) { return std::any_of(password.begin(), password.end(), pred); };
  auto broken = [](std::string_view rule) {
    return fail(reason::password_policy, rule);
  };
  // Length counts characters, not UTF-8 bytes.
  auto characters = std::count_if(password.begin(), password.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
  if (characters < policy.min_length) {
    return broken("Password not long enough");
  }
  if (policy.require_lowercase && !has([](char c) { return c >= 'a' && c <= 'z'; })) {
    return broken("Password must have lowercase characters");
  }
  if (policy.require_uppercase && !has([](char c) { return c >= 'A' && c <= 'Z'; })) {
    return broken("Password must have uppercase characters");
  }
  if (policy.require_numbers && !has([](char c) { return c >= '0' && c <= '9'; })) {
    return broken("Password must have numeric characters");
  }
  if (policy.require_symbols && !has(is_password_symbol)) {
    return broken("Password must have symbol characters");
  }
  return {};
}

}  // namespace cognate::pool

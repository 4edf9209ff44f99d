#include "pool/email_address.h"

#include <algorithm>

namespace cognate::pool {

bool looks_like_email(std::string_view address) {
  if (address.size() > 254) {
    return false;
  }
  auto at = address.find('@');
  if (at == std::string_view::npos || address.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  auto local = address.substr(0, at);
  auto domain = address.substr(at + 1);
  if (local.empty() || local.size() > 64 || domain.empty() || domain.size() > 253) {
    return false;
  }
  bool bad_char = std::any_of(address.begin(), address.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f;
  });
  if (bad_char || domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    return false;
  }
  return true;
}

std::string email_key(std::string_view address) {
  std::string key(address);
  std::transform(key.begin(), key.end(), key.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  return key;
}

namespace {

// The first UTF-8 character of `text` (all of its bytes).
std::string_view first_character(std::string_view text) {
  std::size_t n = 1;
  while (n < text.size() && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) {
    ++n;
  }
  return text.substr(0, n);
}

}  // namespace

std::string mask_email(std::string_view typed) {
  // Masked from the case-folded form, so that how a name was typed never shows whether it is
  // someone's stored address.
  const auto key = email_key(typed);
  const std::string_view address = key;
  auto at = address.find('@');

  if (at == std::string_view::npos || at == 0 || at + 1 >= address.size()) {
    return "***";
  }
  return std::string(first_character(address)) + "***@" +
         std::string(first_character(address.substr(at + 1))) + "***";
}

}  // namespace cognate::pool

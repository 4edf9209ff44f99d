// libFuzzer target: the small parsers that see client text — SRP TIMESTAMP, base64/base64url/
// base32/hex decoders, email checks, and the auth config parser (an operator's file, but it must
// not crash either).
#include "common/encoding.h"
#include "pool/auth_config.h"
#include "pool/email_address.h"
#include "pool/srp_timestamp.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)cognate::pool::parse_srp_timestamp(text);
  (void)cognate::base64_decode(text);
  (void)cognate::base64url_decode(text);
  (void)cognate::base32_decode(text);
  (void)cognate::hex_decode(text);
  (void)cognate::pool::looks_like_email(text);
  (void)cognate::pool::mask_email(text);
  (void)cognate::pool::parse_auth_config(text);
  return 0;
}

// libFuzzer target: the small parsers that see client text — SRP TIMESTAMP, base64/base64url/
// base32/hex decoders, email checks, the SigV4 Authorization header (and the canonical request
// built from what it names), and the auth config parser (an operator's file, but it must not
// crash either).
#include "auth/sigv4.h"
#include "common/encoding.h"
#include "pool/auth_config.h"
#include "pool/email_address.h"
#include "pool/srp_timestamp.h"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

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
  if (auto a = cognate::auth::sigv4::parse_authorization(text)) {
    const std::vector<std::pair<std::string_view, std::string_view>> headers = {
        {"Host", "127.0.0.1:9339"}, {"X-Amz-Date", "20261129T011242Z"}, {"host", text}};
    const cognate::auth::sigv4::request r{
        .method = "POST", .path = text, .query = text, .headers = headers, .body = text};
    (void)cognate::auth::sigv4::canonical_request(r, a->signed_headers, a->signed_headers_text,
                                                  cognate::auth::sigv4::hex_sha256(text));
  }
  return 0;
}

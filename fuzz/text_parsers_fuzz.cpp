// libFuzzer target: the small parsers that see client text — SRP TIMESTAMP, base64/base64url/
// base32/hex decoders, email checks, the SigV4 Authorization header (and the canonical request
// built from what it names). The config reader has a target of its own (config_fuzz.cpp).
#include "auth/sigv4.h"
#include "common/encoding.h"
#include "pool/email_address.h"
#include "pool/srp_timestamp.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>
#include <vector>

namespace {

void must(bool holds, const char* what) {
  if (!holds) {
    std::fprintf(stderr, "text_parsers_fuzz: %s failed\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // The TIMESTAMP form is exact (srp_timestamp.h): what parses is what format writes.
  if (auto t = cognate::pool::parse_srp_timestamp(text)) {
    must(cognate::pool::format_srp_timestamp(*t) == text, "SRP TIMESTAMP round trip");
  }
  // Whatever a decoder accepts must survive encode → decode unchanged.
  if (auto d = cognate::base64_decode(text)) {
    must(cognate::base64_decode(cognate::base64_encode(*d)) == d, "base64 round trip");
  }
  if (auto d = cognate::base64url_decode(text)) {
    must(cognate::base64url_decode(cognate::base64url_encode(*d)) == d, "base64url round trip");
  }
  if (auto d = cognate::base32_decode(text)) {
    must(cognate::base32_decode(cognate::base32_encode(*d)) == d, "base32 round trip");
  }
  if (auto d = cognate::hex_decode(text)) {
    must(cognate::hex_decode(cognate::hex_encode(*d)) == d, "hex round trip");
  }
  (void)cognate::pool::looks_like_email(text);
  (void)cognate::pool::email_key(text);
  (void)cognate::pool::mask_email(text);
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

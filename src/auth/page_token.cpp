#include "auth/page_token.h"

#include "common/encoding.h"
#include "common/reasons.h"

namespace cognate::auth {

std::string page_token(std::string_view last_key) { return base64url_encode(as_bytes(last_key)); }

result<std::string> page_position(std::string_view token) {
  if (token.empty()) {
    return std::string();
  }
  const auto decoded = base64url_decode(token);
  if (!decoded) {
    return fail(reason::invalid_parameter, "Invalid NextToken.");
  }
  return std::string(decoded->begin(), decoded->end());
}

}  // namespace cognate::auth

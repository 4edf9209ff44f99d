#include "auth/handles.h"

#include "common/encoding.h"
#include "common/random.h"
#include "crypto/hmac.h"

namespace cognate::auth {

std::string new_handle(std::string_view prefix) {
  return std::string(prefix) + base64url_encode(random_bytes(32));
}

std::string handle_hash(std::string_view handle) {
  return hex_encode(crypto::sha256(as_bytes(handle)));
}

}  // namespace cognate::auth

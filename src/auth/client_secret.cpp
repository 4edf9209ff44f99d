#include "auth/client_secret.h"

#include "common/encoding.h"
#include "common/reasons.h"
#include "crypto/hmac.h"

namespace cognate::auth {

std::string secret_hash(std::string_view secret, std::string_view username,
                        std::string_view client_id) {
  std::string message;
  message.reserve(username.size() + client_id.size());
  message.append(username).append(client_id);
  const auto mac = crypto::hmac_sha256(as_bytes(secret), as_bytes(message));
  return base64_encode(mac);
}

result<void> check_secret_hash(const pool::client_entry& client, std::string_view username,
                               const std::optional<std::string>& hash) {
  if (!client.has_secret()) {
    return {};
  }
  if (!hash || hash->empty()) {
    return fail(reason::client_secret_missing, client.record.id);
  }
  const auto expected = secret_hash(client.secret, username, client.record.id);
  if (!crypto::constant_time_equal(as_bytes(expected), as_bytes(*hash))) {
    return fail(reason::client_secret_mismatch, client.record.id);
  }
  return {};
}

result<void> check_client_secret(const pool::client_entry& client,
                                 const std::optional<std::string>& secret) {
  if (!client.has_secret()) {
    return {};
  }
  if (!secret || secret->empty()) {
    return fail(reason::client_secret_missing, client.record.id);
  }
  if (!crypto::constant_time_equal(as_bytes(client.secret), as_bytes(*secret))) {
    return fail(reason::client_secret_mismatch, client.record.id);
  }
  return {};
}

}  // namespace cognate::auth

#pragma once
// Where each sealed secret lives: the associated data it is sealed with (sealer.h). One place, so
// the code that writes a secret, the code that reads it and `cognate keys rotate-master` (which
// re-seals every one of them) cannot disagree. A value sealed under one context opens under no
// other, so a ciphertext copied into another row is useless.

#include <string>
#include <string_view>

namespace cognate::crypto::seal_context {

inline std::string join(std::string_view a, std::string_view b, std::string_view c = {}) {
  std::string out;
  out.reserve(a.size() + b.size() + c.size() + 2);
  out.append(a).append(":").append(b);
  if (!c.empty()) {
    out.append(":").append(c);
  }
  return out;
}

// users.srp_verifier
inline std::string verifier(std::string_view user_id) { return join("user", user_id, "verifier"); }
// user_factors.secret, by the factor's kind (TOTP seeds, active or pending: "totp")
inline std::string factor(std::string_view user_id, std::string_view kind) {
  return join("user", user_id, kind);
}
inline std::string totp(std::string_view user_id) { return factor(user_id, "totp"); }
// auth_sessions.state
inline std::string session(std::string_view handle_hash) { return join("session", handle_hash); }
// outbox.payload
inline std::string outbox(std::string_view recipient) { return join("outbox", recipient); }
// signing_keys.private_pem
inline std::string signing_key(std::string_view kid) { return join("signing-key", kid); }
// app_clients.secret
inline std::string client_secret(std::string_view client_id) {
  return join("client", client_id, "secret");
}
// operator_credentials.secret
inline std::string credential(std::string_view access_key_id) {
  return join("credential", access_key_id);
}
// sealed_settings.value (e.g. the hash root)
inline std::string setting(std::string_view name) { return join("setting", name); }

}  // namespace cognate::crypto::seal_context

#pragma once
// Every sealed value in the database, column by column, for re-sealing them all under a new master
// key (`cognate keys rotate-master`), and the settings sealed once per database (the hash root).

#include "common/error.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cognate::store {

// A column that holds sealed values (crypto/seal_context.h names the context of each).
enum class sealed_column {
  verifier,           // users.srp_verifier, owner = the user's id
  factor_secret,      // user_factors.secret, owner = "<user id>:<factor kind>"
  session_state,      // auth_sessions.state, owner = the handle hash
  outbox_payload,     // outbox.payload, owner = the recipient
  signing_key,        // signing_keys.private_pem, owner = the kid
  client_secret,      // app_clients.secret, owner = the client id
  credential_secret,  // operator_credentials.secret, owner = the access key id
  setting,            // sealed_settings.value, owner = the setting's name
};
inline constexpr std::array all_sealed_columns = {
    sealed_column::verifier,          sealed_column::factor_secret, sealed_column::session_state,
    sealed_column::outbox_payload,    sealed_column::signing_key,   sealed_column::client_secret,
    sealed_column::credential_secret, sealed_column::setting};
// "users.srp_verifier", …
std::string_view column_name(sealed_column c);

struct sealed_value {
  sealed_column column = sealed_column::verifier;
  std::vector<std::string> row;  // the row's primary key, column by column
  std::string owner;             // what the value's seal context names (above)
  std::string sealed;
};

// Reached from a transaction (store.h); valid only inside it. Failures are errc::internal.
class sealed_repository {
 public:
  virtual ~sealed_repository() = default;

  virtual result<std::optional<std::string>> setting(const std::string& name) = 0;
  // Stores a setting unless one of that name exists; false (and nothing written) if it does.
  virtual result<bool> add_setting(const std::string& name, const std::string& sealed) = 0;

  // Up to `limit` non-empty values of `column` not sealed with the master key `key_id`, in no
  // particular order.
  virtual result<std::vector<sealed_value>> not_sealed_with(sealed_column column,
                                                            std::string_view key_id, int limit) = 0;
  virtual result<std::int64_t> count_not_sealed_with(sealed_column column,
                                                     std::string_view key_id) = 0;
  // Writes `resealed` over `v` if its row still holds `v.sealed`; false if the row changed or is
  // gone (someone wrote it meanwhile).
  virtual result<bool> replace(const sealed_value& v, const std::string& resealed) = 0;
};

}  // namespace cognate::store

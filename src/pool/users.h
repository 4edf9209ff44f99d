#pragma once
// A pool's users as the domain creates and finds them: a new record with its sealed SRP
// verifier, and lookup by the name clients send.

#include "common/clock.h"
#include "common/error.h"
#include "crypto/sealer.h"
#include "store/store.h"

#include <optional>
#include <string>

namespace cognate::pool {

// A password as it is kept: the user's SRP salt and sealed verifier (pool/verifier_seal.h).
struct password_verifier {
  std::string salt_hex;
  std::string sealed;
};

// The verifier of `password` for user `user_id` of pool `pool_id`: one 3072-bit modexp, so
// compute it outside transactions.
password_verifier make_password_verifier(const crypto::sealer& sealer, const std::string& pool_id,
                                         const std::string& user_id, const std::string& password);
// Sets `user`'s password to `v`.
void set_password(store::user_record& user, const password_verifier& v);
// Whether `user` has a password (users imported from a CSV have none until they reset it).
inline bool has_password(const store::user_record& user) {
  return !user.srp_verifier_sealed.empty();
}

// A new user of pool `pool_id` (unconfirmed, a fresh UUID) with its SRP verifier for `password`

// computed (one 3072-bit modexp) and sealed. The caller sets the attributes and inserts it.
store::user_record new_user_record(const crypto::sealer& sealer, const std::string& pool_id,
                                   const std::string& email, const std::string& password,
                                   time_point now);

// Inside `tx`: deletes the user and everything that is theirs — codes, factors, challenge
// Sessions, refresh tokens, group memberships and mail not sent yet (audit rows stay).
result<void> delete_account(store::transaction& tx, const std::string& pool_id,
                            const std::string& user_id);

// Looks a user up by the name a client sends: the email alias (case-insensitive) or the UUID
// user name. Inside `tx`; fails only on store errors.
result<std::optional<store::user_record>> find_user_by_name(store::transaction& tx,
                                                            const std::string& pool_id,
                                                            const std::string& username);
// As find_user_by_name(), with the user's factors (one query).
result<std::optional<store::user_account>> find_account_by_name(store::transaction& tx,
                                                                const std::string& pool_id,
                                                                const std::string& username);

}  // namespace cognate::pool

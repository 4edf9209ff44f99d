#include "pool/users.h"

#include "common/random.h"
#include "crypto/srp.h"
#include "pool/directory.h"
#include "pool/email_address.h"
#include "pool/verifier_seal.h"

namespace cognate::pool {

password_verifier make_password_verifier(const crypto::sealer& sealer, const std::string& pool_id,
                                         const std::string& user_id, const std::string& password) {
  auto verifier = crypto::make_srp_verifier(srp_pool_name(pool_id), user_id, password);
  return password_verifier{.salt_hex = std::move(verifier.salt_hex),
                           .sealed = seal_verifier(sealer, user_id, verifier.verifier_hex)};
}

void set_password(store::user_record& user, const password_verifier& v) {
  user.srp_salt_hex = v.salt_hex;
  user.srp_verifier_sealed = v.sealed;
}

store::user_record new_user_record(const crypto::sealer& sealer, const std::string& pool_id,
                                   const std::string& email, const std::string& password,
                                   time_point now) {
  auto id = random_uuid();
  auto verifier = make_password_verifier(sealer, pool_id, id, password);
  return store::user_record{.pool_id = pool_id,
                            .id = std::move(id),
                            .email = email,
                            .email_key = email_key(email),
                            .srp_salt_hex = std::move(verifier.salt_hex),
                            .srp_verifier_sealed = std::move(verifier.sealed),
                            .created_at = now,
                            .updated_at = now};
}


result<void> delete_account(store::transaction& tx, const std::string& pool_id,
                            const std::string& user_id) {
  RETURN_IF_ERROR(tx.outbox().drop_pending(pool_id, user_id));
  RETURN_IF_ERROR(tx.codes().remove_user(pool_id, user_id));
  RETURN_IF_ERROR(tx.factors().remove_user(pool_id, user_id));
  RETURN_IF_ERROR(tx.sessions().remove_user(pool_id, user_id));
  RETURN_IF_ERROR(tx.tokens().remove_user(pool_id, user_id));
  RETURN_IF_ERROR(tx.groups().remove_user(pool_id, user_id));
  return tx.users().remove(pool_id, user_id);
}

result<std::optional<store::user_record>> find_user_by_name(store::transaction& tx,
                                                            const std::string& pool_id,
                                                            const std::string& username) {
  if (username.find('@') != std::string::npos) {
    return tx.users().find_by_email(pool_id, email_key(username));
  }
  return tx.users().find_by_id(pool_id, username);
}

result<std::optional<store::user_account>> find_account_by_name(store::transaction& tx,
                                                                const std::string& pool_id,
                                                                const std::string& username) {
  if (username.find('@') != std::string::npos) {
    return tx.users().account_by_email(pool_id, email_key(username));
  }
  return tx.users().account_by_id(pool_id, username);
}

}  // namespace cognate::pool

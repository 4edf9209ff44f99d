#pragma once
// Users: one row per account of a pool, found by id (the UUID user name and `sub`) or by the
// case-folded email alias. Their factors are rows of their own (factor_repository.h), written
// there, and read here with the user in one query when a step needs both.

#include "common/clock.h"
#include "common/error.h"
#include "store/factor_repository.h"

#include <optional>
#include <string>
#include <vector>

namespace cognate::store {

// Cognito's UserStatus.
enum class user_status {
  unconfirmed,     // signed up, email not confirmed yet
  confirmed,       // may sign in
  reset_required,  // must reset the password (ForgotPassword) before signing in
  force_change_password,  // created by an operator: must choose a password (NEW_PASSWORD_REQUIRED)
};

struct user_record {
  std::string pool_id;
  std::string id;         // UUID; also `sub` and the Cognito username
  std::string email;      // as the user typed it
  std::string email_key;  // case-folded; unique per pool
  user_status status = user_status::unconfirmed;
  bool enabled = true;
  std::string attributes_json;  // JSON object of string values, e.g. {"email":"…","name":"…"}
  // A new email awaiting verification by code ("" if none): until verified, `email` stays the
  // sign-in name and the verified address (Gen 2's keep-original setting).
  std::string pending_email;
  std::string srp_salt_hex;
  std::string srp_verifier_sealed;  // pool/verifier_seal.h
  time_point created_at;
  time_point updated_at;
  // Sign-in protection: failed password proofs in a row, and when the current lockout ends.
  int failed_sign_ins = 0;
  time_point locked_until;
  // The user's group names, in precedence order (group_repository.h keeps the memberships).
  std::vector<std::string> groups;
  // FORCE_CHANGE_PASSWORD: when the temporary password stops working (epoch 0: never).
  time_point password_expires_at;
};

// A user with every factor they have (ordered by factor id).
struct user_account {
  user_record user;
  std::vector<factor_record> factors;
};

// Reached from a transaction (store.h); valid only inside it. Failures are errc::internal
// (database trouble, logged) unless noted.
class user_repository {
 public:
  virtual ~user_repository() = default;
  // Fails with errc::username_exists if (pool_id, email_key) or (pool_id, id) is taken.
  virtual result<void> insert(const user_record& u) = 0;
  // Overwrites every field of the user (pool_id, id).
  virtual result<void> update(const user_record& u) = 0;
  // Deletes the user row (the caller removes what else belongs to the user first).
  virtual result<void> remove(const std::string& pool_id, const std::string& user_id) = 0;

  virtual result<std::optional<user_record>> find_by_email(const std::string& pool_id,
                                                           const std::string& email_key) = 0;
  virtual result<std::optional<user_record>> find_by_id(const std::string& pool_id,
                                                        const std::string& user_id) = 0;
  // Users of the pool whose id sorts after `after_id` ("" for the first), by id, at most `limit`.
  virtual result<std::vector<user_record>> list(const std::string& pool_id,
                                                const std::string& after_id, int limit) = 0;
  // The user and their factors, in one query.

  virtual result<std::optional<user_account>> account_by_id(const std::string& pool_id,
                                                            const std::string& user_id) = 0;
  virtual result<std::optional<user_account>> account_by_email(const std::string& pool_id,
                                                               const std::string& email_key) = 0;
};

}  // namespace cognate::store

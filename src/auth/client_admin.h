#pragma once
// A pool's app clients, as operators manage them with signed calls (protocol doc
// cognito-admin-api.md §7): create, describe, update, list, delete. A change raises the directory
// version: this node reloads at once, the others within a second (pool/directory.h). Token
// validities are kept in seconds; the API speaks Cognito's TokenValidityUnits.
//
// Blocking (store); call from worker threads. Thread-safe.

#include "common/clock.h"
#include "common/error.h"
#include "crypto/sealer.h"

#include "pool/directory.h"
#include "store/store.h"

#include <optional>
#include <string>
#include <vector>

namespace cognate::auth {

// What CreateUserPoolClient / UpdateUserPoolClient may set; absent fields keep their value
// (update) or Cognito's default (create).
struct client_changes {
  std::optional<std::string> name;
  std::optional<std::vector<std::string>> auth_flows;
  std::optional<std::int64_t> access_token_validity;  // seconds
  std::optional<std::int64_t> id_token_validity;
  std::optional<std::int64_t> refresh_token_validity;
  std::optional<std::int64_t> auth_session_validity;
  std::optional<std::vector<std::string>> read_attributes;
  std::optional<std::vector<std::string>> write_attributes;
  std::optional<bool> prevent_user_existence_errors;
  bool generate_secret = false;  // create only: a confidential client (auth/client_secret.h)
};

struct client_page {
  std::vector<store::client_record> clients;
  std::string next_token;
};

class client_admin {
 public:
  // `declared_client`: the app client this server provisions from its config ("" for none).
  client_admin(store::store& store, pool::directory& directory, const crypto::sealer& sealer,
               const clock& clock, std::string declared_client = "")
      : store_(store),
        directory_(directory),
        sealer_(sealer),
        clock_(clock),
        declared_(std::move(declared_client)) {}

  // Failures: invalid_parameter (an unknown auth flow, a validity out of Cognito's range).
  result<store::client_record> create(const pool::pool_entry& pool, const client_changes& c,
                                      const std::string& actor) const;
  // Failure: resource_not_found for a client of another pool or none.
  result<store::client_record> describe(const pool::pool_entry& pool,
                                        const std::string& client_id) const;
  result<store::client_record> update(const pool::pool_entry& pool, const std::string& client_id,
                                      const client_changes& c, const std::string& actor) const;
  // Failure: client_declared_by_config for the client the config provisions (the next start
  // would otherwise adopt another client, perhaps one with a secret, for the web app).
  result<void> remove(const pool::pool_entry& pool, const std::string& client_id,
                      const std::string& actor) const;
  result<client_page> list(const pool::pool_entry& pool, int limit,
                           const std::string& token) const;
  // The client's secret in the clear ("" for a public client), for DescribeUserPoolClient.
  result<std::string> secret_of(const store::client_record& r) const;

 private:
  store::store& store_;
  pool::directory& directory_;
  const crypto::sealer& sealer_;
  const clock& clock_;
  std::string declared_;
};

}  // namespace cognate::auth

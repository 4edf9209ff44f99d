#pragma once
// The Cognito operations as table entries (operations.cpp): each names its handler, declares its
// input members (validated before anything runs), how the call is authenticated, how its pool is
// found, whether it only reads (the HTTP layer runs those on a pool of their own) and its
// rate-limit class. The service (service.h) validates, authenticates and finds the pool once, then
// hands the handler a `call` with all of it. A new operation is a row and a handler.

#include "api/decoder.h"
#include "api/request.h"
#include "auth/access_guard.h"
#include "auth/client_admin.h"
#include "auth/pool_admin.h"
#include "auth/services.h"
#include "pool/directory.h"
#include "pool/recovery.h"
#include "pool/registration.h"

#include <boost/json.hpp>

#include <span>
#include <string_view>

namespace cognate::api {

enum class authentication {
  none,                     // public: anyone may call (the pool is found by ClientId)
  access_token,             // AccessToken: auth::access_guard, before the handler
  access_token_or_session,  // exactly one of AccessToken (checked before) and Session (the
                            // handler's)
  sigv4,                    // AWS Signature V4 of an operator credential (admin operations)
};

enum class pool_lookup {
  none,
  client_id,     // the ClientId member names the app client, and so the pool
  user_pool_id,  // the UserPoolId member (admin operations)
  access_token,  // the token's issuer
  session,       // the Session's row (the handler looks it up in its transaction)
};

// How a caller proves it knows its app client's secret, when the client has one
// (auth/client_secret.h). Checked by the service once the client is known, before the handler.
enum class secret_proof {
  none,                 // the operation takes none
  secret_hash,          // the SecretHash member, over the Username member
  auth_parameters,      // AuthParameters.SECRET_HASH over AuthParameters.USERNAME; for a refresh
                        // only its presence (token_service checks it against the token's user)
  challenge_responses,  // ChallengeResponses.SECRET_HASH over ChallengeResponses.USERNAME
  client_secret,        // the ClientSecret member: the secret itself
};

// Which rate limits a call counts against (rate_limit.h): the public operations' classes follow
// Cognito's quota categories; read, account and admin calls are authenticated and not limited.
// `challenge` stays last: rate_limit.h counts the classes by it.
enum class limit_class { sign_up, sign_in, mfa, token, read, recovery, account, admin, challenge };


// What the operations work with. References outlive every call.
struct domain {
  pool::directory& directory;
  pool::registration& registration;
  pool::account_recovery& recovery;
  auth::services& auth;
  auth::client_admin& clients;
  auth::pool_admin& pools;
  std::string_view region = "us-east-1";  // the server's own (--region): signed calls may name it
  class rate_limiter* limiter = nullptr;  // rate_limit.h; none: nothing is limited
};

// One call, ready for its handler: validated input, the caller (when authenticated) and the pool.
struct call {
  const request_context& request;
  const boost::json::object& body;  // validated against the operation's members
  const domain& services;
  const pool::directory_snapshot& directory;   // one snapshot for the whole call
  // pool_lookup::client_id, and the ClientId of an admin operation that takes a secret proof
  const pool::client_entry* client = nullptr;

  const pool::pool_entry* pool = nullptr;      // every lookup but none and session
  const auth::caller* caller = nullptr;        // when an AccessToken was checked
  const auth::operator_principal* principal = nullptr;  // when a SigV4 signature was checked

};

using handler = result<boost::json::object> (*)(const call&);

struct operation_spec {
  std::string_view name;  // after "AWSCognitoIdentityProviderService."
  handler run;
  authentication auth;
  pool_lookup pool;
  bool read_only;
  limit_class limit;
  std::span<const member_rule> members;
  secret_proof proof = secret_proof::none;
};

// Cognate's operations (operations.cpp).
std::span<const operation_spec> cognito_operations();

}  // namespace cognate::api

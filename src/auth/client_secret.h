#pragma once
// Proof that a caller knows its app client's secret, for clients created with GenerateSecret.
// Cognito asks for it on every user operation a client makes on a user's behalf: SignUp,
// ConfirmSignUp, ResendConfirmationCode, ForgotPassword, ConfirmForgotPassword (the SecretHash
// member); InitiateAuth, RespondToAuthChallenge and their admin forms (SECRET_HASH in
// AuthParameters / ChallengeResponses); GetTokensFromRefreshToken and RevokeToken (ClientSecret,
// the secret itself). A SECRET_HASH is Base64(HMAC-SHA256(secret, username + client id)); for a
// refresh the username is the token's user's (the sub), found later (token_service::refresh).
//
// A public client (no secret) needs no proof and any proof sent is ignored, as Cognito does.
// Comparisons are constant-time; the checks read no user, so known and unknown names answer the
// same. Pure; thread-safe.

#include "common/error.h"
#include "pool/directory.h"

#include <optional>
#include <string>
#include <string_view>

namespace cognate::auth {

// Base64(HMAC-SHA256(key = secret, message = username || client_id)).
std::string secret_hash(std::string_view secret, std::string_view username,
                        std::string_view client_id);

// A SECRET_HASH / SecretHash over `username`. Failures: client_secret_missing (none sent),
// client_secret_mismatch.
result<void> check_secret_hash(const pool::client_entry& client, std::string_view username,
                               const std::optional<std::string>& hash);

// The secret itself (ClientSecret). Failures as above.
result<void> check_client_secret(const pool::client_entry& client,
                                 const std::optional<std::string>& secret);

}  // namespace cognate::auth

#pragma once
// Minting the ID and access tokens of a sign-in: Cognito's claim set (protocol doc §7), signed
// RS256 by a keyring. Pure apart from randomness (jti, event_id); safe for concurrent use.

#include "common/clock.h"
#include "token/keyring.h"

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cognate::token {

// Who the tokens are for and which sign-in they belong to.
struct token_subject {
  std::string sub;  // the user's UUID; also "username" / "cognito:username"
  std::map<std::string, std::string> attributes;  // go into the ID token (sub excluded)
  std::string client_id;
  std::string origin_jti;  // shared by every token of one sign-in (the revocation family)
  std::vector<std::string> groups;  // cognito:groups, in precedence order (omitted when none)
  time_point auth_time;
};

struct token_lifetimes {
  std::chrono::seconds access{3600};
  std::chrono::seconds id{3600};
};

struct issued_tokens {
  std::string access_token;
  std::string id_token;
  std::chrono::seconds expires_in;  // of the access token
};

// Two RSA signatures (~1 ms each at 2048 bits). "email_verified" / "phone_number_verified" become
// JSON booleans in the ID token, every other attribute a string. Throws std::runtime_error only if
// OpenSSL fails to sign.
issued_tokens issue_tokens(const keyring& keys, std::string_view issuer, const token_subject& who,
                           const token_lifetimes& lifetimes, time_point now);

}  // namespace cognate::token

#pragma once
// amplify/auth.json: the pool's settings written with the keys and meaning of Amplify Gen 2
// defineAuth() (protocol doc §11), the change summary the sandbox prints when the file is edited,
// and the amplify_outputs.json document front ends configure Amplify with (protocol doc §9.2).
// Pure functions; safe for concurrent use.

#include "common/error.h"
#include "pool/settings.h"

#include <boost/json/object.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace cognate::pool {

// "OFF", "OPTIONAL" or "REQUIRED" (the defineAuth multifactor.mode spelling).
std::string_view to_string(mfa_mode mode);

// Parses the text of amplify/auth.json (strict JSON: no comments, no trailing commas, valid
// UTF-8) into settings; keys left out keep the defineAuth / CDK defaults, and Gen 2's fixed
// settings (password policy, case-insensitive sign-in, PreventUserExistenceErrors) stay as in
// settings.h. Everything Cognate cannot honour is refused rather than ignored: unknown keys,
// wrong JSON types, values outside defineAuth's ranges, and defineAuth features not supported yet
// (phone/passkey/external login, SMS and email MFA, LINK verification, SMS senders).
// On failure returns errc::invalid_parameter with one message naming the key path and what is
// expected there, e.g. `multifactor.totp: expected a boolean, got a string`, or
// `invalid JSON at line L, column C: <reason>` for malformed text.
result<pool_settings> parse_auth_config(std::string_view json_text);

// One line per setting that differs, named by its defineAuth key path (attributes by their
// Cognito name), e.g. `multifactor.mode OFF → REQUIRED`, `userAttributes.custom:plan added`,
// `groups [] → ["ADMINS"]`. Strings are JSON-quoted and cut to 40 characters with "…".
// Empty when nothing auth.json can set differs; a reordering of userAttributes alone is not
// reported.
std::vector<std::string> describe_changes(const pool_settings& before, const pool_settings& after);

// The whole amplify_outputs.json document (client-config schema v1.5) for a pool with these
// settings: {"version": "1.5", "auth": {…}}, aws_region being the part of `user_pool_id` before
// its first '_'. Never contains identity-pool keys (Cognate has no identity pool).
boost::json::object amplify_outputs(const pool_settings& settings, std::string_view user_pool_id,
                                    std::string_view client_id);

}  // namespace cognate::pool

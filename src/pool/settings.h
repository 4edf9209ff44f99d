#pragma once
// The user pool's settings: what amplify/auth.json (Amplify Gen 2 defineAuth keys) declares plus
// Gen 2's fixed defaults. Plain values; copy freely. Produced by parse_auth_config (auth_config.h).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cognate::pool {

enum class mfa_mode { off, optional, required };

// A user attribute declared in `userAttributes` (standard, e.g. "name", or "custom:<name>").
struct attribute_spec {
  std::string name;              // "given_name", "custom:plan", …
  bool required = false;         // standard attributes only
  bool is_mutable = true;
  bool custom = false;
  std::string data_type = "String";  // custom: String | Number | Boolean | DateTime
  std::optional<std::int64_t> min_len, max_len;  // custom String
  std::optional<std::int64_t> min, max;          // custom Number

  bool operator==(const attribute_spec&) const = default;
};

struct email_settings {
  std::string verification_subject = "Verify your new account";
  std::string verification_body = "The verification code to your new account is {####}";
  // loginWith.email.userInvitation (admin-created users); used once the admin API exists.
  std::string invitation_subject = "Your temporary password";
  std::string invitation_body = "Your username is {username} and temporary password is {####}.";
  // EMAIL_OTP as an MFA factor (Cognito's EmailMfaConfiguration; defineAuth has no key for it).
  std::string mfa_subject = "Your sign-in code";
  std::string mfa_body = "Your sign-in code is {####}";

  bool operator==(const email_settings&) const = default;
};

// senders.email: who verification emails come from. Empty fields fall back to the server's --from.
struct sender_settings {
  std::string from_email;
  std::string from_name;
  std::string reply_to;

  bool operator==(const sender_settings&) const = default;
};

// Gen 2 fixes the policy; kept as data so outputs and validation share one source.
struct password_policy {
  int min_length = 8;
  bool require_lowercase = true;
  bool require_uppercase = true;
  bool require_numbers = true;
  bool require_symbols = true;
  int temporary_password_days = 7;  // how long an operator-set temporary password works

  bool operator==(const password_policy&) const = default;
};

struct pool_settings {
  email_settings email;
  mfa_mode mfa = mfa_mode::off;
  bool totp_enabled = false;
  bool email_mfa_enabled = false;  // multifactor.email: codes by email (needs senders.email)
  std::vector<attribute_spec> attributes;       // as declared, in file order
  std::string account_recovery = "EMAIL_ONLY";  // accountRecovery
  std::vector<std::string> groups;              // groups, precedence = order
  sender_settings sender;
  password_policy password;
  // Gen 2 fixed defaults.
  bool sign_in_case_sensitive = false;
  bool prevent_user_existence_errors = true;
  // Set through the operator API (CreateUserPool / UpdateUserPool), not auth.json.
  bool admin_create_user_only = false;  // AllowAdminCreateUserOnly: SignUp refused
  bool deletion_protection = false;     // DeletionProtection ACTIVE: DeleteUserPool refused

  bool operator==(const pool_settings&) const = default;
};

}  // namespace cognate::pool

#pragma once
// The challenge table: every step a `Session` can stand for, with the name it is stored under,
// the ChallengeName clients see, which operation may continue it, how many wrong answers it
// survives, and the typed state it keeps (sealed in the Session row). Adding a challenge
// (SELECT_MFA_TYPE, EMAIL_OTP, NEW_PASSWORD_REQUIRED, SELECT_CHALLENGE, WEB_AUTHN) is a row
// here, a state type if it needs one, and the code that answers it. Pure.

#include "common/error.h"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace cognate::auth {

enum class step {
  password_verifier,   // SRP: the client proves the password (PASSWORD_VERIFIER)
  software_token_mfa,  // a TOTP code (SOFTWARE_TOKEN_MFA)
  mfa_setup,           // MFA_SETUP issued: AssociateSoftwareToken continues it
  mfa_setup_verify,    // a secret associated: VerifySoftwareToken (or Associate again) continues
  mfa_setup_done,      // the code verified: RespondToAuthChallenge MFA_SETUP finishes the sign-in
  new_password,        // NEW_PASSWORD_REQUIRED: a new password (and missing attributes) answer it
  select_mfa_type,     // SELECT_MFA_TYPE: the user picks one of their MFA factors
  email_otp,           // EMAIL_OTP: a code sent by email (at sign-in, or to set email MFA up)
};

// The operations that continue a Session.
enum class continuation {
  respond,    // RespondToAuthChallenge with the step's ChallengeName
  associate,  // AssociateSoftwareToken {Session}
  verify,     // VerifySoftwareToken {Session}
};

struct challenge_info {
  step id;
  std::string_view stored_name;  // auth_sessions.step: never change one that has shipped
  std::string_view wire_name;    // the ChallengeName clients see for it
  // The continuations that spend the Session when they present it, whatever their answer (so
  // it cannot be replayed): respond, associate, verify.
  std::array<bool, 3> spent_by;
  // The continuation that answers with a code the client may retry on the same Session (Amplify
  // does), if any: a wrong code is counted, and the Session dies after `attempts` of them.
  std::optional<continuation> retried_by;
  int attempts;
};

const challenge_info& info(step s);
// The step stored as `name`, or nullopt for a name no row has.
std::optional<step> step_stored_as(std::string_view name);
// Whether `c` may continue a Session of step `s`, and whether presenting it spends the Session.
bool continues(step s, continuation c);
bool spends(step s, continuation c);

// ---- Typed state ------------------------------------------------------------------------------

// PASSWORD_VERIFIER: the server's SRP ephemeral, the client's A and the SECRET_BLOCK it must
// return. For a name no user has, `unknown_user` and the deterministic fake verifier.
struct srp_state {
  std::string user_id;  // USER_ID_FOR_SRP: the user's id, or the fake one
  std::string b_hex;
  std::string B_hex;
  std::string A_hex;
  std::string secret_block;  // base64
  bool unknown_user = false;
  std::string fake_verifier_hex;
};

// EMAIL_OTP: a keyed hash of the code mailed for this Session (never the code), where it went,
// and whether a right code sets email MFA up (MFA_SETUP with EMAIL) or only signs in.
struct email_otp_state {
  std::string code_hash;  // base64 HMAC-SHA256(key, nonce || code)
  std::string nonce;      // base64, 16 random bytes
  std::string address;
  bool enrolling = false;
};

using challenge_state = std::variant<std::monostate, srp_state, email_otp_state>;

// The state as JSON text (sealed by the session service before it is stored).
std::string encode_state(const challenge_state& state);
// The state of a step from its JSON text; errc::internal when it does not fit the step's type.
result<challenge_state> decode_state(step s, std::string_view text);

}  // namespace cognate::auth

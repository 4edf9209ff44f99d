#pragma once
// The factor interface (the ory/kratos "strategy"): each way of proving who one is — a password,
// an SRP proof, a TOTP code, next an emailed code and passkeys (many per user) — implements the
// same few steps, so the sign-in flow (sign_in.h) and the next-step policy (next_step.h) treat
// them alike:
//
//   available?  →  begin (a challenge to send, state for the Session)  →  check (CPU, no store)
//               →  settle (inside the step's transaction: spend, record, decide)
//
// Factors a user enrols (TOTP now, passkeys next) also implement enrollable_factor. Factors are
// stateless apart from keys fixed at construction: safe for concurrent use.

#include "auth/challenge.h"
#include "common/clock.h"
#include "common/error.h"
#include "pool/directory.h"
#include "store/store.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cognate::auth {

using string_map = std::map<std::string, std::string>;

// The value of `key` in a client's parameters, or "" when absent.
inline std::string value_of(const string_map& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? std::string() : it->second;
}

enum class factor_kind {
  password,   // USER_PASSWORD_AUTH: the password itself
  srp,        // USER_SRP_AUTH: a proof of the password (PASSWORD_VERIFIER)
  totp,       // SOFTWARE_TOKEN_MFA
  email_otp,  // EMAIL_OTP: a code sent to the user's email
};

// The user a factor works with in one step, as that step read them.
struct subject {
  const pool::pool_entry& pool;
  // Null when the name the client sent belongs to no user: factors then do the same work as for
  // a real user and fail, so answers do not tell (PreventUserExistenceErrors).
  const store::user_record* user;
  const std::vector<store::factor_record>& factors;  // the user's (empty for unknown users)
  std::string username;                              // as the client sent it
  time_point now;
};

// A one-time code a challenge sends (EMAIL_OTP): mailed in the transaction that stores the
// Session, then forgotten (the Session keeps only its keyed hash).
struct code_delivery {
  std::string address;
  std::string code;
};

// A challenge a factor starts: what the client is sent and what its Session keeps.
struct challenge_start {
  string_map parameters;
  challenge_state state;
  std::string
      user_id;  // whose Session it is: the user's id, or a stable fake one for a name no user has
  std::optional<code_delivery> deliver;
};

// What check() found; settle() decides with it inside the transaction.
struct proof {
  bool correct = false;
  std::int64_t counter = 0;  // TOTP: the time step of the code
  bool enrols = false;       // EMAIL_OTP at MFA_SETUP: a right code sets the factor up
  bool replayed = false;     // TOTP: a right code, of a time step already used (still wrong)
};

enum class verdict { passed, wrong };

class factor {
 public:
  virtual ~factor() = default;
  virtual factor_kind kind() const = 0;
  // The pool offers this factor.
  virtual bool allowed(const pool::pool_settings& settings) const = 0;
  // The user has it set up and enabled.
  virtual bool enrolled(const subject& who) const = 0;
  // The user asked for it first when several are enabled.
  virtual bool preferred(const subject&) const { return false; }
  bool available(const subject& who) const { return allowed(who.pool.settings) && enrolled(who); }

  // Starts a challenge from what the client sent with it (SRP_A). CPU only: nothing is stored.
  virtual result<challenge_start> begin(const subject& who, const string_map& input) const = 0;
  // Checks the client's answer against the subject and the Session's state. CPU only: the
  // expensive part runs outside any transaction. A malformed answer is simply not correct.
  virtual result<proof> check(const subject& who, const challenge_state& state,
                              const string_map& answer) const = 0;
  // Inside the step's transaction: records what a correct answer spends and gives the verdict.
  // May turn a correct answer wrong (a TOTP code a concurrent request used first).
  virtual result<verdict> settle(store::transaction& tx, const subject& who,
                                 const proof& p) const = 0;
};

// Enrolment: what the user is shown (a TOTP secret; passkey creation options next) and the
// pending factor to store, then the proof that activates it.
struct enrolment_start {
  string_map shown;              // "SecretCode" for TOTP
  store::factor_record pending;  // store it in the enrolment's transaction
};

class enrollable_factor : public factor {
 public:
  // A new pending factor for `who` (who.user must be set). CPU only.
  virtual result<enrolment_start> begin_enrolment(const subject& who) const = 0;
  // Checks the proof against the user's pending factor (nothing pending: not correct). CPU only.
  virtual result<proof> check_enrolment(const subject& who, const string_map& answer) const = 0;
  // Inside the transaction: activates the pending factor if the proof still holds.
  virtual result<verdict> finish_enrolment(store::transaction& tx, const subject& who,
                                           const proof& p) const = 0;
  // The user has a pending enrolment to prove.
  virtual bool pending(const subject& who) const = 0;
};

}  // namespace cognate::auth

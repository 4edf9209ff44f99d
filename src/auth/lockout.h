#pragma once
// Lockout of password guessing (docs/sign-in.md): every proof of a password is counted before it
// is checked, in a transaction of its own, so parallel guesses cannot exceed the threshold; the
// threshold-th failure in a row locks the account for `first` (30 s), each further one doubles it
// up to `max` (15 minutes); a correct password resets the count — or, when an MFA code must
// follow, only that code does: wrong codes count as failures too. A count left alone for
// `reset_after` (1 hour) after its last failure or lock starts again. Names no user has are
// counted the same way (sign_in keeps their state as decoys), so that no sequence of wrong
// passwords tells them apart. Pure rules over the user record; the caller runs them inside its
// transactions. Safe for concurrent use.

#include "common/clock.h"
#include "common/error.h"
#include "store/store.h"

#include <chrono>

namespace cognate::auth {

struct lockout_policy {
  int threshold = 5;
  std::chrono::seconds first = std::chrono::seconds(30);
  std::chrono::seconds max = std::chrono::minutes(15);
  std::chrono::seconds reset_after = std::chrono::hours(1);
};

// What the rules keep of an account (or of a decoy): failures in a row, and when the lock ends —
// or, while no lock holds, when the last failure was.
struct lock_state {
  int failed = 0;
  time_point locked_until;
};

enum class attempt {
  counted,  // the proof may be checked now
  locked,   // a lock holds: answer "Password attempts exceeded" whatever the proof
};

class lockout {
 public:
  explicit lockout(lockout_policy policy = {}) : policy_(policy) {}

  // Inside `tx`: counts one attempt of `user` (updated in place and written, with a "lockout"
  // audit row when it locks), or says it is locked (nothing written). The outcome is a value so
  // that the caller's transaction commits what else it did (a spent Session) either way.
  result<attempt> count_attempt(store::transaction& tx, store::user_record& user,
                                time_point now) const;
  // The same rule over a bare state (a decoy's): counts one attempt in `state`, or says it is
  // locked (unchanged).
  attempt count(lock_state& state, time_point now) const;
  // A correct password: the count starts again (the caller writes the record).
  static void reset(store::user_record& user);
  // A correct password that an MFA code must follow: this attempt is not counted (and a lock
  // it set is lifted), but earlier failures, wrong codes included, stay counted until the code
  // is right — so someone who has the password cannot guess codes without being locked out.
  static void forgive_attempt(store::user_record& user, time_point now);
  // Whether a lock holds for `user` now.
  bool locked(const store::user_record& user, time_point now) const;
  bool locked(const lock_state& state, time_point now) const;

 private:
  lockout_policy policy_;
};

}  // namespace cognate::auth

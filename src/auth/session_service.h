#pragma once
// Challenge Sessions: the `Session` strings of a sign-in in progress. A Session is a random
// handle (handles.h); its row holds the user, pool and client, the one step it stands for
// (challenge.h) and that step's typed state, sealed with "session:<hash>". It lives for the app
// client's AuthSessionValidity (3 minutes by default) and any node can continue it.
//
// Each step of a flow runs in one transaction: the flow calls take() (or find() in a read before
// CPU work, then take() again in the write), changes what the step changes, opens the next
// Session, all inside it. Safe for concurrent use; methods taking a transaction run inside it.

#include "auth/challenge.h"
#include "common/clock.h"
#include "common/error.h"
#include "crypto/sealer.h"
#include "store/store.h"

#include <string>
#include <string_view>

namespace cognate::auth {

// A Session made but not stored yet: the handle for the client and the row to insert.
struct pending_session {
  std::string handle;
  store::auth_session_record record;
};

// A stored Session, found for one operation.
struct live_session {
  store::auth_session_record record;
  step current;
  challenge_state state;
};

class session_service {
 public:
  session_service(const crypto::sealer& sealer, const clock& clock)
      : sealer_(sealer), clock_(clock) {}

  // A new Session for `s` (CPU only: a random handle, the sealed state). Insert its record in
  // the transaction of the step that issues it.
  pending_session open(step s, const std::string& pool_id, const store::client_record& client,
                       const std::string& user_id, const challenge_state& state = {}) const;

  // The Session `handle` as continued by `how`, issued to `client_id` (any client when empty);
  // for continuation::respond, of a step whose ChallengeName is `challenge_name`. Failures:
  // errc::not_authorized "Invalid session for the user." (unknown or spent, another client's, a
  // step `how` does not continue, or too many wrong answers) or "…, session is expired.";
  // errc::internal when its state cannot be opened. Changes nothing.
  result<live_session> find(store::transaction& tx, std::string_view handle, continuation how,
                            std::string_view client_id, std::string_view challenge_name = {}) const;
  // As find(), and a Session that `how` spends (challenge.h) is removed now, whatever happens
  // next.
  result<live_session> take(store::transaction& tx, std::string_view handle, continuation how,
                            std::string_view client_id, std::string_view challenge_name = {}) const;
  // Removes the Session (its step is done).
  result<void> end(store::transaction& tx, const live_session& s) const;
  // Counts a wrong answer; find() refuses the Session once its step's attempts are used up.
  result<void> count_wrong(store::transaction& tx, const live_session& s) const;

 private:
  const crypto::sealer& sealer_;
  const clock& clock_;
};

}  // namespace cognate::auth

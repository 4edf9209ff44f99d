#include "auth/lockout.h"

#include <fmt/format.h>

#include <algorithm>

namespace cognate::auth {

bool lockout::locked(const lock_state& state, time_point now) const {
  return state.failed >= policy_.threshold && now < state.locked_until;
}

bool lockout::locked(const store::user_record& user, time_point now) const {
  return locked(lock_state{user.failed_sign_ins, user.locked_until}, now);
}

attempt lockout::count(lock_state& state, time_point now) const {
  if (locked(state, now)) {
    return attempt::locked;
  }
  if (now >= state.locked_until + policy_.reset_after) {
    state.failed = 0;  // quiet long enough: a fresh start
  }
  ++state.failed;
  std::chrono::seconds lock{0};
  if (state.failed >= policy_.threshold) {
    const int doublings = std::min(state.failed - policy_.threshold, 20);
    lock = std::min<std::chrono::seconds>(policy_.max, policy_.first * (1LL << doublings));
  }
  state.locked_until = now + lock;  // no lock: the time of this failure
  return attempt::counted;
}

result<attempt> lockout::count_attempt(store::transaction& tx, store::user_record& user,
                                       time_point now) const {
  lock_state state{user.failed_sign_ins, user.locked_until};
  if (count(state, now) == attempt::locked) {
    return attempt::locked;
  }
  user.failed_sign_ins = state.failed;
  user.locked_until = state.locked_until;
  if (const auto lock = std::chrono::duration_cast<std::chrono::seconds>(state.locked_until - now);
      lock.count() > 0) {
    RETURN_IF_ERROR(tx.audit().append({.pool_id = user.pool_id,
                                       .user_id = user.id,
                                       .event = "lockout",
                                       .detail = fmt::format(R"({{"seconds":{}}})", lock.count()),
                                       .at = now}));
  }
  RETURN_IF_ERROR(tx.users().update(user));
  return attempt::counted;
}

void lockout::forgive_attempt(store::user_record& user, time_point now) {
  user.failed_sign_ins = std::max(0, user.failed_sign_ins - 1);
  // Only this attempt could have set a lock (none held before it): lifted; the earlier failures
  // count on from now.
  user.locked_until = user.failed_sign_ins > 0 ? now : time_point{};
}

void lockout::reset(store::user_record& user) {
  user.failed_sign_ins = 0;
  user.locked_until = time_point{};
}

}  // namespace cognate::auth

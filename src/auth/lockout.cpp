#include "auth/lockout.h"

#include <fmt/format.h>

#include <algorithm>

namespace cognate::auth {

bool lockout::locked(const store::user_record& user, time_point now) const {
  return user.failed_sign_ins >= policy_.threshold && now < user.locked_until;
}

result<attempt> lockout::count_attempt(store::transaction& tx, store::user_record& user,
                                       time_point now) const {
  if (locked(user, now)) {
    return attempt::locked;
  }
  ++user.failed_sign_ins;
  if (user.failed_sign_ins >= policy_.threshold) {
    const int doublings = std::min(user.failed_sign_ins - policy_.threshold, 20);
    const auto lock =
        std::min<std::chrono::seconds>(policy_.max, policy_.first * (1LL << doublings));
    user.locked_until = now + lock;
    RETURN_IF_ERROR(tx.audit().append({.pool_id = user.pool_id,
                                       .user_id = user.id,
                                       .event = "lockout",
                                       .detail = fmt::format(R"({{"seconds":{}}})", lock.count()),
                                       .at = now}));
  }
  RETURN_IF_ERROR(tx.users().update(user));
  return attempt::counted;
}

void lockout::forgive_attempt(store::user_record& user) {
  user.failed_sign_ins = std::max(0, user.failed_sign_ins - 1);
  user.locked_until = time_point{};  // only this attempt could have set it: no lock held before
}

void lockout::reset(store::user_record& user) {
  user.failed_sign_ins = 0;
  user.locked_until = time_point{};
}

}  // namespace cognate::auth

#include "auth/user_profile.h"

#include "auth/next_step.h"
#include "pool/attributes.h"

namespace cognate::auth {

user_profile profile_of(const caller& who, const factor_set& factors, time_point now) {
  return profile_of(*who.pool, who.user, who.factors, factors, now);
}

user_profile profile_of(const pool::pool_entry& pool, const store::user_record& user,
                        const std::vector<store::factor_record>& user_factors,
                        const factor_set& factors, time_point now) {
  user_profile out{.username = user.id,
                   .attributes = pool::attributes_from_json(user.attributes_json)};
  out.attributes["sub"] = user.id;
  const subject s{pool, &user, user_factors, user.id, now};
  for (const auto* f : factors.second_factors()) {
    if (f->enrolled(s)) {
      out.mfa_settings.emplace_back(mfa_wire_name(f->kind()));
      if (f->preferred(s)) {
        out.preferred_mfa = mfa_wire_name(f->kind());
      }
    }
  }
  return out;
}

}  // namespace cognate::auth

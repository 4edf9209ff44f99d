#include "auth/user_profile.h"

#include "auth/next_step.h"
#include "pool/attributes.h"

namespace cognate::auth {

user_profile profile_of(const caller& who, const factor_set& factors, time_point now) {
  user_profile out{.username = who.user.id,
                   .attributes = pool::attributes_from_json(who.user.attributes_json)};
  out.attributes["sub"] = who.user.id;
  const subject s{*who.pool, &who.user, who.factors, who.user.id, now};
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

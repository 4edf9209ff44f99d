#include "auth/email_otp_factor.h"

#include "auth/factors.h"

#include "common/encoding.h"
#include "common/random.h"
#include "crypto/hmac.h"
#include "pool/attributes.h"
#include "pool/email_address.h"

#include <fmt/format.h>

#include <algorithm>

namespace cognate::auth {
email_otp_factor::email_otp_factor(const crypto::sealer& sealer, std::string default_from)
    : key_(sealer.derive("email-otp")), mailer_(sealer, {}, std::move(default_from)) {}

bool email_otp_factor::allowed(const pool::pool_settings& settings) const {
  return settings.mfa != pool::mfa_mode::off && settings.email_mfa_enabled;
}

bool email_otp_factor::enrolled(const subject& who) const {
  const auto* f = find_factor(who.factors, active_id);
  return f != nullptr && f->enabled;
}

bool email_otp_factor::preferred(const subject& who) const {
  const auto* f = find_factor(who.factors, active_id);
  return f != nullptr && f->enabled && f->preferred;
}

std::string email_otp_factor::hash(std::string_view nonce, std::string_view code) const {
  const auto mac = crypto::hmac_sha256(key_, as_bytes(fmt::format("{}:{}", nonce, code)));
  return base64_encode(mac);
}

result<challenge_start> email_otp_factor::begin(const subject& who, const string_map& input) const {
  if (who.user == nullptr) {
    return internal_failure("an EMAIL_OTP challenge without a user");
  }
  const auto given = input.find("EMAIL");
  const bool enrolling = given != input.end();
  const auto address = enrolling ? given->second : who.user->email;
  auto code = random_string(6, "0123456789");
  const auto nonce = base64_encode(random_bytes(16));
  email_otp_state state{.code_hash = hash(nonce, code),
                        .nonce = nonce,
                        .address = address,
                        .enrolling = enrolling};
  return challenge_start{
      .parameters = {{"CODE_DELIVERY_DELIVERY_MEDIUM", "EMAIL"},
                     {"CODE_DELIVERY_DESTINATION", pool::mask_email(address)},
                     {"USERNAME", who.user->id}},
      .state = std::move(state),
      .user_id = who.user->id,
      .deliver = code_delivery{.address = address, .code = std::move(code)}};
}

result<proof> email_otp_factor::check(const subject& who, const challenge_state& state,
                                      const string_map& answer) const {
  const auto* s = std::get_if<email_otp_state>(&state);
  if (s == nullptr) {
    return internal_failure("an EMAIL_OTP answer without its state");
  }
  auto code = value_of(answer, "EMAIL_OTP_CODE");
  if (code.empty()) {
    code = value_of(answer, "EMAIL_MFA_CODE");  // the name the API text also gives it
  }
  const bool well_formed = code.size() == 6 && std::all_of(code.begin(), code.end(), [](char c) {
                             return c >= '0' && c <= '9';
                           });
  const auto expected = hash(s->nonce, well_formed ? code : std::string("-"));
  const bool same = crypto::constant_time_equal(as_bytes(expected), as_bytes(s->code_hash));
  return proof{.correct = who.user != nullptr && well_formed && same, .enrols = s->enrolling};
}

result<verdict> email_otp_factor::settle(store::transaction& tx, const subject& who,
                                         const proof& p) const {
  if (!p.correct) {
    return verdict::wrong;
  }
  // A right code proves the address, as in Cognito: email_verified becomes "true".
  ASSIGN_OR_RETURN(auto user, tx.users().find_by_id(who.pool.id, who.user->id));
  if (user) {
    auto attributes = pool::attributes_from_json(user->attributes_json);
    if (attributes["email_verified"] != "true") {
      attributes["email_verified"] = "true";
      user->attributes_json = pool::attributes_to_json(attributes);
      user->updated_at = who.now;
      RETURN_IF_ERROR(tx.users().update(*user));
    }
  }
  if (!p.enrols) {
    return verdict::passed;
  }
  // Email becomes the factor the user is asked for; the others stay enabled, not preferred.
  RETURN_IF_ERROR(tx.factors().put({.pool_id = who.pool.id,
                                    .user_id = who.user->id,
                                    .id = std::string(active_id),
                                    .kind = "email",
                                    .enabled = true,
                                    .preferred = true,
                                    .created_at = who.now,
                                    .updated_at = who.now}));
  RETURN_IF_ERROR(prefer_only(tx, who.pool.id, who.user->id, active_id, who.now));
  return verdict::passed;
}

result<void> email_otp_factor::deliver(store::transaction& tx, const store::user_record& user,
                                       const pool::pool_settings& settings,
                                       const code_delivery& d, time_point now) const {
  return mailer_.mail(tx, user, settings, settings.email.mfa_subject, settings.email.mfa_body,
                      d.address, d.code, user.id, now);
}

}  // namespace cognate::auth

// What signed-in users do with their access token, and TOTP enrolment (which also runs inside
// the MFA_SETUP step of a sign-in, with a Session instead): protocol doc §4, §8.
#include "api/handlers.h"
#include "auth/user_profile.h"

namespace cognate::api::handlers {

result<boost::json::object> get_user(const call& c) {
  const auto profile = auth::profile_of(*c.caller, c.services.auth.factors, c.request.clock.now());
  boost::json::array attributes;
  // sub first, as Cognito lists it.
  attributes.push_back({{"Name", "sub"}, {"Value", profile.attributes.at("sub")}});
  for (const auto& [name, value] : profile.attributes) {
    if (name != "sub") {
      attributes.push_back({{"Name", name}, {"Value", value}});
    }
  }
  boost::json::object out{{"Username", profile.username}, {"UserAttributes", attributes}};
  if (!profile.mfa_settings.empty()) {
    boost::json::array list;
    for (const auto& m : profile.mfa_settings) {
      list.emplace_back(m);
    }
    out["UserMFASettingList"] = list;
  }
  if (!profile.preferred_mfa.empty()) {
    out["PreferredMfaSetting"] = profile.preferred_mfa;
  }
  return out;
}

result<boost::json::object> global_sign_out(const call& c) {
  RETURN_IF_ERROR(c.services.auth.tokens.sign_out_everywhere(*c.caller));
  return boost::json::object{};
}

result<boost::json::object> associate_software_token(const call& c) {
  decoder in(c.body);
  const auto& mfa = c.services.auth.mfa;
  ASSIGN_OR_RETURN(auto associated, c.caller ? mfa.associate(*c.caller)
                                             : mfa.associate(c.directory, *in.optional_string("Session")));
  boost::json::object out{{"SecretCode", associated.secret_code}};
  if (!associated.session.empty()) {
    out["Session"] = associated.session;
  }
  return out;
}

result<boost::json::object> verify_software_token(const call& c) {
  decoder in(c.body);
  const auto code = in.required_string("UserCode");
  const auto& mfa = c.services.auth.mfa;
  ASSIGN_OR_RETURN(auto verified, c.caller ? mfa.verify(*c.caller, code)
                                           : mfa.verify(c.directory, *in.optional_string("Session"), code));
  boost::json::object out{{"Status", "SUCCESS"}};
  if (!verified.session.empty()) {
    out["Session"] = verified.session;
  }
  return out;
}

result<boost::json::object> set_user_mfa_preference(const call& c) {
  decoder in(c.body);
  RETURN_IF_ERROR(c.services.auth.mfa.set_preference(*c.caller,
                                                     in.mfa_setting("SoftwareTokenMfaSettings"),
                                                     in.mfa_setting("SMSMfaSettings"),
                                                     in.mfa_setting("EmailMfaSettings")));
  return boost::json::object{};
}

}  // namespace cognate::api::handlers

// The signed admin operations on a pool's users (protocol doc cognito-admin-api.md §3, §5):
// AdminCreateUser, AdminGetUser, ListUsers, AdminDeleteUser, AdminDisableUser, AdminEnableUser,
// AdminConfirmSignUp, AdminResetUserPassword, AdminSetUserPassword, AdminUserGlobalSignOut,
// AdminSetUserMFAPreference, AdminListUserAuthEvents. The service has checked the signature and
// the credential's permission for the pool before any of these runs.
#include "api/handlers.h"
#include "common/reasons.h"

#include <fmt/format.h>

#include <cmath>

namespace cognate::api::handlers {

boost::json::value epoch_seconds(time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  return static_cast<double>(ms) / 1000.0;
}

namespace {

boost::json::array attributes_json(const auth::user_profile& p,
                                   const std::vector<std::string>& only = {}) {
  boost::json::array out;
  auto wanted = [&](const std::string& name) {
    return only.empty() || std::find(only.begin(), only.end(), name) != only.end();
  };
  if (wanted("sub")) {
    out.push_back({{"Name", "sub"}, {"Value", p.attributes.at("sub")}});
  }
  for (const auto& [name, value] : p.attributes) {
    if (name != "sub" && wanted(name)) {
      out.push_back({{"Name", name}, {"Value", value}});
    }
  }
  return out;
}

const std::string& actor(const call& c) { return c.principal->name; }

}  // namespace

result<boost::json::object> admin_get_user(const call& c) {
  decoder in(c.body);
  ASSIGN_OR_RETURN(auto u, c.services.auth.admin.get(*c.pool, in.required_string("Username")));
  boost::json::object out{{"Username", u.profile.username},
                          {"UserAttributes", attributes_json(u.profile)},
                          {"UserCreateDate", epoch_seconds(u.created_at)},
                          {"UserLastModifiedDate", epoch_seconds(u.updated_at)},
                          {"Enabled", u.enabled},
                          {"UserStatus", u.status}};
  if (!u.profile.mfa_settings.empty()) {
    boost::json::array list;
    for (const auto& m : u.profile.mfa_settings) {
      list.emplace_back(m);
    }
    out["UserMFASettingList"] = list;
  }
  if (!u.profile.preferred_mfa.empty()) {
    out["PreferredMfaSetting"] = u.profile.preferred_mfa;
  }
  return out;
}

result<boost::json::object> list_users(const call& c) {
  decoder in(c.body);
  const auto only = in.string_list("AttributesToGet");
  const auto limit = in.optional_integer("Limit", {.min_length = 0, .max_length = 60}).value_or(60);
  ASSIGN_OR_RETURN(auto page,
                   c.services.auth.admin.list(*c.pool, in.optional_string("Filter").value_or(""),
                                              limit == 0 ? 60 : static_cast<int>(limit),
                                              in.optional_string("PaginationToken").value_or("")));
  boost::json::array users;
  for (const auto& u : page.users) {
    users.push_back({{"Username", u.profile.username},
                     {"Attributes", attributes_json(u.profile, only)},
                     {"UserCreateDate", epoch_seconds(u.created_at)},
                     {"UserLastModifiedDate", epoch_seconds(u.updated_at)},
                     {"Enabled", u.enabled},
                     {"UserStatus", u.status}});
  }
  boost::json::object out{{"Users", users}};
  if (!page.next_token.empty()) {
    out["PaginationToken"] = page.next_token;
  }
  return out;
}

result<boost::json::object> admin_list_user_auth_events(const call& c) {
  decoder in(c.body);
  const auto limit = in.optional_integer("MaxResults", {.min_length = 0, .max_length = 60}).value_or(60);
  ASSIGN_OR_RETURN(auto page, c.services.auth.admin.auth_events(
                                  *c.pool, in.required_string("Username"),
                                  limit == 0 ? 60 : static_cast<int>(limit),
                                  in.optional_string("NextToken").value_or("")));
  boost::json::array events;
  for (const auto& e : page.events) {
    boost::json::object event{{"EventId", e.id},
                              {"EventType", e.type},
                              {"CreationDate", epoch_seconds(e.at)},
                              {"EventResponse", e.response}};
    if (!e.challenges.empty()) {
      boost::json::array challenges;
      for (const auto& [name, verdict] : e.challenges) {
        challenges.push_back({{"ChallengeName", name}, {"ChallengeResponse", verdict}});
      }
      event["ChallengeResponses"] = std::move(challenges);
    }
    if (!e.ip.empty() || !e.device.empty()) {
      boost::json::object context;
      if (!e.ip.empty()) {
        context["IpAddress"] = e.ip;
      }
      if (!e.device.empty()) {
        context["DeviceName"] = e.device;
      }
      event["EventContextData"] = std::move(context);
    }
    events.push_back(std::move(event));
  }
  boost::json::object out{{"AuthEvents", std::move(events)}};
  if (!page.next_token.empty()) {
    out["NextToken"] = page.next_token;
  }
  return out;
}

result<boost::json::object> admin_delete_user(const call& c) {
  decoder in(c.body);
  RETURN_IF_ERROR(c.services.auth.admin.delete_user(*c.pool, in.required_string("Username"), actor(c)));
  return boost::json::object{};
}

result<boost::json::object> admin_disable_user(const call& c) {
  decoder in(c.body);
  RETURN_IF_ERROR(
      c.services.auth.admin.set_enabled(*c.pool, in.required_string("Username"), false, actor(c)));
  return boost::json::object{};
}

result<boost::json::object> admin_enable_user(const call& c) {
  decoder in(c.body);
  RETURN_IF_ERROR(
      c.services.auth.admin.set_enabled(*c.pool, in.required_string("Username"), true, actor(c)));
  return boost::json::object{};
}

result<boost::json::object> admin_confirm_sign_up(const call& c) {
  decoder in(c.body);
  RETURN_IF_ERROR(
      c.services.auth.admin.confirm_sign_up(*c.pool, in.required_string("Username"), actor(c)));
  return boost::json::object{};
}

result<boost::json::object> admin_reset_user_password(const call& c) {
  decoder in(c.body);
  RETURN_IF_ERROR(
      c.services.auth.admin.reset_password(*c.pool, in.required_string("Username"), actor(c)));
  return boost::json::object{};
}

result<boost::json::object> admin_set_user_password(const call& c) {
  decoder in(c.body);
  const auto username = in.required_string("Username");
  const auto password = in.required_string("Password");
  RETURN_IF_ERROR(c.services.auth.admin.set_password(
      *c.pool, username, password, in.optional_bool("Permanent").value_or(false), actor(c)));
  return boost::json::object{};
}

result<boost::json::object> admin_create_user(const call& c) {
  decoder in(c.body);
  auth::create_user_request request{
      .username = in.required_string("Username"),
      .attributes = in.attribute_list("UserAttributes"),
      .temporary_password = in.optional_string("TemporaryPassword"),
      .message_action = in.optional_string("MessageAction").value_or(""),
      .delivery_mediums = in.string_list("DesiredDeliveryMediums")};
  if (!request.message_action.empty() && request.message_action != "RESEND" &&
      request.message_action != "SUPPRESS") {
    return fail(reason::invalid_parameter,
                fmt::format("1 validation error detected: Value '{}' at 'messageAction' failed to "
                            "satisfy constraint: Member must satisfy enum value set: [RESEND, "
                            "SUPPRESS]",
                            request.message_action.substr(0, 32)));
  }
  ASSIGN_OR_RETURN(auto u, c.services.auth.admin.create_user(*c.pool, request, actor(c)));
  return boost::json::object{{"User",
                              {{"Username", u.profile.username},
                               {"Attributes", attributes_json(u.profile)},
                               {"UserCreateDate", epoch_seconds(u.created_at)},
                               {"UserLastModifiedDate", epoch_seconds(u.updated_at)},
                               {"Enabled", u.enabled},
                               {"UserStatus", u.status}}}};
}

result<boost::json::object> admin_update_user_attributes(const call& c) {
  decoder in(c.body);
  RETURN_IF_ERROR(c.services.auth.admin.update_attributes(
      *c.pool, in.required_string("Username"), in.attribute_list("UserAttributes"), actor(c)));
  return boost::json::object{};
}

result<boost::json::object> admin_delete_user_attributes(const call& c) {
  decoder in(c.body);
  RETURN_IF_ERROR(c.services.auth.admin.delete_attributes(
      *c.pool, in.required_string("Username"), in.string_list("UserAttributeNames"), actor(c)));
  return boost::json::object{};
}

result<boost::json::object> admin_user_global_sign_out(const call& c) {
  decoder in(c.body);
  RETURN_IF_ERROR(
      c.services.auth.admin.global_sign_out(*c.pool, in.required_string("Username"), actor(c)));
  return boost::json::object{};
}

result<boost::json::object> admin_set_user_mfa_preference(const call& c) {
  decoder in(c.body);
  auto wants = [](const std::optional<auth::mfa_preference>& p) {
    return p && (p->enabled.value_or(false) || p->preferred.value_or(false));
  };
  if (wants(in.mfa_setting("SMSMfaSettings"))) {
    return fail(reason::sms_mfa_unsupported);
  }
  const auto username = in.required_string("Username");
  const auto email = in.mfa_setting("EmailMfaSettings");
  const auto totp = in.mfa_setting("SoftwareTokenMfaSettings");
  if (email && totp && email->preferred.value_or(false) && totp->preferred.value_or(false)) {
    return fail(reason::invalid_parameter, "Only one MFA factor can be preferred.");
  }
  // As SetUserMFAPreference: Enabled or PreferredMfa true turns email codes on, Enabled false
  // off; PreferredMfa false alone changes nothing.
  if (email && wants(email)) {
    RETURN_IF_ERROR(
        c.services.auth.admin.set_email_mfa(*c.pool, username, true, email->preferred, actor(c)));
  } else if (email && email->enabled && !*email->enabled) {
    RETURN_IF_ERROR(
        c.services.auth.admin.set_email_mfa(*c.pool, username, false, std::nullopt, actor(c)));
  }
  if (totp && totp->enabled) {
    RETURN_IF_ERROR(c.services.auth.admin.set_totp(*c.pool, in.required_string("Username"),
                                                   *totp->enabled, totp->preferred, actor(c)));
  } else if (totp && totp->preferred.value_or(false)) {
    RETURN_IF_ERROR(c.services.auth.admin.set_totp(*c.pool, in.required_string("Username"), true,
                                                   true, actor(c)));
  } else {
    // Nothing to change; the user must still exist.
    RETURN_IF_ERROR(c.services.auth.admin.get(*c.pool, in.required_string("Username")));
  }
  return boost::json::object{};
}

}  // namespace cognate::api::handlers

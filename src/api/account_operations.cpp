// ForgotPassword, ConfirmForgotPassword, and what signed-in users do to their own account:
// ChangePassword, UpdateUserAttributes, DeleteUserAttributes, GetUserAttributeVerificationCode,
// VerifyUserAttribute, DeleteUser (protocol docs cognito-api.md §3, cognito-admin-api.md §8).
#include "api/handlers.h"

namespace cognate::api::handlers {

result<boost::json::object> forgot_password(const call& c) {
  decoder in(c.body);
  ASSIGN_OR_RETURN(auto sent, c.services.recovery.forgot_password(*c.client,
                                                                  in.required_string("Username")));
  return boost::json::object{{"CodeDeliveryDetails", delivery_json(sent)}};
}

result<boost::json::object> confirm_forgot_password(const call& c) {
  decoder in(c.body);
  RETURN_IF_ERROR(c.services.recovery.confirm_forgot_password(
      *c.client, in.required_string("Username"), in.required_string("ConfirmationCode"),
      in.required_string("Password")));
  return boost::json::object{};
}

result<boost::json::object> change_password(const call& c) {
  decoder in(c.body);
  RETURN_IF_ERROR(c.services.auth.account.change_password(
      *c.caller, in.required_string("PreviousPassword"), in.required_string("ProposedPassword")));
  return boost::json::object{};
}

result<boost::json::object> update_user_attributes(const call& c) {
  decoder in(c.body);
  ASSIGN_OR_RETURN(auto pending, c.services.auth.account.update_attributes(
                                     *c.caller, in.attribute_list("UserAttributes")));
  boost::json::array list;
  for (const auto& d : pending) {
    list.push_back(delivery_json(d));
  }
  return boost::json::object{{"CodeDeliveryDetailsList", list}};
}

result<boost::json::object> delete_user_attributes(const call& c) {
  decoder in(c.body);
  RETURN_IF_ERROR(c.services.auth.account.delete_attributes(
      *c.caller, in.string_list("UserAttributeNames")));
  return boost::json::object{};
}

result<boost::json::object> get_user_attribute_verification_code(const call& c) {
  decoder in(c.body);
  ASSIGN_OR_RETURN(auto sent, c.services.auth.account.send_verification_code(
                                  *c.caller, in.required_string("AttributeName")));
  return boost::json::object{{"CodeDeliveryDetails", delivery_json(sent)}};
}

result<boost::json::object> verify_user_attribute(const call& c) {
  decoder in(c.body);
  RETURN_IF_ERROR(c.services.auth.account.verify_attribute(
      *c.caller, in.required_string("AttributeName"), in.required_string("Code")));
  return boost::json::object{};
}

result<boost::json::object> delete_user(const call& c) {
  RETURN_IF_ERROR(c.services.auth.account.delete_user(*c.caller));
  return boost::json::object{};
}

}  // namespace cognate::api::handlers

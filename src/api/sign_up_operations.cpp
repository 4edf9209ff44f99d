// SignUp, ConfirmSignUp, ResendConfirmationCode (protocol doc §3).
#include "api/handlers.h"

namespace cognate::api::handlers {
boost::json::object delivery_json(const pool::code_delivery& d) {
  return {{"AttributeName", d.attribute}, {"DeliveryMedium", d.medium},
          {"Destination", d.destination}};
}

result<boost::json::object> sign_up(const call& c) {
  decoder in(c.body);
  pool::sign_up_request request{.username = in.required_string("Username"),
                                .password = in.optional_string("Password").value_or(""),
                                .attributes = in.attribute_list("UserAttributes")};
  ASSIGN_OR_RETURN(auto created, c.services.registration.sign_up(*c.client, request));
  return boost::json::object{{"UserConfirmed", created.user_confirmed},
                             {"UserSub", created.user_sub},
                             {"CodeDeliveryDetails", delivery_json(created.delivery)}};
}

result<boost::json::object> confirm_sign_up(const call& c) {
  decoder in(c.body);
  RETURN_IF_ERROR(c.services.registration.confirm_sign_up(
      *c.client, in.required_string("Username"), in.required_string("ConfirmationCode")));
  return boost::json::object{};
}

result<boost::json::object> resend_confirmation_code(const call& c) {
  decoder in(c.body);
  ASSIGN_OR_RETURN(auto sent, c.services.registration.resend_confirmation_code(
                                  *c.client, in.required_string("Username")));
  return boost::json::object{{"CodeDeliveryDetails", delivery_json(sent)}};
}

}  // namespace cognate::api::handlers

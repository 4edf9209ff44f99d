// SignUp, ConfirmSignUp, ResendConfirmationCode (protocol doc §3).
#include "api/decoder.h"
#include "api/service.h"

namespace cognate::api {
namespace {

constexpr string_rule client_id_rule{1, 128, true};
constexpr string_rule username_rule{1, 128, true};
constexpr string_rule code_rule{1, 2048, true};

boost::json::object delivery_json(const pool::code_delivery& d) {
  return {{"AttributeName", d.attribute}, {"DeliveryMedium", d.medium},
          {"Destination", d.destination}};
}

}  // namespace

result<boost::json::object> sign_up(const operation_context& ctx, const boost::json::object& body) {
  auto& pool = ctx.users;
  decoder in(body);
  pool::sign_up_request request;
  request.client_id = in.required_string("ClientId", client_id_rule);
  request.username = in.required_string("Username", username_rule);
  request.password = in.optional_string("Password", {0, 4096}).value_or("");
  request.attributes = in.attribute_list("UserAttributes");
  if (in.error()) {
    return *in.error();
  }
  auto created = pool.sign_up(request);
  if (!created) {
    return created.error();
  }
  return boost::json::object{{"UserConfirmed", created->user_confirmed},
                             {"UserSub", created->user_sub},
                             {"CodeDeliveryDetails", delivery_json(created->delivery)}};
}

result<boost::json::object> confirm_sign_up(const operation_context& ctx,
                                            const boost::json::object& body) {
  auto& pool = ctx.users;
  decoder in(body);
  auto client_id = in.required_string("ClientId", client_id_rule);
  auto username = in.required_string("Username", username_rule);
  auto code = in.required_string("ConfirmationCode", code_rule);
  if (in.error()) {
    return *in.error();
  }
  RETURN_IF_ERROR(pool.confirm_sign_up(client_id, username, code));
  return boost::json::object{};
}

result<boost::json::object> resend_confirmation_code(const operation_context& ctx,
                                                     const boost::json::object& body) {
  auto& pool = ctx.users;
  decoder in(body);
  auto client_id = in.required_string("ClientId", client_id_rule);
  auto username = in.required_string("Username", username_rule);
  if (in.error()) {
    return *in.error();
  }
  auto sent = pool.resend_confirmation_code(client_id, username);
  if (!sent) {
    return sent.error();
  }
  return boost::json::object{{"CodeDeliveryDetails", delivery_json(*sent)}};
}

}  // namespace cognate::api

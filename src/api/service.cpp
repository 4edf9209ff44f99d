#include "api/service.h"

#include "api/decoder.h"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace cognate::api {
namespace {

constexpr std::array<std::pair<std::string_view, operation>, 3> operations = {{
    {"SignUp", sign_up},
    {"ConfirmSignUp", confirm_sign_up},
    {"ResendConfirmationCode", resend_confirmation_code},
}};

}  // namespace

reply service::handle(std::string_view target, std::string_view body) const {
  if (!target.starts_with(target_prefix)) {
    return error_reply(fail(errc::unknown_operation,
                            target.empty() ? "Missing X-Amz-Target header."
                                           : "Unknown X-Amz-Target; expected "
                                             "AWSCognitoIdentityProviderService.<Operation>."));
  }
  auto name = target.substr(target_prefix.size());
  const auto* found = std::find_if(operations.begin(), operations.end(),
                                   [&](const auto& op) { return op.first == name; });
  if (found == operations.end()) {
    return error_reply(
        fail(errc::unknown_operation,
             fmt::format("Operation {} is not supported by this server.", name.substr(0, 64))));
  }
  auto decoded = parse_body(body);
  if (!decoded) {
    return error_reply(decoded.error());
  }
  auto answer = found->second(pool_, *decoded);
  if (!answer) {
    return error_reply(answer.error());
  }
  reply r;
  r.body = boost::json::serialize(*answer);
  return r;
}

}  // namespace cognate::api

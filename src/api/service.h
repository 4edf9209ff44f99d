#pragma once
// The Cognito JSON API: finds the operation named by X-Amz-Target in the operation table
// (operation.h), validates the body against its members, authenticates the call and finds its
// pool — once, in that order, for every operation — then runs its handler and encodes the answer
// or the failure. Blocking (handlers block on the store); call from worker threads. Safe for
// concurrent use.

#include "api/errors.h"
#include "api/operation.h"
#include "api/request.h"

#include <optional>
#include <span>
#include <string_view>

namespace cognate::api {

constexpr std::string_view target_prefix = "AWSCognitoIdentityProviderService.";

class service {
 public:
  explicit service(domain services, std::span<const operation_spec> operations = cognito_operations())
      : services_(services), operations_(operations) {}

  // Answers the API call in `request` (its target and body).
  reply handle(const request_context& request) const;
  // The operation an X-Amz-Target value names, or nullptr.
  const operation_spec* find(std::string_view target) const;
  // Before a call takes a worker: its refusal when `address` has no calls of the operation's
  // rate-limit class left (rate_limit.h); nothing for signed (admin) calls or unknown targets.
  std::optional<reply> refuse_over_limit(std::string_view target, std::string_view address) const;

 private:
  // Who a call was about, as far as it got (for the log line): set as each becomes known.
  struct call_facts {
    std::string pool_id;
    std::string client_id;
    std::string user_sub;
  };
  result<boost::json::object> run(const request_context& request, const operation_spec& op,
                                  call_facts& facts) const;
  // The caller's proof that it knows `client`'s secret, as `proof` says where it is.
  static result<void> check_proof(secret_proof proof, const pool::client_entry& client,
                                  decoder& in);


  domain services_;
  std::span<const operation_spec> operations_;
};

}  // namespace cognate::api

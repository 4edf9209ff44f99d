#pragma once
// The check every admin operation runs before anything else: the request's AWS Signature V4 is
// recomputed with the secret of the access key it names (protocol doc cognito-admin-api.md §2)
// — the signed headers must include host, x-amz-date and x-amz-target (so a signed call cannot be
// replayed as another operation), the credential scope must name cognito-idp and a region this
// server serves, X-Amz-Date must be within 5 minutes of the server's clock, an
// x-amz-content-sha256 header must match the body, and the signature is compared in constant
// time. Then authorize() says whether that credential may run the operation on the pool.
//
// Each check reads the credential from the store, so a revocation holds on every node at once.
// Blocks on one store read; safe for concurrent use.

#include "common/clock.h"
#include "common/error.h"
#include "crypto/sealer.h"
#include "store/store.h"

#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cognate::auth {

// The credential a request was signed with.
struct operator_principal {
  std::string access_key_id;
  std::string name;
  std::vector<std::string> pools;  // empty: every pool
  std::vector<std::string> allow;  // empty: every operation
  std::string region;              // of the credential scope
};

struct signed_request {
  std::string_view method;
  std::string_view path;
  std::string_view query;
  const std::vector<std::pair<std::string_view, std::string_view>>& headers;
  std::string_view body;
};

class operator_guard {
 public:
  operator_guard(store::store& store, const crypto::sealer& sealer, const clock& clock)
      : store_(store), sealer_(sealer), clock_(clock) {}

  // Failures, each with AWS's exception and message: missing_authentication_token (no
  // Authorization header), incomplete_signature (malformed header, a required header unsigned or
  // absent), unrecognized_client (unknown or revoked key, a session token), invalid_signature
  // (mismatch, clock window, scope, payload hash).
  result<operator_principal> check(const signed_request& request,
                                   std::span<const std::string> regions) const;

  // AccessDeniedException unless `who` may run `operation` on `pool_id` ("" when the operation
  // names no pool).
  static result<void> authorize(const operator_principal& who, std::string_view operation,
                                std::string_view pool_id);

  // A new credential: its access key id and secret (returned once; the secret is stored sealed).
  struct issued {
    std::string access_key_id;
    std::string secret;
  };
  static result<issued> create(store::store& store, const crypto::sealer& sealer,
                               const clock& clock, const std::string& name,
                               std::vector<std::string> pools, std::vector<std::string> allow);

 private:
  store::store& store_;
  const crypto::sealer& sealer_;
  const clock& clock_;
};

}  // namespace cognate::auth

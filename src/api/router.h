#pragma once
// Every request the HTTP layer hands up, by method and path: the Cognito API (POST with an
// X-Amz-Target, run by service.h on a worker), and a few small routes answered at once, without
// the store: /health, each pool's /{poolId}/.well-known/jwks.json and openid-configuration, and
// the built-in page's helpers /_cognate/config and /_cognate/qr. Safe for concurrent use.

#include "api/errors.h"
#include "api/request.h"
#include "api/service.h"
#include "pool/directory.h"

#include <string>
#include <string_view>

namespace cognate::api {

// What the built-in Authenticator page is about: the pool and client this server was started
// for (the one its config provisioned) and the name authenticator apps show.
struct page_config {
  std::string pool_id;
  std::string client_id;
  std::string app_name;
};

// Where a request runs.
enum class placement {
  io,         // a route: answer it on the I/O thread (no store, no heavy CPU)
  read_call,  // an API call that only reads: the small reader pool
  call,       // any other API call: the worker pool
  none,       // nothing answers it: 404
};

class router {
 public:
  router(const service& api, const pool::directory& directory, page_config page)
      : api_(api), directory_(directory), page_(std::move(page)) {}

  placement place(std::string_view method, std::string_view path, std::string_view target) const;
  // On the I/O thread, before a call placed on a worker pool takes its place there: the answer
  // when `address` is over the call's rate limit (service::refuse_over_limit).
  std::optional<reply> refuse_over_limit(std::string_view target, std::string_view address) const {
    return api_.refuse_over_limit(target, address);
  }
  // Answers a request place() did not refuse; blocking for API calls.
  reply handle(const request_context& request) const;

 private:
  std::optional<reply> route(const request_context& request) const;
  reply page_settings() const;
  std::optional<reply> well_known(std::string_view path) const;

  const service& api_;
  const pool::directory& directory_;
  page_config page_;
};

}  // namespace cognate::api

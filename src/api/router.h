#pragma once
// Every request the HTTP layer hands up, by method and path: the Cognito API (POST with an
// X-Amz-Target, run by service.h on a worker), and a few small routes answered at once, without
// the store: /health (and /healthz), /readyz (on a reader: it asks the store), each pool's
// /{poolId}/.well-known/jwks.json and openid-configuration, and the built-in page's helpers
// /_cognate/config and /_cognate/qr. Safe for concurrent use.

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/errors.h"
#include "api/request.h"
#include "api/service.h"
#include "pool/directory.h"

namespace cognate::api {

// What the built-in Authenticator page is about: the pool and client this server was started
// for (the one its config provisioned) and the name authenticator apps show.
struct page_config {
  std::string pool_id;
  std::string client_id;
  std::string app_name;
};

// How a node says whether it can take traffic (GET /readyz): each check names what it found.
struct readiness {
  bool ready = true;
  std::vector<std::pair<std::string, std::string>> checks;  // name → "ok" or what is wrong
};

// Where a request runs.
enum class placement {
  io,         // a route: answer it on the I/O thread (no store, no heavy CPU)
  read_call,  // an API call that only reads: the small reader pool
  call,       // any other API call: the worker pool
  none,       // nothing answers it: 404
};

enum class log_format { text, json };

class router {
 public:
  router(const service& api, const pool::directory& directory, page_config page)
      : api_(api), directory_(directory), page_(std::move(page)) {}

  // What GET /readyz reports (blocking: it may ask the store); without it /readyz says ready.
  void set_readiness(std::function<readiness()> check) { readiness_ = std::move(check); }
  // A router for the metrics listener: GET /metrics, /healthz and /readyz only.
  void serve_metrics_only() { metrics_only_ = true; }
  // The request log line's format (text: one spdlog line; json: one JSON object per line on
  // the "requests" logger).
  void set_log_format(log_format f) { log_format_ = f; }

  // After an API call was answered (or refused before it ran): counts it in the metrics and
  // writes its log line.
  void finished(std::string_view request_id, std::string_view target, std::string_view address,
                const reply& r, double seconds) const;

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
  reply ready() const;
  reply page_settings() const;
  std::optional<reply> well_known(std::string_view path) const;

  const service& api_;
  const pool::directory& directory_;
  page_config page_;
  std::function<readiness()> readiness_;
  bool metrics_only_ = false;
  log_format log_format_ = log_format::text;
};

}  // namespace cognate::api

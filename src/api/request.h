#pragma once
// One HTTP request as the API layer sees it, handed up by the transport (http/): what was asked,
// by whom, and when. The one place where signing (SigV4), per-address limits, metrics and
// request-id logging hook in. Plain values; the views point into the transport's request, which
// outlives the call.

#include "common/clock.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cognate::api {

// Request headers, looked up case-insensitively. Not thread-safe.
class header_list {
 public:
  void add(std::string_view name, std::string_view value);
  // The first value of `name`, or "" when absent.
  std::string_view get(std::string_view name) const;
  // Every header in the order received (names lower-cased), for SigV4.
  std::vector<std::pair<std::string_view, std::string_view>> entries() const;

 private:
  std::vector<std::pair<std::string, std::string>> headers_;  // names lower-cased
};

struct request_context {
  std::string_view method;  // "POST", "GET", …
  std::string_view path;    // without the query string
  std::string_view query;   // after '?' ("" when none)

  std::string_view target;  // X-Amz-Target ("" when absent)
  std::string_view body;
  const header_list& headers;
  std::string_view peer;        // the client's address as the socket saw it
  std::string_view request_id;  // also sent back as x-amzn-RequestId
  const cognate::clock& clock;
};

}  // namespace cognate::api

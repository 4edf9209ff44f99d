#pragma once
// Who is calling: the socket's peer, or — when that peer is one of the operator's trusted
// proxies (--trusted-proxy) — the address the proxies recorded in X-Forwarded-For. The list is
// read right to left, skipping trusted proxies, so a client cannot choose its own address by
// sending a forged X-Forwarded-For of its own: only what the trusted hops appended counts.
// Pure; safe for concurrent use.

#include "common/error.h"
#include "common/ip_address.h"

#include <string>
#include <string_view>
#include <vector>

namespace cognate::http {

class trusted_proxies {
 public:
  // Each entry an address ("10.0.0.5", "::1") or a network ("10.0.0.0/8", "fd00::/8"). Errors
  // name the entry that is neither.
  static result<trusted_proxies> parse(const std::vector<std::string>& entries);

  bool empty() const { return networks_.empty(); }
  bool trusts(std::string_view address) const;
  bool trusts(const ip_bytes& address) const;
  // The caller's address for a request from `peer` carrying `forwarded_for` (X-Forwarded-For,
  // "" when absent; several headers joined with ","). `peer` itself unless it is trusted.
  std::string client_address(std::string_view peer, std::string_view forwarded_for) const;

 private:
  struct network {
    ip_bytes address;  // IPv4 as IPv4-mapped IPv6
    int prefix;        // bits, of the 128
  };
  std::vector<network> networks_;
};

}  // namespace cognate::http

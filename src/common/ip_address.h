#pragma once
// IP addresses as 16 bytes, IPv4 mapped into IPv6 (::ffff:a.b.c.d), so that one comparison serves
// both families: the trusted-proxy networks (http/client_address.h) and the rate limiter's keys
// (api/rate_limit.h). Pure; safe for concurrent use.

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace cognate {

using ip_bytes = std::array<unsigned char, 16>;

// "192.0.2.1", "2001:db8::1", "[2001:db8::1]" (blanks around it ignored), or nothing.
std::optional<ip_bytes> parse_ip(std::string_view text);
bool is_v4_mapped(const ip_bytes& address);
// The address's text: dotted for a mapped IPv4 address, RFC 5952 form for IPv6.
std::string format_ip(const ip_bytes& address);

}  // namespace cognate

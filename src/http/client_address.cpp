#include "http/client_address.h"

#include "common/reasons.h"

#include <algorithm>
#include <charconv>

namespace cognate::http {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

result<trusted_proxies> trusted_proxies::parse(const std::vector<std::string>& entries) {
  trusted_proxies out;
  for (const auto& entry : entries) {
    std::string_view text = entry;
    const auto slash = text.find('/');
    const auto address = parse_ip(text.substr(0, slash));
    int prefix = 128;
    bool ok = address.has_value();
    if (ok) {
      const bool v4 = is_v4_mapped(*address) && text.substr(0, slash).find(':') == std::string_view::npos;
      prefix = v4 ? 32 : 128;
      if (slash != std::string_view::npos) {
        const auto bits = text.substr(slash + 1);
        int value = -1;
        const auto [ptr, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), value);
        ok = ec == std::errc() && ptr == bits.data() + bits.size() && value >= 0 && value <= prefix;
        prefix = value;
      }
      if (v4) {
        prefix += 96;
      }
    }
    if (!ok) {
      return fail(reason::invalid_parameter,
                  "--trusted-proxy " + entry +
                      ": expected an IP address or network, e.g. 10.0.0.5 or 10.0.0.0/8");
    }
    out.networks_.push_back({*address, prefix});
  }
  return out;
}

bool trusted_proxies::trusts(std::string_view text) const {
  const auto address = parse_ip(text);
  return address && trusts(*address);
}

bool trusted_proxies::trusts(const ip_bytes& address) const {
  for (const auto& n : networks_) {
    const auto whole = static_cast<std::size_t>(n.prefix / 8);
    const int rest = n.prefix % 8;
    if (!std::equal(n.address.begin(), n.address.begin() + whole, address.begin())) {
      continue;
    }
    if (rest == 0) {
      return true;
    }
    const auto mask = static_cast<unsigned char>(0xff << (8 - rest));
    if ((n.address[whole] & mask) == (address[whole] & mask)) {
      return true;
    }
  }
  return false;
}

std::string trusted_proxies::client_address(std::string_view peer,
                                            std::string_view forwarded_for) const {
  if (networks_.empty() || !trusts(peer)) {
    return std::string(peer);
  }
  // Right to left: the nearest hop first; the first address not a trusted proxy is the client.
  std::string_view rest = forwarded_for;
  std::string_view last_valid = peer;
  while (!rest.empty()) {
    const auto comma = rest.rfind(',');
    const auto hop = trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    const auto address = parse_ip(hop);
    if (!address) {
      break;  // garbage (or a port we do not parse): trust nothing further left
    }
    last_valid = hop;
    if (!trusts(*address)) {
      return std::string(hop);
    }
  }
  return std::string(last_valid);
}

}  // namespace cognate::http

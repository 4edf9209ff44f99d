#include "common/ip_address.h"

#include <arpa/inet.h>

#include <cstring>

namespace cognate {

std::optional<ip_bytes> parse_ip(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  char buffer[INET6_ADDRSTRLEN] = {};
  if (text.empty() || text.size() >= sizeof buffer) {
    return std::nullopt;
  }
  std::memcpy(buffer, text.data(), text.size());
  ip_bytes out{};
  if (inet_pton(AF_INET6, buffer, out.data()) == 1) {
    return out;
  }
  unsigned char v4[4];
  if (inet_pton(AF_INET, buffer, v4) == 1) {
    out[10] = 0xff;
    out[11] = 0xff;
    std::memcpy(out.data() + 12, v4, 4);
    return out;
  }
  return std::nullopt;
}

bool is_v4_mapped(const ip_bytes& address) {
  static constexpr unsigned char prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(address.data(), prefix, sizeof prefix) == 0;
}

std::string format_ip(const ip_bytes& address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (is_v4_mapped(address)) {
    inet_ntop(AF_INET, address.data() + 12, text, sizeof text);
  } else {
    inet_ntop(AF_INET6, address.data(), text, sizeof text);
  }
  return text;
}

}  // namespace cognate

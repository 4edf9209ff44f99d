#include "common/random.h"

#include <sodium.h>

#include <stdexcept>

namespace cognate {
namespace {

struct sodium_init_once {
  sodium_init_once() {
    if (sodium_init() < 0) {
      throw std::runtime_error("libsodium failed to initialise");
    }
  }
};

void ensure_sodium() { static const sodium_init_once once; }

}  // namespace

std::vector<unsigned char> random_bytes(std::size_t n) {
  ensure_sodium();
  std::vector<unsigned char> out(n);
  if (n > 0) {  // an empty vector's data() may be null, which randombytes_buf does not take
    randombytes_buf(out.data(), out.size());
  }
  return out;
}

std::uint32_t random_below(std::uint32_t upper_bound) {
  ensure_sodium();
  return randombytes_uniform(upper_bound);
}

std::string random_uuid() {
  auto b = random_bytes(16);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      out.push_back('-');
    }
    out.push_back(hex[b[i] >> 4]);
    out.push_back(hex[b[i] & 0x0f]);
  }
  return out;
}

std::string random_string(std::size_t n, std::string_view alphabet) {
  std::string out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(alphabet[random_below(static_cast<std::uint32_t>(alphabet.size()))]);
  }
  return out;
}

}  // namespace cognate

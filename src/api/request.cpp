#include "api/request.h"

#include <algorithm>
#include <cctype>

namespace cognate::api {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

void header_list::add(std::string_view name, std::string_view value) {
  headers_.emplace_back(lower(name), std::string(value));
}

std::string_view header_list::get(std::string_view name) const {
  const auto key = lower(name);
  for (const auto& [n, v] : headers_) {
    if (n == key) {
      return v;
    }
  }
  return {};
}

std::vector<std::pair<std::string_view, std::string_view>> header_list::entries() const {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  out.reserve(headers_.size());
  for (const auto& [n, v] : headers_) {
    out.emplace_back(n, v);
  }
  return out;
}

}  // namespace cognate::api


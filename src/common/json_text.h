#pragma once
// A string member of a JSON object read from outside the process (a token's claims, an audit
// row's detail, another server's answer): missing or not a string reads as "". Pure.

#include <boost/json.hpp>

#include <string>
#include <string_view>

namespace cognate {

inline std::string json_text(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace cognate

#pragma once
// Reads a Cognito JSON request body into typed fields with Cognito's validation errors.
//
// Each getter returns the field (or a default) and remembers the first problem; the caller
// checks error() once after reading every field. `null` counts as absent and unknown members are
// ignored (real clients send both, protocol doc §1.1). Not thread-safe; one per request.

#include "common/error.h"
#include "pool/attributes.h"

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace cognate::api {

// Parses the request body: a JSON object of at most `max_depth` nesting, valid UTF-8.
// Failure: errc::serialization naming what is wrong and where.
result<boost::json::object> parse_body(std::string_view body);

struct string_rule {
  std::size_t min_length = 1;
  std::size_t max_length = 2048;
  bool no_whitespace = false;  // pattern [\S]+
};

class decoder {
 public:
  explicit decoder(const boost::json::object& body) : body_(body) {}

  std::string required_string(std::string_view member, string_rule rule = {});
  std::optional<std::string> optional_string(std::string_view member, string_rule rule = {});
  // [{"Name": "...", "Value": "..."}, ...]
  pool::attribute_list attribute_list(std::string_view member);

  const std::optional<failure>& error() const { return error_; }

 private:
  const boost::json::value* find(std::string_view member);
  std::optional<std::string> check_string(std::string_view member, const boost::json::value& v,
                                          string_rule rule);
  void note(failure f);

  const boost::json::object& body_;
  std::optional<failure> error_;
};

}  // namespace cognate::api

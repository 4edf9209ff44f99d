#pragma once
// Reads a Cognito JSON request body into typed fields with Cognito's validation errors.
//
// Each operation declares its members (operation.h: name, type, required, length and pattern
// rules), and validate() checks a body against them before anything else runs, reporting the
// first problem in declaration order, as Cognito's model validation does. Handlers then read the
// validated members with the getters. `null` counts as absent and unknown members are ignored
// (real clients send both, protocol doc §1.1). Not thread-safe; one per request.

#include "auth/factor.h"
#include "auth/mfa_settings.h"
#include "common/error.h"
#include "pool/attributes.h"

#include <boost/json.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>


namespace cognate::api {

// Parses the request body: a JSON object of at most 16 levels of nesting, valid UTF-8.
// Failure: errc::serialization naming what is wrong and where.
result<boost::json::object> parse_body(std::string_view body);

struct string_rule {
  std::size_t min_length = 1;
  std::size_t max_length = 2048;
  bool no_whitespace = false;  // pattern [\S]+
  bool digits_only = false;    // pattern [0-9]+
};

enum class member_type {
  string,
  string_map,      // {"KEY": "value", …}: AuthParameters, ChallengeResponses
  attribute_list,  // [{"Name": "…", "Value": "…"}, …]
  mfa_setting,     // {"Enabled": bool, "PreferredMfa": bool}
  string_list,     // ["…", …]: UserAttributeNames (entries follow the member's string rule)
  integer,         // a whole number within [rule.min_length, rule.max_length]: Limit
  boolean,         // true or false: Permanent
};

// One member of an operation's input.
struct member_rule {
  std::string_view name;
  member_type type = member_type::string;
  bool required = false;
  string_rule rule = {};  // strings only
};

class decoder {
 public:
  explicit decoder(const boost::json::object& body) : body_(body) {}

  // Checks every member of `members`, in order; error() holds the first problem.
  void validate(std::span<const member_rule> members);

  std::string required_string(std::string_view member, string_rule rule = {});
  std::optional<std::string> optional_string(std::string_view member, string_rule rule = {});
  pool::attribute_list attribute_list(std::string_view member);
  // At most 100 strings, each checked against `rule`.
  std::vector<std::string> string_list(std::string_view member, string_rule rule = {});
  // At most 64 entries of strings up to 8192 bytes; null values are left out.
  auth::string_map string_map(std::string_view member);
  std::optional<auth::mfa_preference> mfa_setting(std::string_view member);
  // A whole number within [rule.min_length, rule.max_length].
  std::optional<std::int64_t> optional_integer(std::string_view member, string_rule rule = {});
  std::optional<bool> optional_bool(std::string_view member);


  const std::optional<failure>& error() const { return error_; }

 private:
  const boost::json::value* find(std::string_view member);
  // The member's entries: nullptr when absent, or (noted) not an array of at most 100.
  const boost::json::array* array_member(std::string_view member);
  std::optional<std::string> check_string(std::string_view member, const boost::json::value& v,
                                          string_rule rule);
  void note(failure f);

  const boost::json::object& body_;
  std::optional<failure> error_;
};

}  // namespace cognate::api

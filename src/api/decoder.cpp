#include "api/decoder.h"
#include "common/reasons.h"

#include <fmt/format.h>

#include <algorithm>

namespace cognate::api {
namespace {

constexpr std::size_t max_depth = 16;

std::string kind_of(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::object: return "an object";
    case boost::json::kind::array: return "an array";
    case boost::json::kind::string: return "a string";
    case boost::json::kind::bool_: return "a boolean";
    case boost::json::kind::null: return "null";
    default: return "a number";
  }
}

// Cognito names members in validation messages with a lower-case first letter ('clientId').
std::string model_name(std::string_view member) {
  std::string out(member);
  if (!out.empty() && out[0] >= 'A' && out[0] <= 'Z') {
    out[0] = static_cast<char>(out[0] - 'A' + 'a');
  }
  return out;
}

}  // namespace

result<boost::json::object> parse_body(std::string_view body) {
  boost::json::parse_options options;
  options.max_depth = max_depth;
  boost::json::stream_parser parser({}, options);
  boost::system::error_code ec;
  std::size_t used = parser.write_some(body.data(), body.size(), ec);
  if (!ec) {
    parser.finish(ec);
  }
  if (ec) {
    if (ec == boost::json::error::too_deep) {
      return fail(reason::body_too_deep, max_depth);
    }
    return fail(reason::body_not_json, ec.message(), used);
  }
  auto v = parser.release();
  if (!v.is_object()) {
    return fail(reason::body_not_object);
  }
  return std::move(v.as_object());
}

void decoder::note(failure f) {
  if (!error_) {
    error_ = std::move(f);
  }
}

const boost::json::value* decoder::find(std::string_view member) {
  const auto* v = body_.if_contains(member);
  return v == nullptr || v->is_null() ? nullptr : v;
}

std::optional<std::string> decoder::check_string(std::string_view member,
                                                 const boost::json::value& v, string_rule rule) {
  if (!v.is_string()) {
    note(fail(reason::member_wrong_type, member, "a string", kind_of(v)));
    return std::nullopt;
  }
  std::string s(v.as_string());
  const auto has_space = [&s] {
    return std::any_of(s.begin(), s.end(), [](char c) {
      return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    });
  };
  if (s.size() < rule.min_length || s.size() > rule.max_length) {
    note(fail(reason::value_length, model_name(member), rule.min_length, rule.max_length));
    return std::nullopt;
  }
  if (rule.no_whitespace && has_space()) {
    note(fail(reason::value_pattern, model_name(member), "[\\S]+"));
    return std::nullopt;
  }
  if (rule.digits_only && !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    note(fail(reason::value_pattern, model_name(member), "[0-9]+"));
    return std::nullopt;
  }
  return s;
}

void decoder::validate(std::span<const member_rule> members) {
  for (const auto& m : members) {
    switch (m.type) {
      case member_type::string:
        if (m.required) {
          required_string(m.name, m.rule);
        } else {
          optional_string(m.name, m.rule);
        }
        break;
      case member_type::string_map:
        string_map(m.name);
        break;
      case member_type::attribute_list:
        attribute_list(m.name);
        break;
      case member_type::string_list:
        string_list(m.name, m.rule);
        break;
      case member_type::integer:
        optional_integer(m.name, m.rule);
        break;
      case member_type::boolean:
        optional_bool(m.name);
        break;
      case member_type::mfa_setting:
        mfa_setting(m.name);
        break;
    }
    if (!error_ && m.required && m.type != member_type::string && find(m.name) == nullptr) {
      note(fail(reason::value_null, model_name(m.name)));
    }
    if (error_) {
      return;
    }
  }
}

const boost::json::array* decoder::array_member(std::string_view member) {
  const auto* v = find(member);
  if (v == nullptr) {
    return nullptr;
  }
  if (!v->is_array()) {
    note(fail(reason::member_wrong_type, member, "an array", kind_of(*v)));
    return nullptr;
  }
  if (v->as_array().size() > 100) {
    note(fail(reason::too_many_entries, member));
    return nullptr;
  }
  return &v->as_array();
}

std::optional<std::int64_t> decoder::optional_integer(std::string_view member, string_rule rule) {
  const auto* v = find(member);
  if (v == nullptr) {
    return std::nullopt;
  }
  std::int64_t n = 0;
  if (v->is_int64()) {
    n = v->as_int64();
  } else if (v->is_uint64() && v->as_uint64() <= 1'000'000'000) {
    n = static_cast<std::int64_t>(v->as_uint64());
  } else {
    note(fail(reason::member_wrong_type, member, "an integer", kind_of(*v)));
    return std::nullopt;
  }
  const auto low = static_cast<std::int64_t>(rule.min_length);
  const auto high = static_cast<std::int64_t>(rule.max_length);
  if (n < low || n > high) {
    note(fail(reason::invalid_parameter,
              fmt::format("1 validation error detected: Value '{}' at '{}' failed to satisfy "
                          "constraint: Member must have value {} {}",
                          n, model_name(member),
                          n < low ? "greater than or equal to" : "less than or equal to",
                          n < low ? low : high)));
    return std::nullopt;
  }
  return n;
}

std::optional<bool> decoder::optional_bool(std::string_view member) {
  const auto* v = find(member);
  if (v == nullptr) {
    return std::nullopt;
  }
  if (!v->is_bool()) {
    note(fail(reason::member_wrong_type, member, "a boolean", kind_of(*v)));
    return std::nullopt;
  }
  return v->as_bool();
}

std::vector<std::string> decoder::string_list(std::string_view member, string_rule rule) {

  std::vector<std::string> out;
  const auto* entries = array_member(member);
  if (entries == nullptr) {
    return out;
  }
  for (const auto& entry : *entries) {
    auto s = check_string(member, entry, rule);
    if (!s) {
      return out;
    }
    out.push_back(std::move(*s));
  }
  return out;
}


auth::string_map decoder::string_map(std::string_view member) {
  auth::string_map out;
  const auto* v = find(member);
  if (v == nullptr) {
    return out;
  }
  if (!v->is_object() || v->as_object().size() > 64) {
    note(fail(reason::member_malformed, member, "an object of strings"));
    return out;
  }
  for (const auto& [key, value] : v->as_object()) {
    if (value.is_null()) {
      continue;
    }
    if (!value.is_string() || value.as_string().size() > 8192) {
      note(fail(reason::member_malformed, fmt::format("{}.{}", member, std::string_view(key)),
                "a string"));
      return out;
    }
    out.emplace(std::string(key), std::string(value.as_string()));
  }
  return out;
}

std::optional<auth::mfa_preference> decoder::mfa_setting(std::string_view member) {
  const auto* v = find(member);
  if (v == nullptr) {
    return std::nullopt;
  }
  if (!v->is_object()) {
    note(fail(reason::member_malformed, member, "an object"));
    return std::nullopt;
  }
  auth::mfa_preference out;
  for (const char* key : {"Enabled", "PreferredMfa"}) {
    const auto* f = v->as_object().if_contains(key);
    if (f == nullptr || f->is_null()) {
      continue;
    }
    if (!f->is_bool()) {
      note(fail(reason::member_malformed, fmt::format("{}.{}", member, key), "a boolean"));
      return std::nullopt;
    }
    (std::string_view(key) == "Enabled" ? out.enabled : out.preferred) = f->as_bool();
  }
  return out;
}

std::string decoder::required_string(std::string_view member, string_rule rule) {
  const auto* v = find(member);
  if (v == nullptr) {
    note(fail(reason::value_null, model_name(member)));
    return {};
  }
  return check_string(member, *v, rule).value_or(std::string());
}

std::optional<std::string> decoder::optional_string(std::string_view member, string_rule rule) {
  const auto* v = find(member);
  return v == nullptr ? std::nullopt : check_string(member, *v, rule);
}

pool::attribute_list decoder::attribute_list(std::string_view member) {
  pool::attribute_list out;
  const auto* entries = array_member(member);
  if (entries == nullptr) {
    return out;
  }
  for (const auto& entry : *entries) {
    if (!entry.is_object()) {
      note(fail(reason::entry_wrong_type, member, kind_of(entry)));
      return out;
    }
    decoder inner(entry.as_object());
    auto name = inner.required_string("Name", {1, 32, true});
    auto value = inner.optional_string("Value", {0, 2048});
    if (inner.error()) {
      note(*inner.error());
      return out;
    }
    out.emplace_back(std::move(name), value.value_or(""));
  }
  return out;
}

}  // namespace cognate::api

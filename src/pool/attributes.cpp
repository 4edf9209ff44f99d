#include "pool/attributes.h"
#include "common/reasons.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>

namespace cognate::pool {
namespace {

constexpr std::array<std::string_view, 17> standard_attributes = {
    "address",     "birthdate",   "email",       "family_name", "gender",      "given_name",
    "locale",      "middle_name", "name",        "nickname",    "phone_number", "picture",
    "preferred_username", "profile", "zoneinfo", "updated_at",  "website"};

constexpr std::array<std::string_view, 3> server_only = {"sub", "email_verified",
                                                         "phone_number_verified"};

const attribute_spec* declared(const pool_settings& s, std::string_view name) {
  auto it = std::find_if(s.attributes.begin(), s.attributes.end(),
                         [&](const attribute_spec& a) { return a.name == name; });
  return it == s.attributes.end() ? nullptr : &*it;
}

failure schema_error(std::string_view name, std::string_view why) {
  return fail(reason::attribute_schema, name, why);
}

result<void> check_custom_value(const attribute_spec& spec, const std::string& value) {
  if (spec.data_type == "Number") {
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc{} || end != value.data() + value.size()) {
      return schema_error(spec.name, "Number must be an integer");
    }
    if ((spec.min && n < *spec.min) || (spec.max && n > *spec.max)) {
      return schema_error(spec.name, "Number is out of the allowed range");
    }
  } else if (spec.data_type == "Boolean") {
    if (value != "true" && value != "false" && value != "1" && value != "0") {
      return schema_error(spec.name, "Boolean must be true or false");
    }
  } else if (spec.data_type == "String") {
    auto len = static_cast<std::int64_t>(value.size());
    if ((spec.min_len && len < *spec.min_len) || (spec.max_len && len > *spec.max_len)) {
      return schema_error(spec.name, "String length is out of the allowed range");
    }
  }
  return {};
}

// The checks every attribute a client writes passes, whatever the operation.
result<void> check_writable(const pool_settings& settings, const std::string& name,
                            const std::string& value) {
  if (std::find(server_only.begin(), server_only.end(), name) != server_only.end()) {
    return fail(reason::attribute_not_writable, name);
  }
  const bool standard = std::find(standard_attributes.begin(), standard_attributes.end(), name) !=
                        standard_attributes.end();
  const attribute_spec* spec = declared(settings, name);
  if (!standard && spec == nullptr) {
    return schema_error(name, "Attribute does not exist in the schema.");
  }
  if (value.size() > 2048) {
    return schema_error(name, "String must be no longer than 2048 characters");
  }
  if (spec != nullptr && spec->custom && !value.empty()) {
    RETURN_IF_ERROR(check_custom_value(*spec, value));
  }
  if (name == "phone_number" && !value.empty()) {
    bool e164 = value.size() >= 2 && value.size() <= 16 && value[0] == '+' &&
                std::all_of(value.begin() + 1, value.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!e164) {
      return fail(reason::phone_number_format);
    }
  }
  return {};
}

result<void> check_required(const pool_settings& settings, const attribute_map& attributes) {
  const auto missing = missing_required(settings, attributes);
  if (!missing.empty()) {
    return schema_error(missing.front(), fmt::format("The attribute {} is required", missing.front()));
  }
  return {};
}

}  // namespace

result<attribute_map> check_client_attributes(const pool_settings& settings,
                                              const attribute_list& given,
                                              const attribute_map& implied) {
  attribute_map out;
  for (const auto& [name, value] : given) {
    RETURN_IF_ERROR(check_writable(settings, name, value));
    if (out.contains(name)) {
      return fail(reason::attribute_duplicate, name);
    }
    out.emplace(name, value);
  }
  for (const auto& [name, value] : implied) {
    out[name] = value;
  }
  RETURN_IF_ERROR(check_required(settings, out));
  return out;
}

result<attribute_map> update_attributes(const pool_settings& settings,
                                        const attribute_map& current,
                                        const attribute_list& given) {
  attribute_map out = current;
  attribute_map seen;
  for (const auto& [name, value] : given) {
    RETURN_IF_ERROR(check_writable(settings, name, value));
    if (!seen.emplace(name, value).second) {
      return fail(reason::attribute_duplicate, name);
    }
    const attribute_spec* spec = declared(settings, name);
    if (spec != nullptr && !spec->is_mutable) {
      return fail(reason::attribute_immutable, name);
    }
    if (value.empty()) {
      out.erase(name);
    } else {
      out[name] = value;
    }
  }
  RETURN_IF_ERROR(check_required(settings, out));
  return out;
}

std::vector<std::string> missing_required(const pool_settings& settings,
                                          const attribute_map& attributes) {
  std::vector<std::string> out;
  for (const auto& spec : settings.attributes) {
    auto it = attributes.find(spec.name);
    if (spec.required && (it == attributes.end() || it->second.empty())) {
      out.push_back(spec.name);
    }
  }
  return out;
}

std::string attributes_to_json(const attribute_map& attributes) {
  boost::json::object o;
  for (const auto& [name, value] : attributes) {
    o[name] = value;
  }
  return boost::json::serialize(o);
}

attribute_map attributes_from_json(std::string_view json) {
  attribute_map out;
  boost::system::error_code ec;
  auto v = boost::json::parse(json, ec);
  if (!ec && v.is_object()) {
    for (const auto& [name, value] : v.as_object()) {
      if (value.is_string()) {
        out.emplace(name, value.as_string());
      }
    }
  }
  return out;
}

}  // namespace cognate::pool

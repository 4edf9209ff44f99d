#include "pool/settings_json.h"

#include "pool/auth_config.h"

#include <boost/json.hpp>

#include <stdexcept>

namespace cognate::pool {
namespace {

namespace json = boost::json;

json::array strings(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& s : items) {
    out.emplace_back(s);
  }
  return out;
}

json::value optional_integer(const std::optional<std::int64_t>& n) {
  return n ? json::value(*n) : json::value(nullptr);
}

// Readers for the stored document: a key that is absent keeps the default, a key of the wrong
// type is damage (std::invalid_argument, caught in settings_from_json).
const json::value* find(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v == nullptr || v->is_null() ? nullptr : v;
}

template <class T>
T as(const json::value& v, std::string_view key);

template <>
std::string as<std::string>(const json::value& v, std::string_view key) {
  if (!v.is_string()) {
    throw std::invalid_argument(std::string(key) + " is not a string");
  }
  return std::string(v.as_string());
}

template <>
bool as<bool>(const json::value& v, std::string_view key) {
  if (!v.is_bool()) {
    throw std::invalid_argument(std::string(key) + " is not a boolean");
  }
  return v.as_bool();
}

template <>
std::int64_t as<std::int64_t>(const json::value& v, std::string_view key) {
  if (!v.is_int64()) {
    throw std::invalid_argument(std::string(key) + " is not an integer");
  }
  return v.as_int64();
}

template <>
const json::object& as<const json::object&>(const json::value& v, std::string_view key) {
  if (!v.is_object()) {
    throw std::invalid_argument(std::string(key) + " is not an object");
  }
  return v.as_object();
}

template <class T>
void read(const json::object& o, std::string_view key, T& out) {
  if (const auto* v = find(o, key)) {
    out = as<T>(*v, key);
  }
}

void read(const json::object& o, std::string_view key, int& out) {
  if (const auto* v = find(o, key)) {
    out = static_cast<int>(as<std::int64_t>(*v, key));
  }
}

void read(const json::object& o, std::string_view key, std::optional<std::int64_t>& out) {
  if (const auto* v = find(o, key)) {
    out = as<std::int64_t>(*v, key);
  }
}

void read(const json::object& o, std::string_view key, std::vector<std::string>& out) {
  if (const auto* v = find(o, key)) {
    if (!v->is_array()) {
      throw std::invalid_argument(std::string(key) + " is not an array");
    }
    out.clear();
    for (const auto& e : v->as_array()) {
      out.push_back(as<std::string>(e, key));
    }
  }
}

mfa_mode mode_from(const std::string& text) {
  if (text == "OFF") return mfa_mode::off;
  if (text == "OPTIONAL") return mfa_mode::optional;
  if (text == "REQUIRED") return mfa_mode::required;
  throw std::invalid_argument("mfa is not OFF, OPTIONAL or REQUIRED");
}

}  // namespace

std::string settings_to_json(const pool_settings& s) {
  json::array attributes;
  for (const auto& a : s.attributes) {
    attributes.push_back(json::object{{"name", a.name},
                                      {"required", a.required},
                                      {"mutable", a.is_mutable},
                                      {"custom", a.custom},
                                      {"data_type", a.data_type},
                                      {"min_len", optional_integer(a.min_len)},
                                      {"max_len", optional_integer(a.max_len)},
                                      {"min", optional_integer(a.min)},
                                      {"max", optional_integer(a.max)}});
  }
  return json::serialize(json::object{
      {"email",
       {{"verification_subject", s.email.verification_subject},
        {"verification_body", s.email.verification_body},
        {"invitation_subject", s.email.invitation_subject},
        {"invitation_body", s.email.invitation_body},
        {"mfa_subject", s.email.mfa_subject},
        {"mfa_body", s.email.mfa_body}}},
      {"mfa", to_string(s.mfa)},
      {"totp", s.totp_enabled},
      {"email_mfa", s.email_mfa_enabled},
      {"attributes", std::move(attributes)},
      {"account_recovery", s.account_recovery},
      {"groups", strings(s.groups)},
      {"sender",
       {{"from_email", s.sender.from_email},
        {"from_name", s.sender.from_name},
        {"reply_to", s.sender.reply_to}}},
      {"password",
       {{"min_length", s.password.min_length},
        {"require_lowercase", s.password.require_lowercase},
        {"require_uppercase", s.password.require_uppercase},
        {"require_numbers", s.password.require_numbers},
        {"require_symbols", s.password.require_symbols},
        {"temporary_password_days", s.password.temporary_password_days}}},
      {"sign_in_case_sensitive", s.sign_in_case_sensitive},
      {"prevent_user_existence_errors", s.prevent_user_existence_errors},
      {"admin_create_user_only", s.admin_create_user_only},
      {"deletion_protection", s.deletion_protection},
  });
}

result<pool_settings> settings_from_json(std::string_view text) {
  boost::system::error_code ec;
  auto doc = json::parse(text, ec);
  if (ec || !doc.is_object()) {
    return internal_failure("stored pool settings are not a JSON object");
  }
  const auto& o = doc.as_object();
  pool_settings s;
  try {
    if (const auto* email = find(o, "email")) {
      const auto& e = as<const json::object&>(*email, "email");
      read(e, "verification_subject", s.email.verification_subject);
      read(e, "verification_body", s.email.verification_body);
      read(e, "invitation_subject", s.email.invitation_subject);
      read(e, "invitation_body", s.email.invitation_body);
      read(e, "mfa_subject", s.email.mfa_subject);
      read(e, "mfa_body", s.email.mfa_body);
    }
    if (const auto* mode = find(o, "mfa")) {
      s.mfa = mode_from(as<std::string>(*mode, "mfa"));
    }
    read(o, "totp", s.totp_enabled);
    read(o, "email_mfa", s.email_mfa_enabled);
    if (const auto* attributes = find(o, "attributes")) {
      if (!attributes->is_array()) {
        throw std::invalid_argument("attributes is not an array");
      }
      for (const auto& item : attributes->as_array()) {
        const auto& a = as<const json::object&>(item, "attributes[]");
        attribute_spec spec;
        read(a, "name", spec.name);
        read(a, "required", spec.required);
        read(a, "mutable", spec.is_mutable);
        read(a, "custom", spec.custom);
        read(a, "data_type", spec.data_type);
        read(a, "min_len", spec.min_len);
        read(a, "max_len", spec.max_len);
        read(a, "min", spec.min);
        read(a, "max", spec.max);
        s.attributes.push_back(std::move(spec));
      }
    }
    read(o, "account_recovery", s.account_recovery);
    read(o, "groups", s.groups);
    if (const auto* sender = find(o, "sender")) {
      const auto& e = as<const json::object&>(*sender, "sender");
      read(e, "from_email", s.sender.from_email);
      read(e, "from_name", s.sender.from_name);
      read(e, "reply_to", s.sender.reply_to);
    }
    if (const auto* password = find(o, "password")) {
      const auto& p = as<const json::object&>(*password, "password");
      read(p, "min_length", s.password.min_length);
      read(p, "require_lowercase", s.password.require_lowercase);
      read(p, "require_uppercase", s.password.require_uppercase);
      read(p, "require_numbers", s.password.require_numbers);
      read(p, "require_symbols", s.password.require_symbols);
      read(p, "temporary_password_days", s.password.temporary_password_days);
      if (s.password.temporary_password_days <= 0) {
        s.password.temporary_password_days = password_policy{}.temporary_password_days;
      }
    }
    read(o, "sign_in_case_sensitive", s.sign_in_case_sensitive);
    read(o, "prevent_user_existence_errors", s.prevent_user_existence_errors);
    read(o, "admin_create_user_only", s.admin_create_user_only);
    read(o, "deletion_protection", s.deletion_protection);
  } catch (const std::invalid_argument& e) {
    return internal_failure(std::string("stored pool settings: ") + e.what());
  }
  return s;
}

}  // namespace cognate::pool

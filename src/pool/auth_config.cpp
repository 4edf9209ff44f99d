#include "pool/auth_config.h"

#include "common/reasons.h"
#include "pool/email_address.h"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <optional>
#include <ranges>
#include <utility>

namespace cognate::pool {
namespace {

namespace json = boost::json;

// Gen 2's camelCase userAttributes key and the Cognito attribute it declares.
using attribute_key = std::pair<std::string_view, std::string_view>;

constexpr std::array<attribute_key, 17> standard_attributes{{
    {"address", "address"},
    {"birthdate", "birthdate"},
    {"email", "email"},
    {"familyName", "family_name"},
    {"gender", "gender"},
    {"givenName", "given_name"},
    {"locale", "locale"},
    {"middleName", "middle_name"},
    {"fullname", "name"},
    {"nickname", "nickname"},
    {"phoneNumber", "phone_number"},
    {"profilePicture", "picture"},
    {"preferredUsername", "preferred_username"},
    {"profilePage", "profile"},
    {"timezone", "zoneinfo"},
    {"lastUpdateTime", "updated_at"},
    {"website", "website"},
}};

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Characters (code points) of UTF-8 text, which is how Cognito counts its length limits.
std::size_t char_count(std::string_view s) {
  return static_cast<std::size_t>(std::ranges::count_if(s, std::not_fn(is_continuation_byte)));
}

// The first `n` characters of UTF-8 text.
std::string_view char_prefix(std::string_view s, std::size_t n) {
  std::size_t end = 0;
  for (; end < s.size(); ++end) {
    if (!is_continuation_byte(s[end]) && n-- == 0) {
      break;
    }
  }
  return s.substr(0, end);
}

std::string quote(std::string_view s) { return json::serialize(json::string_view(s)); }

// ---- Reading auth.json ---------------------------------------------------------------------

// Thrown by the readers below and caught only in parse_auth_config. Validation is deep and
// linear; unwinding keeps each rule to a line instead of a result check per key.
struct config_error {
  std::string message;
};

// A value of the document and its key path ("" for the document itself).
struct node {
  const json::value& value;
  std::string path;
};

[[noreturn]] void reject(const node& n, std::string_view problem) {
  throw config_error{fmt::format("{}: {}", n.path.empty() ? "top level" : n.path, problem)};
}

std::string_view kind_name(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "a number";
    case json::kind::string: return "a string";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
  }
  return "an unknown value";
}

[[noreturn]] void expected(const node& n, std::string_view what) {
  reject(n, fmt::format("expected {}, got {}", what, kind_name(n.value)));
}

const json::object& as_object(const node& n) {
  if (!n.value.is_object()) {
    expected(n, "an object");
  }
  return n.value.get_object();
}

bool as_bool(const node& n) {
  if (!n.value.is_bool()) {
    expected(n, "a boolean");
  }
  return n.value.get_bool();
}

std::string as_string(const node& n) {
  if (!n.value.is_string()) {
    expected(n, "a string");
  }
  return std::string(n.value.get_string());
}

std::int64_t as_integer(const node& n) {
  boost::system::error_code ec;
  auto number = n.value.to_number<std::int64_t>(ec);
  if (ec) {
    expected(n, "an integer");
  }
  return number;
}

std::string as_choice(const node& n, std::initializer_list<std::string_view> choices) {
  const auto choice_list = fmt::format("\"{}\"", fmt::join(choices, "\", \""));
  if (!n.value.is_string()) {
    expected(n, fmt::format("one of {}", choice_list));
  }
  auto text = as_string(n);
  if (std::ranges::find(choices, text) == choices.end()) {
    reject(n, fmt::format("expected one of {}, got {}", choice_list, quote(text)));
  }
  return text;
}

// Text that ends up in a mail header, where a line break would start a new header.
std::string as_single_line(const node& n) {
  auto text = as_string(n);
  if (std::ranges::any_of(text, [](unsigned char c) { return c < 0x20 || c == 0x7F; })) {
    reject(n, "must be a single line without control characters");
  }
  return text;
}

std::string as_subject(const node& n) {
  auto text = as_single_line(n);
  if (text.empty() || char_count(text) > 140) {
    reject(n, "must be 1 to 140 characters");
  }
  return text;
}

struct placeholder {
  std::string_view token;
  std::string_view replaced_by;
};

// A message template: at most 20000 characters, containing each of `needed`.
std::string as_template(const node& n, std::initializer_list<placeholder> needed) {
  auto text = as_string(n);
  if (char_count(text) > 20000) {
    reject(n, "must be at most 20000 characters");
  }
  for (const auto& [token, replaced_by] : needed) {
    if (text.find(token) == std::string::npos) {
      reject(n, fmt::format("must contain {} (where {} goes)", token, replaced_by));
    }
  }
  return text;
}

std::string as_email_address(const node& n) {
  auto text = as_string(n);
  if (!looks_like_email(text)) {
    reject(n, fmt::format("expected an email address like name@example.com, got {}", quote(text)));
  }
  return text;
}

std::string join(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

// Checks that `n` is an object whose keys are all in `allowed`.
void check_keys(const node& n, std::initializer_list<std::string_view> allowed) {
  for (const auto& member : as_object(n)) {
    if (std::ranges::find(allowed, std::string_view(member.key())) == allowed.end()) {
      reject({member.value(), join(n.path, member.key())},
             fmt::format("unknown key (allowed: {})", fmt::join(allowed, ", ")));
    }
  }
}

std::optional<node> member(const node& object, std::string_view key) {
  if (const auto* value = as_object(object).if_contains(key)) {
    return node{*value, join(object.path, key)};
  }
  return std::nullopt;
}

node required_member(const node& object, std::string_view key) {
  if (auto found = member(object, key)) {
    return *found;
  }
  reject({object.value, join(object.path, key)}, "required");
}

// Refuses a defineAuth key Cognate does not implement yet unless it is switched off (`false`).
void refuse_unless_false(const node& object, std::string_view key, std::string_view problem) {
  if (auto found = member(object, key); found && found->value != json::value(false)) {
    reject(*found, problem);
  }
}

email_settings read_email_login(const node& n) {
  email_settings email;
  if (n.value.is_bool()) {
    if (!n.value.get_bool()) {
      reject(n, "cannot be false: email login is the only login Cognate supports");
    }
    return email;
  }
  if (!n.value.is_object()) {
    expected(n, "true or an object");
  }
  check_keys(n, {"verificationEmailStyle", "verificationEmailSubject", "verificationEmailBody",
                 "userInvitation", "otpLogin"});
  refuse_unless_false(n, "otpLogin", "email OTP sign-in is not supported yet");
  if (auto style = member(n, "verificationEmailStyle");
      style && as_choice(*style, {"CODE", "LINK"}) == "LINK") {
    reject(*style, "not supported yet: use \"CODE\"");
  }
  if (auto subject = member(n, "verificationEmailSubject")) {
    email.verification_subject = as_subject(*subject);
  }
  if (auto body = member(n, "verificationEmailBody")) {
    email.verification_body = as_template(*body, {{"{####}", "the code"}});
  }
  if (auto invitation = member(n, "userInvitation")) {
    check_keys(*invitation, {"emailSubject", "emailBody"});
    if (auto subject = member(*invitation, "emailSubject")) {
      email.invitation_subject = as_subject(*subject);
    }
    if (auto body = member(*invitation, "emailBody")) {
      email.invitation_body = as_template(
          *body, {{"{username}", "the username"}, {"{####}", "the temporary password"}});
    }
  }
  return email;
}

email_settings read_login(const node& n) {
  check_keys(n, {"email", "phone", "webAuthn", "externalProviders"});
  for (std::string_view key : {"phone", "webAuthn", "externalProviders"}) {
    refuse_unless_false(n, key, "not supported yet: Cognate supports email login only");
  }
  return read_email_login(required_member(n, "email"));
}

struct multifactor {
  mfa_mode mode = mfa_mode::off;
  bool totp = false;
  bool email = false;
};

multifactor read_multifactor(const node& n) {
  check_keys(n, {"mode", "totp", "sms", "email"});
  const auto mode_name = as_choice(required_member(n, "mode"), {"OFF", "OPTIONAL", "REQUIRED"});
  const auto mode = mode_name == "OFF"        ? mfa_mode::off
                    : mode_name == "OPTIONAL" ? mfa_mode::optional
                                              : mfa_mode::required;
  const auto totp_member = member(n, "totp");
  const bool totp = totp_member && as_bool(*totp_member);
  const auto email_member = member(n, "email");
  const bool email = email_member && as_bool(*email_member);
  refuse_unless_false(n, "sms", "SMS MFA is not supported yet (it needs a phone); use totp or email");
  for (const auto& [given, on] : {std::pair{totp_member, totp}, std::pair{email_member, email}}) {
    if (mode == mfa_mode::off && on) {
      reject(*given, "only allowed when mode is OPTIONAL or REQUIRED");
    }
  }
  if (mode != mfa_mode::off && !totp && !email) {
    reject(n, "OPTIONAL and REQUIRED need at least one factor; set \"totp\": true or \"email\": true");
  }
  return {mode, totp, email};
}

attribute_spec read_standard_attribute(const node& n, std::string_view key) {
  const auto known = std::ranges::find(standard_attributes, key, &attribute_key::first);
  if (known == standard_attributes.end()) {
    std::string accepted;
    for (const auto& [gen2_name, cognito_name] : standard_attributes) {
      accepted.append(gen2_name).append(", ");
    }
    reject(n, fmt::format("unknown attribute (accepted: {}custom:<name>)", accepted));
  }
  check_keys(n, {"required", "mutable"});
  attribute_spec attribute;
  attribute.name = known->second;
  if (auto required = member(n, "required")) {
    attribute.required = as_bool(*required);
    if (attribute.name == "email" && !attribute.required) {
      reject(*required, "email is always required in an email-login pool");
    }
  }
  if (auto is_mutable = member(n, "mutable")) {
    attribute.is_mutable = as_bool(*is_mutable);
  }
  // email is the user name, so it is required whether or not the file says so.
  attribute.required = attribute.required || attribute.name == "email";
  return attribute;
}

// An integer bound of a custom attribute, allowed only when its dataType is `for_type`.
std::optional<std::int64_t> read_bound(const node& n, std::string_view key,
                                       const attribute_spec& attribute, std::string_view for_type,
                                       std::int64_t lowest, std::int64_t highest) {
  auto bound = member(n, key);
  if (!bound) {
    return std::nullopt;
  }
  if (attribute.data_type != for_type) {
    reject(*bound, fmt::format("only allowed when dataType is \"{}\"", for_type));
  }
  const auto value = as_integer(*bound);
  if (value < lowest || value > highest) {
    reject(*bound, fmt::format("must be from {} to {}, got {}", lowest, highest, value));
  }
  return value;
}

void check_order(const node& n, std::string_view low_key, std::optional<std::int64_t> low,
                 std::string_view high_key, std::optional<std::int64_t> high) {
  if (low && high && *low > *high) {
    reject(n, fmt::format("{} ({}) is greater than {} ({})", low_key, *low, high_key, *high));
  }
}

attribute_spec read_custom_attribute(const node& n, std::string_view name) {
  const auto word_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  const auto suffix = name.substr(std::string_view("custom:").size());
  if (suffix.empty() || suffix.size() > 20 || !std::ranges::all_of(suffix, word_char)) {
    reject(n, "custom attribute names are custom: and 1 to 20 letters, digits or underscores");
  }
  check_keys(n, {"dataType", "mutable", "minLen", "maxLen", "min", "max"});
  attribute_spec attribute;
  attribute.name = name;
  attribute.custom = true;
  attribute.data_type =
      as_choice(required_member(n, "dataType"), {"String", "Number", "Boolean", "DateTime"});
  if (auto is_mutable = member(n, "mutable")) {
    attribute.is_mutable = as_bool(*is_mutable);
  }
  constexpr auto int_min = std::numeric_limits<std::int64_t>::min();
  constexpr auto int_max = std::numeric_limits<std::int64_t>::max();
  attribute.min_len = read_bound(n, "minLen", attribute, "String", 0, 2048);
  attribute.max_len = read_bound(n, "maxLen", attribute, "String", 0, 2048);
  attribute.min = read_bound(n, "min", attribute, "Number", int_min, int_max);
  attribute.max = read_bound(n, "max", attribute, "Number", int_min, int_max);
  check_order(n, "minLen", attribute.min_len, "maxLen", attribute.max_len);
  check_order(n, "min", attribute.min, "max", attribute.max);
  return attribute;
}

std::vector<attribute_spec> read_attributes(const node& n) {
  std::vector<attribute_spec> attributes;
  for (const auto& declared : as_object(n)) {
    const std::string_view key = declared.key();
    const node spec{declared.value(), join(n.path, key)};
    attributes.push_back(key.starts_with("custom:") ? read_custom_attribute(spec, key)
                                                    : read_standard_attribute(spec, key));
  }
  return attributes;
}

std::string read_account_recovery(const node& n) {
  auto recovery =
      as_choice(n, {"EMAIL_ONLY", "PHONE_ONLY_WITHOUT_MFA", "PHONE_WITHOUT_MFA_AND_EMAIL",
                    "EMAIL_AND_PHONE_WITHOUT_MFA", "PHONE_AND_EMAIL", "NONE"});
  if (recovery == "PHONE_ONLY_WITHOUT_MFA") {
    reject(n, "PHONE_ONLY_WITHOUT_MFA needs phone login, which is not supported yet");
  }
  return recovery;
}

std::vector<std::string> read_groups(const node& n) {
  if (!n.value.is_array()) {
    expected(n, "an array of group names");
  }
  std::vector<std::string> groups;
  for (std::size_t index = 0; const auto& element : n.value.get_array()) {
    const node group{element, fmt::format("{}[{}]", n.path, index++)};
    auto name = as_string(group);
    if (name.empty() || char_count(name) > 128) {
      reject(group, "must be 1 to 128 characters");
    }
    if (std::ranges::find(groups, name) != groups.end()) {
      reject(group, fmt::format("duplicate group {}", quote(name)));
    }
    groups.push_back(std::move(name));
  }
  return groups;
}

sender_settings read_senders(const node& n) {
  check_keys(n, {"email", "sms"});
  refuse_unless_false(n, "sms", "SMS senders are not supported yet");
  sender_settings sender;
  if (auto email = member(n, "email")) {
    check_keys(*email, {"fromEmail", "fromName", "replyTo"});
    if (auto from_email = member(*email, "fromEmail")) {
      sender.from_email = as_email_address(*from_email);
    }
    if (auto from_name = member(*email, "fromName")) {
      sender.from_name = as_single_line(*from_name);
    }
    if (auto reply_to = member(*email, "replyTo")) {
      sender.reply_to = as_email_address(*reply_to);
    }
  }
  return sender;
}

pool_settings read_settings(const node& root) {
  check_keys(
      root, {"loginWith", "multifactor", "userAttributes", "accountRecovery", "groups", "senders"});
  pool_settings settings;
  settings.email = read_login(required_member(root, "loginWith"));
  std::optional<node> multifactor_node = member(root, "multifactor");
  if (multifactor_node) {
    const auto m = read_multifactor(*multifactor_node);
    settings.mfa = m.mode;
    settings.totp_enabled = m.totp;
    settings.email_mfa_enabled = m.email;
  }
  if (auto attributes = member(root, "userAttributes")) {
    settings.attributes = read_attributes(*attributes);
  }
  if (auto recovery = member(root, "accountRecovery")) {
    settings.account_recovery = read_account_recovery(*recovery);
  }
  if (auto groups = member(root, "groups")) {
    settings.groups = read_groups(*groups);
  }
  if (auto senders = member(root, "senders")) {
    settings.sender = read_senders(*senders);
  }
  if (settings.email_mfa_enabled && settings.sender.from_email.empty()) {
    // As the CDK construct refuses it: email MFA sends from the pool's own address.
    reject(node{multifactor_node->value.as_object().at("email"), join(multifactor_node->path, "email")},
           "To enable email-based MFA, set `email` property to the Amazon SES email-sending "
           "configuration: senders.email.fromEmail");
  }
  return settings;
}

result<json::value> parse_json(std::string_view text) {
  json::stream_parser parser;  // default options are strict
  boost::system::error_code ec;
  // On error, `parsed` is the offset of the offending character.
  const auto parsed = parser.write(text.data(), text.size(), ec);
  if (!ec) {
    parser.finish(ec);
  }
  if (ec) {
    const auto before = text.substr(0, parsed);
    const auto last_newline = before.rfind('\n');
    const auto line_start = last_newline == std::string_view::npos ? 0 : last_newline + 1;
    return fail(
        reason::invalid_parameter,
        fmt::format("invalid JSON at line {}, column {}: {}", std::ranges::count(before, '\n') + 1,
                    char_count(before.substr(line_start)) + 1, ec.message()));
  }
  return parser.release();
}

// ---- Describing changes ---------------------------------------------------------------------

std::string shown(const std::string& s) {
  constexpr std::size_t max_chars = 40;
  return char_count(s) <= max_chars ? quote(s)
                                    : quote(fmt::format("{}…", char_prefix(s, max_chars - 1)));
}
std::string shown(bool b) { return b ? "true" : "false"; }
std::string shown(mfa_mode mode) { return std::string(to_string(mode)); }
std::string shown(const std::optional<std::int64_t>& n) { return n ? std::to_string(*n) : "unset"; }
std::string shown(const std::vector<std::string>& names) {
  return json::serialize(json::value_from(names));
}

const attribute_spec* find_attribute(const std::vector<attribute_spec>& attributes,
                                     std::string_view name) {
  auto found = std::ranges::find(attributes, name, &attribute_spec::name);
  return found == attributes.end() ? nullptr : &*found;
}

}  // namespace

std::string_view to_string(mfa_mode mode) {
  switch (mode) {
    case mfa_mode::off: return "OFF";
    case mfa_mode::optional: return "OPTIONAL";
    case mfa_mode::required: return "REQUIRED";
  }
  return "OFF";
}

result<pool_settings> parse_auth_config(std::string_view json_text) {
  auto document = parse_json(json_text);
  if (!document) {
    return document.error();
  }
  try {
    return read_settings(node{*document, ""});
  } catch (const config_error& e) {
    return fail(reason::invalid_parameter, e.message);
  }
}

std::vector<std::string> describe_changes(const pool_settings& before, const pool_settings& after) {
  std::vector<std::string> lines;
  const auto change = [&lines](std::string_view path, const auto& from, const auto& to) {
    if (from != to) {
      lines.push_back(fmt::format("{} {} → {}", path, shown(from), shown(to)));
    }
  };
  const auto &old_email = before.email, &new_email = after.email;
  change("loginWith.email.verificationEmailSubject", old_email.verification_subject,
         new_email.verification_subject);
  change("loginWith.email.verificationEmailBody", old_email.verification_body,
         new_email.verification_body);
  change("loginWith.email.userInvitation.emailSubject", old_email.invitation_subject,
         new_email.invitation_subject);
  change("loginWith.email.userInvitation.emailBody", old_email.invitation_body,
         new_email.invitation_body);
  change("multifactor.mode", before.mfa, after.mfa);
  change("multifactor.totp", before.totp_enabled, after.totp_enabled);
  change("multifactor.email", before.email_mfa_enabled, after.email_mfa_enabled);
  for (const auto& attribute : after.attributes) {
    const auto path = "userAttributes." + attribute.name;
    const auto* old = find_attribute(before.attributes, attribute.name);
    if (old == nullptr) {
      lines.push_back(path + " added");
      continue;
    }
    change(path + ".required", old->required, attribute.required);
    change(path + ".mutable", old->is_mutable, attribute.is_mutable);
    change(path + ".dataType", old->data_type, attribute.data_type);
    change(path + ".minLen", old->min_len, attribute.min_len);
    change(path + ".maxLen", old->max_len, attribute.max_len);
    change(path + ".min", old->min, attribute.min);
    change(path + ".max", old->max, attribute.max);
  }
  for (const auto& attribute : before.attributes) {
    if (find_attribute(after.attributes, attribute.name) == nullptr) {
      lines.push_back(fmt::format("userAttributes.{} removed", attribute.name));
    }
  }
  change("accountRecovery", before.account_recovery, after.account_recovery);
  change("groups", before.groups, after.groups);
  change("senders.email.fromEmail", before.sender.from_email, after.sender.from_email);
  change("senders.email.fromName", before.sender.from_name, after.sender.from_name);
  change("senders.email.replyTo", before.sender.reply_to, after.sender.reply_to);
  return lines;
}

json::object amplify_outputs(const pool_settings& settings, std::string_view user_pool_id,
                             std::string_view client_id) {
  json::array required{"email"};
  for (const auto& attribute : settings.attributes) {
    if (!attribute.custom && attribute.required && attribute.name != "email") {
      required.emplace_back(attribute.name);
    }
  }
  const auto& policy = settings.password;
  json::array mfa_methods;
  if (settings.totp_enabled) {
    mfa_methods.emplace_back("TOTP");
  }
  if (settings.email_mfa_enabled) {
    mfa_methods.emplace_back("EMAIL");
  }
  json::object auth{
      {"aws_region", user_pool_id.substr(0, user_pool_id.find('_'))},
      {"user_pool_id", user_pool_id},
      {"user_pool_client_id", client_id},
      {"username_attributes", json::array{"email"}},
      {"standard_required_attributes", std::move(required)},
      {"user_verification_types", json::array{"email"}},
      {"mfa_configuration", settings.mfa == mfa_mode::off ? "NONE" : to_string(settings.mfa)},
      {"mfa_methods", mfa_methods},
      {"password_policy", json::object{{"min_length", policy.min_length},
                                       {"require_lowercase", policy.require_lowercase},
                                       {"require_numbers", policy.require_numbers},
                                       {"require_symbols", policy.require_symbols},
                                       {"require_uppercase", policy.require_uppercase}}},
  };
  // Always present, as `ampx` writes it (an empty list for a pool without groups).
  json::array groups;
  for (std::size_t precedence = 0; const auto& name : settings.groups) {
    groups.push_back(json::object{{name, json::object{{"precedence", precedence++}}}});
  }
  auth["groups"] = std::move(groups);
  return {{"version", "1.5"}, {"auth", std::move(auth)}};
}

}  // namespace cognate::pool

#include "pool/user_import.h"

#include "common/encoding.h"
#include "common/random.h"
#include "common/reasons.h"
#include "pool/email_address.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>
#include <string_view>

namespace cognate::pool {
namespace {

// Cognito's header, before the custom attributes.
constexpr std::array<std::string_view, 19> standard_columns = {
    "name",        "given_name",   "family_name", "middle_name", "nickname",
    "preferred_username", "profile", "picture",   "website",     "email",
    "email_verified", "gender",    "birthdate",   "zoneinfo",    "locale",
    "phone_number", "phone_number_verified", "address", "updated_at"};
constexpr std::string_view mfa_column = "cognito:mfa_enabled";
constexpr std::string_view username_column = "cognito:username";

std::string trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) {
    return {};
  }
  return std::string(s.substr(first, s.find_last_not_of(" \t") - first + 1));
}

failure row_error(std::size_t line, std::string_view why) {
  return fail(reason::invalid_parameter, fmt::format("line {}: {}", line, why));
}

// "true"/"false" in any case, "" as false; nullopt for anything else.
std::optional<bool> boolean(std::string_view value) {
  std::string v(value);
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  if (v.empty() || v == "false") {
    return false;
  }
  if (v == "true") {
    return true;
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::string> csv_header(const pool_settings& settings) {
  std::vector<std::string> out(standard_columns.begin(), standard_columns.end());
  for (const auto& a : settings.attributes) {
    if (a.custom) {
      out.push_back(a.name);
    }
  }
  out.emplace_back(mfa_column);
  out.emplace_back(username_column);
  return out;
}

result<import_columns> read_import_header(const pool_settings& settings,
                                          const std::vector<std::string>& fields) {
  import_columns columns;
  const auto known = csv_header(settings);
  for (std::size_t i = 0; i < fields.size(); ++i) {
    auto name = trimmed(fields[i]);
    if (i == 0 && name.starts_with("\xEF\xBB\xBF")) {
      name = trimmed(name.substr(3));  // a byte-order mark, as spreadsheets write
    }
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return fail(reason::invalid_parameter,
                  fmt::format("line 1: column {} (the {}th) is not an attribute of this pool; "
                              "GetCSVHeader gives the columns it has",
                              name.substr(0, 64), i + 1));
    }
    if (std::find(columns.names.begin(), columns.names.end(), name) != columns.names.end()) {
      return fail(reason::invalid_parameter, fmt::format("line 1: column {} is given twice", name));
    }
    columns.names.push_back(std::move(name));
  }
  for (const auto required : {username_column, std::string_view("email")}) {
    if (std::find(columns.names.begin(), columns.names.end(), required) == columns.names.end()) {
      return fail(reason::invalid_parameter,
                  fmt::format("line 1: the header has no {} column", required));
    }
  }
  return columns;
}

result<imported_user> read_import_row(const pool_settings& settings, const import_columns& columns,
                                      const std::vector<std::string>& fields, std::size_t line) {
  if (fields.size() != columns.names.size()) {
    return row_error(line, fmt::format("{} fields where the header has {}", fields.size(),
                                       columns.names.size()));
  }
  imported_user user{.line = line};
  attribute_list given;
  std::string email_verified = "false";
  std::string phone_verified;
  std::string username;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto& name = columns.names[i];
    const auto& value = fields[i];
    if (!is_utf8(value)) {
      return row_error(line, fmt::format("{} is not UTF-8", name));
    }
    if (name == username_column) {
      username = value;
    } else if (name == mfa_column || name == "email_verified" || name == "phone_number_verified") {
      const auto b = boolean(value);
      if (!b) {
        return row_error(line, fmt::format("{} must be true or false", name));
      }
      if (name == mfa_column) {
        user.mfa_enabled = *b;
      } else if (name == "email_verified") {
        email_verified = *b ? "true" : "false";
      } else if (!value.empty()) {
        phone_verified = *b ? "true" : "false";
      }
    } else if (name == "email") {
      user.email = value;
    } else if (!value.empty()) {
      given.emplace_back(name, value);
    }
  }
  if (username.empty()) {
    return row_error(line, "cognito:username is empty");
  }
  if (user.email.empty()) {
    return row_error(line, "email is empty (the pool signs users in by email)");
  }
  if (!looks_like_email(user.email)) {
    return row_error(line, "email is not an email address");
  }
  auto checked = check_client_attributes(settings, given,
                                         {{"email", user.email}, {"email_verified", email_verified}});
  if (!checked) {
    return row_error(line, checked.error().message);
  }
  user.attributes = std::move(*checked);
  if (!phone_verified.empty() && user.attributes.contains("phone_number")) {
    user.attributes["phone_number_verified"] = phone_verified;
  }
  return user;
}

result<import_batch_outcome> import_users(store::transaction& tx, const pool_entry& pool,
                                          const std::vector<imported_user>& users,
                                          const std::string& actor, time_point now) {
  import_batch_outcome outcome;
  const auto detail = boost::json::serialize(boost::json::object{{"by", actor}});
  for (const auto& u : users) {
    const auto key = email_key(u.email);
    ASSIGN_OR_RETURN(auto existing, tx.users().find_by_email(pool.id, key));
    if (existing) {
      ++outcome.existing;
      continue;
    }
    store::user_record record{.pool_id = pool.id,
                              .id = random_uuid(),
                              .email = u.email,
                              .email_key = key,
                              .status = store::user_status::reset_required,
                              .attributes_json = attributes_to_json(u.attributes),
                              .created_at = now,
                              .updated_at = now};
    RETURN_IF_ERROR(tx.users().insert(record));
    RETURN_IF_ERROR(tx.audit().append({.pool_id = pool.id,
                                       .user_id = record.id,
                                       .event = "import_user",
                                       .detail = detail,
                                       .at = now}));
    ++outcome.created;
  }
  return outcome;
}

}  // namespace cognate::pool

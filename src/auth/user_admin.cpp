#include "auth/user_admin.h"

#include "auth/lockout.h"
#include "auth/page_token.h"
#include "auth/totp_factor.h"
#include "common/encoding.h"
#include "common/random.h"
#include "common/reasons.h"
#include "crypto/hmac.h"
#include "pool/attributes.h"
#include "pool/email_address.h"
#include "pool/password_check.h"
#include "pool/users.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>


namespace cognate::auth {
namespace {

// One clause of a ListUsers filter: `name = "value"` or `name ^= "value"`.
struct user_filter {
  std::string attribute;  // "" matches everyone
  bool prefix = false;
  std::string value;
};

// The attributes ListUsers can filter on (protocol doc §5.2).
constexpr std::array<std::string_view, 10> filterable = {
    "username", "email", "phone_number", "name", "given_name", "family_name",
    "preferred_username", "cognito:user_status", "status", "sub"};

result<user_filter> parse_filter(std::string_view text) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
  };
  text = trim(text);
  if (text.empty()) {
    return user_filter{};
  }
  const auto op = text.find_first_of("^=");
  const auto quote = text.find('"');
  if (op == std::string_view::npos || quote == std::string_view::npos || quote < op ||
      text.back() != '"' || quote == text.size() - 1) {
    return fail(reason::invalid_parameter,
                "Invalid search filter: use AttributeName = \"value\" or AttributeName ^= \"value\".");
  }
  user_filter f;
  f.attribute = std::string(trim(text.substr(0, op)));
  const auto operator_text = trim(text.substr(op, quote - op));
  if (operator_text != "=" && operator_text != "^=") {
    return fail(reason::invalid_parameter,
                "Invalid search filter: the operator must be = or ^=.");
  }
  f.prefix = operator_text == "^=";
  f.value = std::string(text.substr(quote + 1, text.size() - quote - 2));
  if (std::find(filterable.begin(), filterable.end(), f.attribute) == filterable.end()) {
    return fail(reason::invalid_parameter,
                fmt::format("Invalid search filter: cannot filter on attribute {}.", f.attribute));
  }
  return f;
}

bool matches(const user_filter& f, const admin_user& u) {
  if (f.attribute.empty()) {
    return true;
  }
  std::string have;
  if (f.attribute == "username" || f.attribute == "sub") {
    have = u.profile.username;
  } else if (f.attribute == "cognito:user_status") {
    have = u.status;
  } else if (f.attribute == "status") {
    have = u.enabled ? "Enabled" : "Disabled";
  } else {
    auto it = u.profile.attributes.find(f.attribute);
    if (it == u.profile.attributes.end()) {
      return false;
    }
    have = it->second;
  }
  return f.prefix ? std::string_view(have).starts_with(f.value) : have == f.value;
}

// A page token names the last user returned and is bound to the pool and filter it was made for.
std::string binding_of(const std::string& pool_id, const std::string& filter) {
  const auto digest = crypto::sha256(as_bytes(pool_id + "\n" + filter));
  return hex_encode(std::span(digest).first(8));
}

store::audit_record audit_of(const store::user_record& u, std::string event,
                             const std::string& actor, time_point at) {
  boost::json::object detail{{"by", actor}};
  return {.pool_id = u.pool_id,
          .user_id = u.id,
          .event = std::move(event),
          .detail = boost::json::serialize(detail),
          .at = at};
}

// How long a temporary password set now works (the pool's TemporaryPasswordValidityDays).
std::chrono::hours temporary_password_validity(const pool::pool_entry& pool) {
  return std::chrono::hours(24 * pool.settings.password.temporary_password_days);
}

// A temporary password the pool's policy accepts: 14 characters with a lower-case and an
// upper-case letter, a digit and a symbol, the rest from all four.
std::string temporary_password() {
  constexpr std::string_view lower = "abcdefghijkmnopqrstuvwxyz";
  constexpr std::string_view upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
  constexpr std::string_view digits = "23456789";
  constexpr std::string_view symbols = "!#%+-?@^_";  // none the AWS CLI shorthand reads (=,)
  std::string out = random_string(1, lower) + random_string(1, upper) + random_string(1, digits) +
                    random_string(1, symbols);
  out += random_string(10, std::string(lower) + std::string(upper) + std::string(digits));
  // Shuffle so the classes are not in a fixed order.
  for (std::size_t i = out.size() - 1; i > 0; --i) {
    std::swap(out[i], out[random_below(static_cast<std::uint32_t>(i + 1))]);
  }
  return out;
}

}  // namespace

std::string_view status_name(store::user_status s) {
  switch (s) {
    case store::user_status::confirmed:
      return "CONFIRMED";
    case store::user_status::reset_required:
      return "RESET_REQUIRED";
    case store::user_status::force_change_password:
      return "FORCE_CHANGE_PASSWORD";
    case store::user_status::unconfirmed:
      break;
  }
  return "UNCONFIRMED";
}

user_admin::user_admin(store::store& store, const crypto::sealer& sealer, const clock& clock,
                       const factor_set& factors, user_admin_options options,
                       std::function<void()> mail_queued)
    : store_(store),
      sealer_(sealer),
      clock_(clock),
      factors_(factors),
      mail_queued_(std::move(mail_queued)),
      codes_(sealer, {}, options.default_from),
      reset_kind_{.purpose = "reset", .lifetime = options.reset_code_lifetime},
      // The same code a user asks for with GetUserAttributeVerificationCode (self_service.h).
      verify_email_{.purpose = "verify:email",
                    .lifetime = std::chrono::hours(24),
                    .bound_to_address = true} {}

result<store::user_account> user_admin::find(store::transaction& tx, const pool::pool_entry& pool,
                                             const std::string& username) const {
  ASSIGN_OR_RETURN(auto found, pool::find_account_by_name(tx, pool.id, username));
  if (!found) {
    return fail(reason::user_not_found);
  }
  return std::move(*found);
}

admin_user user_admin::describe(const pool::pool_entry& pool, const store::user_account& a) const {
  return admin_user{.profile = profile_of(pool, a.user, a.factors, factors_, clock_.now()),
                    .created_at = a.user.created_at,
                    .updated_at = a.user.updated_at,
                    .enabled = a.user.enabled,
                    .status = std::string(status_name(a.user.status))};
}

result<admin_user> user_admin::get(const pool::pool_entry& pool,
                                   const std::string& username) const {
  ASSIGN_OR_RETURN(auto account, store::in_read(store_, [&](store::transaction& tx) {
                     return find(tx, pool, username);
                   }));
  return describe(pool, account);
}

result<auth_event_page> user_admin::auth_events(const pool::pool_entry& pool,
                                                const std::string& username, int limit,
                                                const std::string& token) const {
  // The token names the user and the last event given: "<user id> <event id>".
  ASSIGN_OR_RETURN(const auto position, page_position(token));
  std::int64_t before = 0;
  std::string token_user;
  if (!position.empty()) {
    const auto space = position.find(' ');
    const auto id = space == std::string::npos ? std::string() : position.substr(space + 1);
    if (id.empty() || id.size() > 18 || !std::all_of(id.begin(), id.end(), [](unsigned char c) {
          return std::isdigit(c) != 0;
        })) {
      return fail(reason::invalid_parameter, "Invalid NextToken.");
    }
    token_user = position.substr(0, space);
    before = std::stoll(id);
  }
  return store::in_read(store_, [&](store::transaction& tx) -> result<auth_event_page> {
    ASSIGN_OR_RETURN(auto account, find(tx, pool, username));
    if (!token_user.empty() && token_user != account.user.id) {
      return fail(reason::invalid_parameter, "Invalid NextToken.");
    }
    // Reads the user's audit rows in batches, newest first, and keeps those the list shows
    // until one more than asked for is found (then there is a next page) or they end.
    constexpr int batch = 200;
    auth_event_page page;
    std::int64_t cursor = before;
    std::int64_t last_given = 0;
    bool more = false;
    while (!more) {
      ASSIGN_OR_RETURN(auto rows, tx.audit().of_user(pool.id, account.user.id, cursor, batch));
      for (const auto& row : rows) {
        auto event = auth_event_of(row);
        if (!event) {
          continue;
        }
        if (static_cast<int>(page.events.size()) == limit) {
          more = true;
          break;
        }
        last_given = row.id;
        page.events.push_back(std::move(*event));
      }
      if (static_cast<int>(rows.size()) < batch) {
        break;
      }
      cursor = rows.back().id;
    }
    if (more) {
      page.next_token = page_token(account.user.id + " " + std::to_string(last_given));
    }
    return page;
  });
}

result<user_page> user_admin::list(const pool::pool_entry& pool, const std::string& filter,
                                   int limit, const std::string& token) const {
  ASSIGN_OR_RETURN(auto f, parse_filter(filter));
  const auto binding = binding_of(pool.id, filter);
  std::string after;
  if (!token.empty()) {
    const auto decoded = base64url_decode(token);
    const std::string text = decoded ? std::string(decoded->begin(), decoded->end()) : "";
    const auto newline = text.find('\n');
    if (newline == std::string::npos || text.substr(newline + 1) != binding) {
      return fail(reason::invalid_parameter, "Invalid pagination token.");
    }
    after = text.substr(0, newline);
  }
  // Reads pages of users by id and keeps those that match, until one more than asked for is
  // found (then there is a next page) or the pool ends.
  return store::in_read(store_, [&](store::transaction& tx) -> result<user_page> {
    user_page page;
    std::string cursor = after;
    bool more = false;
    for (;;) {
      ASSIGN_OR_RETURN(auto batch, tx.users().list(pool.id, cursor, 200));
      for (const auto& u : batch) {
        ASSIGN_OR_RETURN(auto factors, tx.factors().list(pool.id, u.id));
        auto described = describe(pool, {.user = u, .factors = std::move(factors)});
        if (!matches(f, described)) {
          continue;
        }
        if (static_cast<int>(page.users.size()) == limit) {
          more = true;
          break;
        }
        page.users.push_back(std::move(described));
      }
      if (more || batch.size() < 200) {
        break;
      }
      cursor = batch.back().id;
    }
    if (more) {
      const std::string text = page.users.back().profile.username + "\n" + binding;
      page.next_token = base64url_encode(as_bytes(text));
    }
    return page;
  });
}

result<void> user_admin::delete_user(const pool::pool_entry& pool, const std::string& username,
                                     const std::string& actor) const {
  const auto now = clock_.now();
  return store_.transact([&](store::transaction& tx) -> result<void> {
    ASSIGN_OR_RETURN(auto a, find(tx, pool, username));
    RETURN_IF_ERROR(pool::delete_account(tx, pool.id, a.user.id));
    return tx.audit().append(audit_of(a.user, "admin_delete_user", actor, now));
  });
}

result<void> user_admin::set_enabled(const pool::pool_entry& pool, const std::string& username,
                                     bool enabled, const std::string& actor) const {
  const auto now = clock_.now();
  return store_.transact([&](store::transaction& tx) -> result<void> {
    ASSIGN_OR_RETURN(auto a, find(tx, pool, username));
    a.user.enabled = enabled;
    a.user.updated_at = now;
    RETURN_IF_ERROR(tx.users().update(a.user));
    if (!enabled) {
      RETURN_IF_ERROR(tx.tokens().revoke_user(pool.id, a.user.id));
      RETURN_IF_ERROR(tx.sessions().remove_user(pool.id, a.user.id));
    }
    return tx.audit().append(
        audit_of(a.user, enabled ? "admin_enable_user" : "admin_disable_user", actor, now));
  });
}

result<void> user_admin::confirm_sign_up(const pool::pool_entry& pool, const std::string& username,
                                         const std::string& actor) const {
  const auto now = clock_.now();
  return store_.transact([&](store::transaction& tx) -> result<void> {
    ASSIGN_OR_RETURN(auto a, find(tx, pool, username));
    if (a.user.status != store::user_status::unconfirmed) {
      return fail(reason::cannot_confirm_confirmed);
    }
    a.user.status = store::user_status::confirmed;
    a.user.updated_at = now;
    RETURN_IF_ERROR(tx.users().update(a.user));
    RETURN_IF_ERROR(tx.codes().remove(pool.id, a.user.id, "signup"));
    return tx.audit().append(audit_of(a.user, "admin_confirm_sign_up", actor, now));
  });
}

result<void> user_admin::reset_password(const pool::pool_entry& pool, const std::string& username,
                                        const std::string& actor) const {
  const auto now = clock_.now();
  ASSIGN_OR_RETURN(
      auto mailed, store::in_transaction(store_, [&](store::transaction& tx) -> result<bool> {
        ASSIGN_OR_RETURN(auto a, find(tx, pool, username));
        if (a.user.status != store::user_status::confirmed &&
            a.user.status != store::user_status::reset_required) {
          return fail(reason::reset_not_allowed_in_state);
        }
        a.user.status = store::user_status::reset_required;
        a.user.updated_at = now;
        RETURN_IF_ERROR(tx.users().update(a.user));
        RETURN_IF_ERROR(tx.tokens().revoke_user(pool.id, a.user.id));
        RETURN_IF_ERROR(tx.sessions().remove_user(pool.id, a.user.id));
        const bool verified =
            pool::attributes_from_json(a.user.attributes_json)["email_verified"] == "true";
        if (verified && a.user.enabled) {
          RETURN_IF_ERROR(codes_.send(tx, a.user, reset_kind_, pool.settings, a.user.email, now));
        }
        RETURN_IF_ERROR(tx.audit().append(audit_of(a.user, "admin_reset_password", actor, now)));
        return verified && a.user.enabled;
      }));
  if (mailed) {
    mail_queued_();
  }
  return {};
}

result<void> user_admin::set_password(const pool::pool_entry& pool, const std::string& username,
                                      const std::string& password, bool permanent,
                                      const std::string& actor) const {
  RETURN_IF_ERROR(pool::check_password(pool.settings.password, password));
  ASSIGN_OR_RETURN(auto seen, store::in_read(store_, [&](store::transaction& tx) {
                     return find(tx, pool, username);
                   }));
  const auto verifier = pool::make_password_verifier(sealer_, pool.id, seen.user.id, password);
  const auto now = clock_.now();
  return store_.transact([&](store::transaction& tx) -> result<void> {
    ASSIGN_OR_RETURN(auto a, find(tx, pool, seen.user.id));
    pool::set_password(a.user, verifier);
    if (permanent) {
      a.user.status = store::user_status::confirmed;
      a.user.password_expires_at = time_point{};
    } else {
      a.user.status = store::user_status::force_change_password;
      a.user.password_expires_at = now + temporary_password_validity(pool);
    }
    lockout::reset(a.user);
    a.user.updated_at = now;
    RETURN_IF_ERROR(tx.users().update(a.user));
    RETURN_IF_ERROR(tx.codes().remove(pool.id, a.user.id, "reset"));
    return tx.audit().append(audit_of(
        a.user, permanent ? "admin_set_password" : "admin_set_temporary_password", actor, now));
  });
}

result<void> user_admin::global_sign_out(const pool::pool_entry& pool, const std::string& username,
                                         const std::string& actor) const {
  const auto now = clock_.now();
  return store_.transact([&](store::transaction& tx) -> result<void> {
    ASSIGN_OR_RETURN(auto a, find(tx, pool, username));
    RETURN_IF_ERROR(tx.tokens().revoke_user(pool.id, a.user.id));
    RETURN_IF_ERROR(tx.sessions().remove_user(pool.id, a.user.id));
    return tx.audit().append(audit_of(a.user, "admin_global_sign_out", actor, now));
  });
}

result<void> user_admin::set_totp(const pool::pool_entry& pool, const std::string& username,
                                  bool totp_enabled, std::optional<bool> preferred,
                                  const std::string& actor) const {
  const auto now = clock_.now();
  return store_.transact([&](store::transaction& tx) -> result<void> {
    ASSIGN_OR_RETURN(auto a, find(tx, pool, username));
    if (!totp_enabled) {
      // The lost authenticator: the secret goes, verified or pending.
      RETURN_IF_ERROR(tx.factors().remove(pool.id, a.user.id, std::string(totp_factor::active_id)));
      RETURN_IF_ERROR(tx.factors().remove(pool.id, a.user.id, std::string(totp_factor::pending_id)));
      return tx.audit().append(audit_of(a.user, "admin_remove_totp", actor, now));
    }
    ASSIGN_OR_RETURN(auto factor,
                     tx.factors().find(pool.id, a.user.id, std::string(totp_factor::active_id)));
    if (!factor) {
      return fail(reason::totp_not_set_up);
    }
    factor->enabled = true;
    if (preferred) {
      factor->preferred = *preferred;
    }
    factor->updated_at = now;
    RETURN_IF_ERROR(tx.factors().put(*factor));
    if (factor->preferred) {
      RETURN_IF_ERROR(prefer_only(tx, pool.id, a.user.id, totp_factor::active_id, now));
    }
    return tx.audit().append(audit_of(a.user, "admin_set_mfa_preference", actor, now));
  });
}

result<void> user_admin::set_email_mfa(const pool::pool_entry& pool, const std::string& username,
                                       bool enabled, std::optional<bool> preferred,
                                       const std::string& actor) const {
  if (enabled && !factors_.email().allowed(pool.settings)) {
    return fail(reason::email_mfa_not_enabled_by_pool);
  }
  const auto now = clock_.now();
  const std::string id(email_otp_factor::active_id);
  return store_.transact([&](store::transaction& tx) -> result<void> {
    ASSIGN_OR_RETURN(auto a, find(tx, pool, username));
    if (!enabled) {
      RETURN_IF_ERROR(tx.factors().remove(pool.id, a.user.id, id));
      return tx.audit().append(audit_of(a.user, "admin_remove_email_mfa", actor, now));
    }
    ASSIGN_OR_RETURN(auto found, tx.factors().find(pool.id, a.user.id, id));
    auto factor = found.value_or(store::factor_record{
        .pool_id = pool.id, .user_id = a.user.id, .id = id, .kind = "email", .created_at = now});
    factor.enabled = true;
    if (preferred) {
      factor.preferred = *preferred;
    }
    factor.updated_at = now;
    RETURN_IF_ERROR(tx.factors().put(factor));
    if (factor.preferred) {
      RETURN_IF_ERROR(prefer_only(tx, pool.id, a.user.id, email_otp_factor::active_id, now));
    }
    return tx.audit().append(audit_of(a.user, "admin_set_mfa_preference", actor, now));
  });
}

result<admin_user> user_admin::create_user(const pool::pool_entry& pool,
                                           const create_user_request& request,
                                           const std::string& actor) const {
  for (const auto& medium : request.delivery_mediums) {
    if (medium != "EMAIL") {
      return fail(reason::sms_delivery_unsupported);
    }
  }
  const bool resend = request.message_action == "RESEND";
  const bool invite = request.message_action != "SUPPRESS";
  const auto password = request.temporary_password.value_or(temporary_password());
  RETURN_IF_ERROR(pool::check_password(pool.settings.password, password));
  const auto now = clock_.now();

  if (resend) {
    ASSIGN_OR_RETURN(auto seen, store::in_read(store_, [&](store::transaction& tx) {
                       return find(tx, pool, request.username);
                     }));
    const auto verifier = pool::make_password_verifier(sealer_, pool.id, seen.user.id, password);
    ASSIGN_OR_RETURN(
        auto account,
        store::in_transaction(store_, [&](store::transaction& tx) -> result<store::user_account> {
          ASSIGN_OR_RETURN(auto a, find(tx, pool, seen.user.id));
          if (a.user.status != store::user_status::force_change_password) {
            return fail(reason::resend_needs_force_change_password);
          }
          pool::set_password(a.user, verifier);
          a.user.password_expires_at = now + temporary_password_validity(pool);
          a.user.updated_at = now;
          RETURN_IF_ERROR(tx.users().update(a.user));
          RETURN_IF_ERROR(codes_.mail(tx, a.user, pool.settings, pool.settings.email.invitation_subject,
                                      pool.settings.email.invitation_body, a.user.email, password,
                                      request.username, now));
          RETURN_IF_ERROR(tx.audit().append(audit_of(a.user, "admin_resend_invitation", actor, now)));
          return a;
        }));
    mail_queued_();
    return describe(pool, account);
  }

  if (!pool::looks_like_email(request.username)) {
    return fail(reason::username_not_email);
  }
  // The operator may mark the email verified; nothing else a client could not write.
  pool::attribute_list writable;
  std::optional<std::string> email_verified;
  for (const auto& [name, value] : request.attributes) {
    if (name == "email_verified") {
      email_verified = value == "true" ? "true" : "false";
    } else if (name == "email" && pool::email_key(value) != pool::email_key(request.username)) {
      return fail(reason::email_attribute_mismatch);
    } else {
      writable.emplace_back(name, value);
    }
  }
  ASSIGN_OR_RETURN(auto attributes,
                   pool::check_client_attributes(
                       pool.settings, writable,
                       {{"email", request.username},
                        {"email_verified", email_verified.value_or("false")}}));
  auto user = pool::new_user_record(sealer_, pool.id, request.username, password, now);
  user.attributes_json = pool::attributes_to_json(attributes);
  user.status = store::user_status::force_change_password;
  user.password_expires_at = now + temporary_password_validity(pool);
  auto inserted = store_.transact([&](store::transaction& tx) -> result<void> {
    RETURN_IF_ERROR(tx.users().insert(user));
    if (invite) {
      RETURN_IF_ERROR(codes_.mail(tx, user, pool.settings, pool.settings.email.invitation_subject,
                                  pool.settings.email.invitation_body, user.email, password,
                                  request.username, now));
    }
    return tx.audit().append(audit_of(user, "admin_create_user", actor, now));
  });
  if (!inserted) {
    if (inserted.error().code == errc::username_exists) {
      return fail(reason::admin_username_exists);
    }
    return inserted.error();
  }
  if (invite) {
    mail_queued_();
  }
  return describe(pool, {.user = user});
}

result<void> user_admin::update_attributes(const pool::pool_entry& pool,
                                           const std::string& username,
                                           const pool::attribute_list& attributes,
                                           const std::string& actor) const {
  std::optional<std::string> email_verified;
  pool::attribute_list rest;
  for (const auto& [name, value] : attributes) {
    if (name == "email_verified") {
      email_verified = value == "true" ? "true" : "false";
    } else {
      rest.emplace_back(name, value);
    }
  }
  const auto now = clock_.now();
  ASSIGN_OR_RETURN(
      auto mailed, store::in_transaction(store_, [&](store::transaction& tx) -> result<bool> {
        ASSIGN_OR_RETURN(auto a, find(tx, pool, username));
        auto& user = a.user;
        const auto current = pool::attributes_from_json(user.attributes_json);
        ASSIGN_OR_RETURN(auto next, pool::update_attributes(pool.settings, current, rest));
        const auto email = next.find("email");
        if (email == next.end() || email->second.empty()) {
          return fail(reason::attribute_schema, "email", "The attribute email is required");
        }
        bool mail = false;
        if (pool::email_key(email->second) != user.email_key) {
          if (!pool::looks_like_email(email->second)) {
            return fail(reason::attribute_schema, "email", "Invalid email address format.");
          }
          if (email_verified == "true") {
            // Changed at once: the operator vouches for the address.
            const auto key = pool::email_key(email->second);
            ASSIGN_OR_RETURN(auto holder, tx.users().find_by_email(pool.id, key));
            if (holder && holder->id != user.id) {
              return fail(reason::alias_exists);
            }
            user.email = email->second;
            user.email_key = key;
            user.pending_email.clear();
          } else {
            user.pending_email = email->second;
            next["email"] = user.email;
            RETURN_IF_ERROR(codes_.send(tx, user, verify_email_, pool.settings, user.pending_email, now));
            mail = true;
          }
        } else {
          next["email"] = user.email;
        }
        if (email_verified) {
          next["email_verified"] = *email_verified;
        }
        user.attributes_json = pool::attributes_to_json(next);
        user.updated_at = now;
        RETURN_IF_ERROR(tx.users().update(user));
        RETURN_IF_ERROR(tx.audit().append(audit_of(user, "admin_update_attributes", actor, now)));
        return mail;
      }));
  if (mailed) {
    mail_queued_();
  }
  return {};
}

result<void> user_admin::delete_attributes(const pool::pool_entry& pool,
                                           const std::string& username,
                                           const std::vector<std::string>& names,
                                           const std::string& actor) const {
  pool::attribute_list blanks;
  for (const auto& name : names) {
    if (name == "email") {
      return fail(reason::attribute_schema, "email", "The attribute email is required");
    }
    blanks.emplace_back(name, "");
  }
  const auto now = clock_.now();
  return store_.transact([&](store::transaction& tx) -> result<void> {
    ASSIGN_OR_RETURN(auto a, find(tx, pool, username));
    ASSIGN_OR_RETURN(auto next, pool::update_attributes(
                                    pool.settings, pool::attributes_from_json(a.user.attributes_json),
                                    blanks));
    a.user.attributes_json = pool::attributes_to_json(next);
    a.user.updated_at = now;
    RETURN_IF_ERROR(tx.users().update(a.user));
    return tx.audit().append(audit_of(a.user, "admin_delete_attributes", actor, now));
  });
}

}  // namespace cognate::auth

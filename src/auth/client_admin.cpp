#include "auth/client_admin.h"


#include "auth/page_token.h"
#include "common/random.h"
#include "common/reasons.h"
#include "crypto/seal_context.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace cognate::auth {
namespace {

constexpr std::array<std::string_view, 6> known_flows = {
    "ALLOW_USER_SRP_AUTH",    "ALLOW_USER_PASSWORD_AUTH",       "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_CUSTOM_AUTH",      "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_AUTH"};

result<void> check(const client_changes& c) {
  if (c.auth_flows) {
    for (const auto& f : *c.auth_flows) {
      if (std::find(known_flows.begin(), known_flows.end(), f) == known_flows.end()) {
        return fail(reason::invalid_parameter,
                    fmt::format("ExplicitAuthFlows: {} is not one of ALLOW_USER_SRP_AUTH, "
                                "ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH, "
                                "ALLOW_CUSTOM_AUTH, ALLOW_ADMIN_USER_PASSWORD_AUTH, "
                                "ALLOW_USER_AUTH.",
                                f.substr(0, 64)));
      }
    }
  }
  auto range = [](const std::optional<std::int64_t>& v, std::string_view what, std::int64_t low,
                  std::int64_t high) -> result<void> {
    if (v && (*v < low || *v > high)) {
      return fail(reason::invalid_parameter,
                  fmt::format("{} must be between {} and {} seconds.", what, low, high));
    }
    return {};
  };
  RETURN_IF_ERROR(range(c.access_token_validity, "AccessTokenValidity", 300, 86400));
  RETURN_IF_ERROR(range(c.id_token_validity, "IdTokenValidity", 300, 86400));
  RETURN_IF_ERROR(range(c.refresh_token_validity, "RefreshTokenValidity", 3600, 3650LL * 86400));
  RETURN_IF_ERROR(range(c.auth_session_validity, "AuthSessionValidity", 180, 900));
  return {};
}

void apply(store::client_record& r, const client_changes& c) {
  if (c.name) r.name = *c.name;
  if (c.auth_flows) r.auth_flows = *c.auth_flows;
  if (c.access_token_validity) r.access_token_validity = *c.access_token_validity;
  if (c.id_token_validity) r.id_token_validity = *c.id_token_validity;
  if (c.refresh_token_validity) r.refresh_token_validity = *c.refresh_token_validity;
  if (c.auth_session_validity) r.auth_session_validity = *c.auth_session_validity;
  if (c.read_attributes) r.read_attributes = *c.read_attributes;
  if (c.write_attributes) r.write_attributes = *c.write_attributes;
  if (c.prevent_user_existence_errors) r.prevent_user_existence_errors = *c.prevent_user_existence_errors;
}

store::audit_record audit_of(const std::string& pool_id, std::string event,
                             const std::string& client_id, const std::string& actor,
                             time_point at) {
  boost::json::object detail{{"by", actor}, {"client", client_id}};
  return {.pool_id = pool_id, .event = std::move(event), .detail = boost::json::serialize(detail), .at = at};
}

result<store::client_record> find(store::transaction& tx, const pool::pool_entry& pool,
                                  const std::string& client_id) {
  ASSIGN_OR_RETURN(auto found, tx.directory().find_client(client_id));
  if (!found || found->pool_id != pool.id) {
    return fail(reason::client_not_found, client_id);
  }
  return std::move(*found);
}

}  // namespace

result<store::client_record> client_admin::create(const pool::pool_entry& pool,
                                                  const client_changes& c,
                                                  const std::string& actor) const {
  RETURN_IF_ERROR(check(c));
  const auto now = clock_.now();
  store::client_record r{.id = random_string(26, "abcdefghijklmnopqrstuvwxyz0123456789"),
                         .pool_id = pool.id,
                         .auth_flows = {"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
                         .created_at = now,
                         .updated_at = now};
  apply(r, c);
  if (c.generate_secret) {
    // 51 characters of [a-z0-9], as long as Cognito's; about 263 bits.
    const auto secret = random_string(51, "abcdefghijklmnopqrstuvwxyz0123456789");
    r.secret_sealed = sealer_.seal(as_bytes(secret), crypto::seal_context::client_secret(r.id));
  }
  RETURN_IF_ERROR(store_.transact([&](store::transaction& tx) -> result<void> {
    RETURN_IF_ERROR(tx.directory().insert_client(r));
    return tx.audit().append(audit_of(pool.id, "create_client", r.id, actor, now));
  }));
  (void)directory_.refresh(true);
  return r;
}

result<store::client_record> client_admin::describe(const pool::pool_entry& pool,
                                                    const std::string& client_id) const {
  return store::in_read(store_, [&](store::transaction& tx) { return find(tx, pool, client_id); });
}

result<store::client_record> client_admin::update(const pool::pool_entry& pool,
                                                  const std::string& client_id,
                                                  const client_changes& c,
                                                  const std::string& actor) const {
  RETURN_IF_ERROR(check(c));
  const auto now = clock_.now();
  ASSIGN_OR_RETURN(auto updated, store::in_transaction(
                                     store_, [&](store::transaction& tx) -> result<store::client_record> {
                                       ASSIGN_OR_RETURN(auto r, find(tx, pool, client_id));
                                       apply(r, c);
                                       r.updated_at = now;
                                       RETURN_IF_ERROR(tx.directory().update_client(r));
                                       RETURN_IF_ERROR(tx.audit().append(
                                           audit_of(pool.id, "update_client", r.id, actor, now)));
                                       return r;
                                     }));
  (void)directory_.refresh(true);
  return updated;
}

result<void> client_admin::remove(const pool::pool_entry& pool, const std::string& client_id,
                                  const std::string& actor) const {
  if (client_id == declared_) {
    return fail(reason::client_declared_by_config, client_id);
  }
  const auto now = clock_.now();
  RETURN_IF_ERROR(store_.transact([&](store::transaction& tx) -> result<void> {
    ASSIGN_OR_RETURN(auto r, find(tx, pool, client_id));
    RETURN_IF_ERROR(tx.directory().delete_client(r.id));
    return tx.audit().append(audit_of(pool.id, "delete_client", r.id, actor, now));
  }));
  (void)directory_.refresh(true);
  return {};
}

result<std::string> client_admin::secret_of(const store::client_record& r) const {
  if (r.secret_sealed.empty()) {
    return std::string();
  }
  ASSIGN_OR_RETURN(auto opened, sealer_.open(r.secret_sealed, crypto::seal_context::client_secret(r.id)));
  return std::string(opened.begin(), opened.end());
}

result<client_page> client_admin::list(
const pool::pool_entry& pool, int limit,
                                       const std::string& token) const {
  ASSIGN_OR_RETURN(auto after, page_position(token));
  return store::in_read(store_, [&](store::transaction& tx) -> result<client_page> {
    ASSIGN_OR_RETURN(auto all, tx.directory().clients(pool.id));
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    client_page page;
    for (auto& c : all) {
      if (!after.empty() && c.id <= after) {
        continue;
      }
      if (static_cast<int>(page.clients.size()) == limit) {
        page.next_token = page_token(page.clients.back().id);
        break;
      }
      page.clients.push_back(std::move(c));
    }
    return page;
  });
}

}  // namespace cognate::auth

#include "auth/pool_admin.h"

#include "auth/page_token.h"
#include "common/reasons.h"
#include "pool/settings_json.h"

#include <boost/json.hpp>

#include <algorithm>

namespace cognate::auth {

result<store::pool_record> pool_admin::record(const pool::pool_entry& pool) const {
  ASSIGN_OR_RETURN(auto found, store::in_read(store_, [&](store::transaction& tx) {
                     return tx.directory().find_pool(pool.id);
                   }));
  if (!found) {
    return fail(reason::pool_not_found, pool.id);
  }
  return std::move(*found);
}

result<pool_page> pool_admin::list(const operator_principal& who, int limit,
                                   const std::string& token) const {
  ASSIGN_OR_RETURN(auto after, page_position(token));
  ASSIGN_OR_RETURN(auto pools, store::in_read(store_, [](store::transaction& tx) {
                     return tx.directory().pools();
                   }));
  std::sort(pools.begin(), pools.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  pool_page page;
  for (auto& p : pools) {
    const bool in_region = p.id.starts_with(who.region + "_");
    const bool allowed = who.pools.empty() ||
                         std::find(who.pools.begin(), who.pools.end(), p.id) != who.pools.end();
    if (!in_region || !allowed || (!after.empty() && p.id <= after)) {
      continue;
    }
    if (static_cast<int>(page.pools.size()) == limit) {
      page.next_token = page_token(page.pools.back().id);
      break;
    }
    page.pools.push_back(std::move(p));
  }
  return page;
}

result<void> pool_admin::set_mfa(const pool::pool_entry& pool, std::optional<std::string> mode,
                                 std::optional<bool> totp, const std::string& actor) const {
  auto change = [&](const pool::pool_settings& stored) -> result<pool::pool_settings> {
    auto settings = stored;
    if (mode) {
      if (*mode == "OFF") {
        settings.mfa = pool::mfa_mode::off;
      } else if (*mode == "OPTIONAL") {
        settings.mfa = pool::mfa_mode::optional;
      } else if (*mode == "ON") {
        settings.mfa = pool::mfa_mode::required;
      } else {
        return fail(reason::invalid_parameter, "MfaConfiguration must be OFF, ON or OPTIONAL.");
      }
    }
    if (totp) {
      settings.totp_enabled = *totp;
    }
    if (settings.mfa != pool::mfa_mode::off && !settings.totp_enabled &&
        !settings.email_mfa_enabled) {
      return fail(reason::invalid_parameter,
                  "MFA ON or OPTIONAL needs a factor: enable SoftwareTokenMfaConfiguration (or "
                  "email MFA in the pool's config; SMS is not supported yet).");
    }
    return settings;
  };
  return write_settings(pool.id, change, std::nullopt, "set_mfa_config", actor);
}

result<void> pool_admin::write_settings(const std::string& pool_id, const settings_change& change,
                                        const std::optional<std::string>& name, std::string event,
                                        const std::string& actor) const {
  const auto now = clock_.now();
  RETURN_IF_ERROR(store_.transact([&](store::transaction& tx) -> result<void> {
    ASSIGN_OR_RETURN(auto found, tx.directory().find_pool(pool_id));
    if (!found) {
      return fail(reason::pool_not_found, pool_id);
    }
    ASSIGN_OR_RETURN(auto stored, pool::settings_from_json(found->settings_json));
    ASSIGN_OR_RETURN(auto settings, change(stored));
    found->settings_json = pool::settings_to_json(settings);
    if (name) {
      found->name = *name;
    }
    found->updated_at = now;
    RETURN_IF_ERROR(tx.directory().update_pool(*found));
    boost::json::object detail{{"by", actor}};
    return tx.audit().append(
        {.pool_id = pool_id, .event = event, .detail = boost::json::serialize(detail), .at = now});
  }));
  (void)directory_.refresh(true);
  return {};
}

result<store::pool_record> pool_admin::create(const std::string& region, const std::string& name,
                                              const pool::pool_settings& settings,
                                              const std::string& actor) const {
  const auto now = clock_.now();
  const store::pool_record record{.id = pool::new_pool_id(region),
                                  .name = name,
                                  .settings_json = pool::settings_to_json(settings),
                                  .created_at = now,
                                  .updated_at = now};
  RETURN_IF_ERROR(store_.transact([&](store::transaction& tx) -> result<void> {
    RETURN_IF_ERROR(tx.directory().insert_pool(record));
    boost::json::object detail{{"by", actor}, {"name", name}};
    return tx.audit().append({.pool_id = record.id,
                              .event = "create_pool",
                              .detail = boost::json::serialize(detail),
                              .at = now});
  }));
  // The reload makes the pool's first signing key; a failure there would leave a pool that
  // cannot mint tokens, so it is reported.
  ASSIGN_OR_RETURN(auto loaded, directory_.refresh(true));
  (void)loaded;
  return record;
}

result<void> pool_admin::update(const pool::pool_entry& pool, const settings_change& change,
                                const std::optional<std::string>& name,
                                const std::string& actor) const {
  return write_settings(pool.id, change, name, "update_pool", actor);
}

result<void> pool_admin::remove(const pool::pool_entry& pool, const std::string& actor) const {
  if (pool.id == declared_) {
    return fail(reason::pool_declared_by_config, pool.id);
  }
  const auto now = clock_.now();
  RETURN_IF_ERROR(store_.transact([&](store::transaction& tx) -> result<void> {
    ASSIGN_OR_RETURN(auto found, tx.directory().find_pool(pool.id));
    if (!found) {
      return fail(reason::pool_not_found, pool.id);
    }
    // The stored settings decide, not this node's snapshot: protection may have just been set.
    ASSIGN_OR_RETURN(auto stored, pool::settings_from_json(found->settings_json));
    if (stored.deletion_protection) {
      return fail(reason::pool_deletion_protected, pool.id);
    }
    RETURN_IF_ERROR(tx.directory().delete_pool(pool.id));
    boost::json::object detail{{"by", actor}, {"name", found->name}};
    return tx.audit().append({.pool_id = pool.id,
                              .event = "delete_pool",
                              .detail = boost::json::serialize(detail),
                              .at = now});
  }));
  (void)directory_.refresh(true);
  return {};
}

}  // namespace cognate::auth

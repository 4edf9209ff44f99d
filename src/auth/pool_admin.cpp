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
  auto settings = pool.settings;
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
  if (settings.mfa != pool::mfa_mode::off && !settings.totp_enabled) {
    return fail(reason::invalid_parameter,
                "MFA ON or OPTIONAL needs a factor: enable SoftwareTokenMfaConfiguration (SMS "
                "and email MFA are not supported yet).");
  }
  const auto text = pool::settings_to_json(settings);
  const auto now = clock_.now();
  RETURN_IF_ERROR(store_.transact([&](store::transaction& tx) -> result<void> {
    ASSIGN_OR_RETURN(auto found, tx.directory().find_pool(pool.id));
    if (!found) {
      return fail(reason::pool_not_found, pool.id);
    }
    found->settings_json = text;
    found->updated_at = now;
    RETURN_IF_ERROR(tx.directory().update_pool(*found));
    boost::json::object detail{{"by", actor}};
    return tx.audit().append({.pool_id = pool.id,
                              .event = "set_mfa_config",
                              .detail = boost::json::serialize(detail),
                              .at = now});
  }));
  (void)directory_.refresh(true);
  return {};
}

}  // namespace cognate::auth

#include "app/provision.h"

#include "common/random.h"
#include "pool/directory.h"
#include "pool/settings_json.h"

#include <fmt/format.h>

#include <regex>
#include <stdexcept>

namespace cognate::app {
namespace {

std::vector<std::string> auth_flows(const provision_spec& spec) {
  std::vector<std::string> flows{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"};
  if (spec.allow_user_password_auth) {
    flows.insert(flows.begin() + 1, "ALLOW_USER_PASSWORD_AUTH");
  }
  return flows;
}

}  // namespace

bool valid_region(const std::string& region) {
  static const std::regex pattern("^(?:eusc-[a-z]{2}|[a-z]{2})-(gov-)?[a-z]+-[0-9]$");
  return std::regex_match(region, pattern);
}

namespace {

// The groups `groups` in auth.json declares, created when missing with their list position as
// precedence (as defineAuth does). Groups made through the API, and config groups later removed
// from the file, are left as they are: deleting a group is an operator's decision.
result<void> add_config_groups(store::transaction& tx, const std::string& pool_id,
                               const pool::pool_settings& settings, time_point now) {
  for (std::size_t i = 0; i < settings.groups.size(); ++i) {
    ASSIGN_OR_RETURN(auto found, tx.groups().find(pool_id, settings.groups[i]));
    if (!found) {
      RETURN_IF_ERROR(tx.groups().insert({.pool_id = pool_id,
                                          .name = settings.groups[i],
                                          .precedence = static_cast<std::int64_t>(i),
                                          .created_at = now,
                                          .updated_at = now}));
    }
  }
  return {};
}

}  // namespace

pool_ids provision(store::store& store, const clock& clock, const provision_spec& spec) {
  const auto now = clock.now();
  const auto settings_json = pool::settings_to_json(spec.settings);
  const auto flows = auth_flows(spec);
  auto ids = store::in_transaction(store, [&](store::transaction& tx) -> result<pool_ids> {
    auto& directory = tx.directory();
    ASSIGN_OR_RETURN(auto pools, directory.pools());
    pool_ids out;
    if (pools.empty()) {
      out.pool_id = pool::new_pool_id(spec.region);
      out.created = true;
      RETURN_IF_ERROR(directory.insert_pool({.id = out.pool_id,
                                             .name = spec.name,
                                             .settings_json = settings_json,
                                             .issuer = spec.issuer,
                                             .created_at = now,
                                             .updated_at = now}));
    } else {
      auto pool = std::move(pools.front());
      out.pool_id = pool.id;
      if (pool.settings_json != settings_json || pool.issuer != spec.issuer) {
        pool.settings_json = settings_json;
        pool.issuer = spec.issuer;
        pool.updated_at = now;
        RETURN_IF_ERROR(directory.update_pool(pool));
      }
    }
    RETURN_IF_ERROR(add_config_groups(tx, out.pool_id, spec.settings, now));
    ASSIGN_OR_RETURN(auto clients, directory.clients(out.pool_id));
    if (clients.empty()) {
      out.client_id = random_string(26, "abcdefghijklmnopqrstuvwxyz0123456789");
      RETURN_IF_ERROR(directory.insert_client({.id = out.client_id,
                                               .pool_id = out.pool_id,
                                               .name = spec.name + " client",
                                               .auth_flows = flows,
                                               .created_at = now,
                                               .updated_at = now}));
    } else {
      auto client = std::move(clients.front());
      out.client_id = client.id;
      if (client.auth_flows != flows) {
        client.auth_flows = flows;
        client.updated_at = now;
        RETURN_IF_ERROR(directory.update_client(client));
      }
    }
    return out;
  });
  if (!ids) {
    throw std::runtime_error("cannot read or create the user pool: " + ids.error().message);
  }
  return *ids;
}

result<void> store_settings(store::store& store, const clock& clock, const std::string& pool_id,
                            const pool::pool_settings& settings) {
  const auto text = pool::settings_to_json(settings);
  return store.transact([&](store::transaction& tx) -> result<void> {
    ASSIGN_OR_RETURN(auto pool, tx.directory().find_pool(pool_id));
    if (!pool) {
      return internal_failure("the provisioned pool " + pool_id + " is gone");
    }
    RETURN_IF_ERROR(add_config_groups(tx, pool_id, settings, clock.now()));
    if (pool->settings_json == text) {
      return {};
    }
    pool->settings_json = text;
    pool->updated_at = clock.now();
    return tx.directory().update_pool(*pool);
  });
}

std::string choose_pool(store::store& store, const std::string& requested) {
  auto pools = store::in_read(store, [](store::transaction& tx) { return tx.directory().pools(); });
  if (!pools) {
    throw std::runtime_error("cannot read the user pools: " + pools.error().message);
  }
  if (pools->empty()) {
    throw std::runtime_error("the database has no user pool yet (start cognate once)");
  }
  if (!requested.empty()) {
    for (const auto& p : *pools) {
      if (p.id == requested) {
        return p.id;
      }
    }
    throw std::runtime_error(fmt::format("the database has no user pool {}", requested));
  }
  if (pools->size() > 1) {
    throw std::runtime_error(fmt::format(
        "the database has {} user pools; name one with --pool (the oldest is {})", pools->size(),
        pools->front().id));
  }
  return pools->front().id;
}

}  // namespace cognate::app

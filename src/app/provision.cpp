#include "app/provision.h"

#include "common/random.h"

#include <fmt/format.h>

#include <regex>
#include <stdexcept>

namespace cognate::app {

bool valid_region(const std::string& region) {
  static const std::regex pattern("^(?:eusc-[a-z]{2}|[a-z]{2})-(gov-)?[a-z]+-[0-9]$");
  return std::regex_match(region, pattern);
}

pool_ids ensure_pool(store::store& store, const clock& clock, const std::string& region,
                     const std::string& name) {
  const auto now = clock.now();
  auto ids = store::in_transaction(store, [&](store::transaction& tx) -> result<pool_ids> {
    auto& directory = tx.directory();
    ASSIGN_OR_RETURN(auto pools, directory.pools());
    pool_ids out;
    if (!pools.empty()) {
      out.pool_id = pools.front().id;
    } else {
      static constexpr std::string_view alnum =
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
      out.pool_id = region + "_" + random_string(9, alnum);
      out.created = true;
      RETURN_IF_ERROR(directory.insert_pool(
          {.id = out.pool_id, .name = name, .settings_json = "{}", .created_at = now, .updated_at = now}));
    }
    ASSIGN_OR_RETURN(auto clients, directory.clients(out.pool_id));
    if (!clients.empty()) {
      out.client_id = clients.front().id;
    } else {
      out.client_id = random_string(26, "abcdefghijklmnopqrstuvwxyz0123456789");
      store::client_record client{.id = out.client_id,
                                  .pool_id = out.pool_id,
                                  .name = name + " client",
                                  .auth_flows = {"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
                                  .created_at = now,
                                  .updated_at = now};
      RETURN_IF_ERROR(directory.insert_client(client));
    }
    return out;
  });
  if (!ids) {
    throw std::runtime_error("cannot read or create the user pool: " + ids.error().message);
  }
  return *ids;
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

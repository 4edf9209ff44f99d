#include "app/provision.h"

#include "common/random.h"

#include <regex>
#include <stdexcept>

namespace cognate::app {

bool valid_region(const std::string& region) {
  static const std::regex pattern("^(?:eusc-[a-z]{2}|[a-z]{2})-(gov-)?[a-z]+-[0-9]$");
  return std::regex_match(region, pattern);
}

pool_ids ensure_pool(store::store& store, const std::string& region, const std::string& name) {
  auto ids = store::in_transaction(store, [&](store::transaction& tx) -> result<pool_ids> {
    auto pool = tx.first_pool();
    if (!pool) {
      return pool.error();
    }
    pool_ids out;
    if (*pool) {
      out.pool_id = (*pool)->id;
    } else {
      static constexpr std::string_view alnum =
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
      out.pool_id = region + "_" + random_string(9, alnum);
      out.created = true;
      if (auto r = tx.insert_pool({out.pool_id, name, std::chrono::system_clock::now()}); !r) {
        return r.error();
      }
    }
    auto client = tx.first_client(out.pool_id);
    if (!client) {
      return client.error();
    }
    if (*client) {
      out.client_id = (*client)->id;
    } else {
      out.client_id = random_string(26, "abcdefghijklmnopqrstuvwxyz0123456789");
      if (auto r = tx.insert_client({out.client_id, out.pool_id, name + " client",
                                     std::chrono::system_clock::now()});
          !r) {
        return r.error();
      }
    }
    return out;
  });
  if (!ids) {
    throw std::runtime_error("cannot read or create the user pool: " + ids.error().message);
  }
  return *ids;
}

}  // namespace cognate::app

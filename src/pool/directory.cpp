#include "pool/directory.h"


#include "common/random.h"
#include "crypto/seal_context.h"
#include "pool/settings_json.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

namespace cognate::pool {

std::string srp_pool_name(std::string_view pool_id) {
  auto underscore = pool_id.find('_');
  return std::string(underscore == std::string_view::npos ? pool_id
                                                          : pool_id.substr(underscore + 1));
}

std::string new_pool_id(std::string_view region) {
  static constexpr std::string_view alnum =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return fmt::format("{}_{}", region, random_string(9, alnum));
}


bool client_entry::allows(std::string_view flow) const {
  return std::any_of(record.auth_flows.begin(), record.auth_flows.end(), [&](std::string_view f) {
    return f.starts_with("ALLOW_") && f.substr(6) == flow;
  });
}

std::shared_ptr<const pool_entry> directory_snapshot::pool(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

std::shared_ptr<const pool_entry> directory_snapshot::pool_for_issuer(
    std::string_view issuer) const {
  auto it = by_issuer_.find(issuer);
  return it == by_issuer_.end() ? nullptr : it->second;
}

const client_entry* directory_snapshot::client(std::string_view id) const {
  auto it = clients_.find(id);
  return it == clients_.end() ? nullptr : &it->second;
}

std::vector<const client_entry*> directory_snapshot::clients_of(std::string_view pool_id) const {
  std::vector<const client_entry*> out;
  for (const auto& id : client_order_) {
    const auto& c = clients_.at(id);
    if (c.record.pool_id == pool_id) {
      out.push_back(&c);
    }
  }
  return out;
}

directory::directory(store::store& store, const crypto::sealer& sealer, const clock& clock,
                     directory_options options)
    : store_(store), sealer_(sealer), clock_(clock), options_(std::move(options)) {
  auto loaded = refresh(true);
  if (!loaded) {
    throw std::runtime_error("cannot load the user pools: " + loaded.error().message);
  }
}

std::shared_ptr<const directory_snapshot> directory::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

result<bool> directory::refresh(bool force) {
  std::lock_guard one_at_a_time(refresh_mutex_);
  if (!force) {
    auto stored =
        store::in_read(store_, [](store::transaction& tx) { return tx.directory().version(); });
    if (!stored) {
      return stored.error();
    }
    if (current_ && *stored == current()->version()) {
      return false;
    }
  }
  ASSIGN_OR_RETURN(auto next, load());
  std::lock_guard lock(mutex_);
  current_ = std::move(next);
  return true;
}

result<std::shared_ptr<const directory_snapshot>> directory::load() {
  struct rows {
    std::int64_t version = 0;
    std::vector<store::pool_record> pools;
    std::vector<store::client_record> clients;
  };
  // One snapshot of the store, so the version matches the rows.
  ASSIGN_OR_RETURN(auto read, store::in_read(store_, [](store::transaction& tx) -> result<rows> {
                     rows out;
                     ASSIGN_OR_RETURN(out.version, tx.directory().version());
                     ASSIGN_OR_RETURN(out.pools, tx.directory().pools());
                     for (const auto& p : out.pools) {
                       ASSIGN_OR_RETURN(auto clients, tx.directory().clients(p.id));
                       out.clients.insert(out.clients.end(), clients.begin(), clients.end());
                     }
                     return out;
                   }));

  auto next = std::make_shared<directory_snapshot>();
  next->version_ = read.version;
  for (auto& p : read.pools) {
    ASSIGN_OR_RETURN(auto settings, settings_from_json(p.settings_json));
    auto& keys = keys_[p.id];
    if (!keys) {
      try {
        keys = std::make_shared<signing_keys>(store_, sealer_, p.id, clock_,
                                              options_.longest_token_lifetime);
      } catch (const std::exception& e) {
        return internal_failure(fmt::format("pool {}: {}", p.id, e.what()));
      }
    }
    auto entry = std::make_shared<pool_entry>(pool_entry{
        .id = p.id,
        .name = p.name,
        .settings = std::move(settings),
        .issuer = p.issuer.empty() ? options_.public_url + "/" + p.id : p.issuer,
        .url = options_.public_url + "/" + p.id,
        .keys = keys,
    });
    next->by_id_.emplace(entry->id, entry);
    next->by_issuer_.emplace(entry->issuer, entry);
    next->pools_.push_back(std::move(entry));
  }
  std::erase_if(keys_, [&](const auto& entry) { return !next->pool(entry.first); });  // deleted
  for (auto& c : read.clients) {
    auto pool = next->pool(c.pool_id);
    if (!pool) {
      continue;  // cannot happen: clients were read per pool
    }
    std::string secret;
    if (!c.secret_sealed.empty()) {
      ASSIGN_OR_RETURN(auto opened, sealer_.open(c.secret_sealed, crypto::seal_context::client_secret(c.id)));
      secret.assign(opened.begin(), opened.end());
    }
    auto id = c.id;
    next->client_order_.push_back(id);
    next->clients_.emplace(std::move(id),
                           client_entry{std::move(c), std::move(pool), std::move(secret)});

  }
  return std::shared_ptr<const directory_snapshot>(std::move(next));
}

void directory::reload_keys() {
  std::vector<std::shared_ptr<signing_keys>> all;
  {
    std::lock_guard lock(refresh_mutex_);
    for (const auto& [id, keys] : keys_) {
      all.push_back(keys);
    }
  }
  for (const auto& keys : all) {
    keys->reload();
  }
}

}  // namespace cognate::pool

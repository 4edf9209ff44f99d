#include "pool/signing_keys.h"


#include "common/encoding.h"
#include "crypto/seal_context.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <stdexcept>

namespace cognate::pool {
namespace {

store::signing_key_record sealed_row(const token::rsa_key& key, const crypto::sealer& sealer,
                                     const std::string& pool_id, time_point now) {
  return store::signing_key_record{
      .kid = key.kid(),
      .pool_id = pool_id,
      .private_pem_sealed = sealer.seal(as_bytes(key.private_pem()), crypto::seal_context::signing_key(key.kid())),
      .active = true,
      .created_at = now};
}

}  // namespace

signing_keys::signing_keys(store::store& store, const crypto::sealer& sealer, std::string pool_id,
                           const clock& clock, std::chrono::seconds token_lifetime)
    : store_(store),
      sealer_(sealer),
      pool_id_(std::move(pool_id)),
      clock_(clock),
      keep_after_retirement_(token_lifetime + std::chrono::minutes(5)) {
  auto ring = load(true);
  if (!ring) {
    throw std::runtime_error("cannot load signing keys: " + ring.error().message);
  }
  ring_ = *ring;
  last_reload_ = clock_.now();
}

result<std::shared_ptr<const token::keyring>> signing_keys::load(bool create_if_empty) {
  using key_rows = std::vector<store::signing_key_record>;
  auto rows = store::in_read(store_, [&](store::transaction& tx) { return tx.keys().list(pool_id_); });
  if (rows && rows->empty() && create_if_empty) {
    // The pool's first key, generated (tens of ms) outside the transaction that stores it unless
    // another node stored one meanwhile.
    auto key = token::rsa_key::generate();
    const auto row = sealed_row(key, sealer_, pool_id_, clock_.now());
    rows = store::in_transaction(store_, [&](store::transaction& tx) -> result<key_rows> {
      ASSIGN_OR_RETURN(auto existing, tx.keys().list(pool_id_));
      if (!existing.empty()) {
        return existing;
      }
      ASSIGN_OR_RETURN(auto pool, tx.directory().find_pool(pool_id_));
      if (!pool) {
        return existing;  // deleted meanwhile: no key for it (reported below)
      }
      RETURN_IF_ERROR(tx.keys().insert(row));
      return key_rows{row};
    });
    if (rows && rows->size() == 1 && rows->front().kid == key.kid()) {
      spdlog::info("created token signing key {}", key.kid());
    }
  }
  if (!rows) {
    return rows.error();
  }
  if (rows->empty()) {
    return internal_failure("the pool has no signing key");
  }
  // rows are oldest first. The signer is the newest key published for publish_delay (or the
  // first key, which signs from the start); a key that stopped signing is kept while tokens it
  // signed can still be valid.
  const auto now = clock_.now();
  std::size_t signer = 0;
  for (std::size_t i = 1; i < rows->size(); ++i) {
    if (now - (*rows)[i].created_at >= publish_delay) {
      signer = i;
    }
  }
  std::vector<token::rsa_key> keys;
  std::optional<std::size_t> signer_index;
  for (std::size_t i = 0; i < rows->size(); ++i) {
    const auto& row = (*rows)[i];
    if (i < signer && now - ((*rows)[i + 1].created_at + publish_delay) > keep_after_retirement_) {
      continue;  // retired long enough ago that nothing it signed is still valid
    }
    auto pem = sealer_.open(row.private_pem_sealed, crypto::seal_context::signing_key(row.kid));
    if (!pem) {
      return internal_failure("cannot open signing key " + row.kid +
                              " (was the database created with another master key?)");
    }
    auto key = token::rsa_key::from_private_pem(
        std::string_view(reinterpret_cast<const char*>(pem->data()), pem->size()));
    if (!key) {
      return internal_failure("stored signing key " + row.kid + " is not a valid RSA key");
    }
    if (i == signer) {
      signer_index = keys.size();
    }
    keys.push_back(std::move(*key));
  }
  return std::make_shared<const token::keyring>(std::move(keys), signer_index);
}

std::shared_ptr<const token::keyring> signing_keys::current() const {
  std::lock_guard lock(mutex_);
  return ring_;
}

std::string signing_keys::sign(const boost::json::object& payload) const {
  return current()->sign(payload);
}

boost::json::object signing_keys::jwks() const { return current()->jwks(); }

void signing_keys::reload() {
  auto ring = load(false);
  std::lock_guard lock(mutex_);
  last_reload_ = clock_.now();
  if (ring) {
    ring_ = *ring;
  }
}

result<token::verified_jwt> signing_keys::verify(std::string_view token) {
  auto ring = current();
  auto verified = ring->verify(token);
  if (verified) {
    return verified;
  }
  const auto kid = token::unverified_kid(token);
  if (kid.empty() || ring->has_kid(kid)) {
    return verified;
  }
  {
    std::lock_guard lock(mutex_);
    if (clock_.now() - last_reload_ < std::chrono::seconds(1)) {
      return verified;
    }
  }
  reload();
  return current()->verify(token);
}

result<std::string> signing_keys::rotate(store::store& store, const crypto::sealer& sealer,
                                         const std::string& pool_id, const clock& clock) {
  auto key = token::rsa_key::generate();
  const auto sealed = sealed_row(key, sealer, pool_id, clock.now());
  auto inserted = store.transact([&](store::transaction& tx) -> result<void> {
    // Keys are ordered by creation time (whole seconds): the new one must come strictly last.
    ASSIGN_OR_RETURN(auto existing, tx.keys().list(pool_id));
    auto row = sealed;
    if (!existing.empty() && to_unix(row.created_at) <= to_unix(existing.back().created_at)) {
      row.created_at = existing.back().created_at + std::chrono::seconds(1);
    }
    RETURN_IF_ERROR(tx.keys().insert(row));
    return tx.audit().append({.pool_id = pool_id,
                              .event = "signing_key_rotated",
                              .detail = R"({"kid":")" + key.kid() + "\"}",
                              .at = clock.now()});
  });
  if (!inserted) {
    return inserted.error();
  }
  return key.kid();
}

}  // namespace cognate::pool

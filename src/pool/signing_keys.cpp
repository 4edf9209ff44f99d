#include "pool/signing_keys.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace cognate::pool {

token::keyring load_signing_keys(store::store& store, const crypto::sealer& sealer,
                                 const std::string& pool_id, const clock& clock) {
  auto rows = store::in_transaction(store, [&](store::transaction& tx)
                                               -> result<std::vector<store::signing_key_record>> {
    auto existing = tx.signing_keys(pool_id);
    if (!existing || !existing->empty()) {
      return existing;
    }
    auto key = token::rsa_key::generate();
    store::signing_key_record row{key.kid(), pool_id,
                                  sealer.seal(as_bytes(key.private_pem()), "signing-key:" + key.kid()),
                                  true, clock.now()};
    if (auto ok = tx.insert_signing_key(row); !ok) {
      return ok.error();
    }
    spdlog::info("created token signing key {}", key.kid());
    return std::vector<store::signing_key_record>{row};
  });
  if (!rows) {
    throw std::runtime_error("cannot load signing keys: " + rows.error().message);
  }
  std::vector<token::rsa_key> keys;
  for (const auto& row : *rows) {
    auto pem = sealer.open(row.private_pem_sealed, "signing-key:" + row.kid);
    if (!pem) {
      throw std::runtime_error("cannot open signing key " + row.kid +
                               " (was the database created with another master key?)");
    }
    auto key = token::rsa_key::from_private_pem(
        std::string_view(reinterpret_cast<const char*>(pem->data()), pem->size()));
    if (!key) {
      throw std::runtime_error("stored signing key " + row.kid + " is not a valid RSA key");
    }
    keys.push_back(std::move(*key));
  }
  return token::keyring(std::move(keys));
}

}  // namespace cognate::pool

#pragma once
// Token-signing keys, per pool.

#include "common/clock.h"
#include "common/error.h"

#include <string>
#include <vector>

namespace cognate::store {

// A token-signing key pair; the private key sealed with "signing-key:<kid>".
struct signing_key_record {
  std::string kid;
  std::string pool_id;
  std::string private_pem_sealed;
  bool active = true;  // signs new tokens; inactive keys stay in the JWKS until their tokens expire
  time_point created_at;
};

// Reached from a transaction (store.h); valid only inside it. Failures are errc::internal.
class key_repository {
 public:
  virtual ~key_repository() = default;
  virtual result<void> insert(const signing_key_record& k) = 0;
  // The pool's keys, oldest first.
  virtual result<std::vector<signing_key_record>> list(const std::string& pool_id) = 0;
};

}  // namespace cognate::store

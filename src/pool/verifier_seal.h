#pragma once
// How a user's SRP verifier is kept at rest: its 384 big-endian bytes (the group's size), sealed
// with context "user:<id>:verifier". Half the size of the hex text earlier versions sealed,
// which open_verifier() still reads.

#include "common/error.h"
#include "crypto/sealer.h"
#include "store/user_repository.h"

#include <string>

namespace cognate::pool {

std::string seal_verifier(const crypto::sealer& sealer, const std::string& user_id,
                          const std::string& verifier_hex);
// The verifier as minimal hex (crypto/srp.h); errc::internal when it cannot be opened.
result<std::string> open_verifier(const crypto::sealer& sealer, const store::user_record& user);

}  // namespace cognate::pool

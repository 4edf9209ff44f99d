// libFuzzer target: the TOTP code a client sends — SOFTWARE_TOKEN_MFA_CODE at sign-in
// (ChallengeResponses, any string up to 8 KiB reaches it) and VerifySoftwareToken's UserCode —
// checked by auth::totp_factor against a user's sealed active and pending secrets (RFC 6238's
// SHA-1 key, a fixed clock), including the refusal of a step already spent; and, for input
// starting "otpauth://", the QR code POST /_cognate/qr draws from its unauthenticated body
// (mfa/qr_svg.h, libqrencode).
#include "auth/totp_factor.h"
#include "common/encoding.h"
#include "mfa/qr_svg.h"
#include "mfa/totp.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace cognate;

constexpr std::string_view user_id = "3c1b2a90-1111-2222-3333-444455556666";
constexpr std::string_view active_key = "12345678901234567890";  // RFC 6238 appendix B (SHA-1)
constexpr std::string_view pending_key = "abcdefghijabcdefghij";
constexpr std::int64_t now_unix = 1795914765;  // 2026-11-29T01:12:45Z

struct fixture {
  crypto::sealer sealer{crypto::master_key::from_bytes(bytes(crypto::master_key::size, 7))};
  auth::totp_factor factor{sealer};
  pool::pool_entry pool{.id = "us-east-1_Ab12Cd34E"};
  store::user_record user;
  std::vector<store::factor_record> factors;
  time_point now = from_unix(now_unix);

  fixture() {
    user.pool_id = pool.id;
    user.id = std::string(user_id);
    user.status = store::user_status::confirmed;
    // Sealed as totp_factor seals ("user:<id>:totp"); the self-test below proves it opens.
    const std::string context = "user:" + user.id + ":totp";
    factors.push_back({.pool_id = pool.id,
                       .user_id = user.id,
                       .id = std::string(auth::totp_factor::active_id),
                       .kind = "totp",
                       .secret_sealed = sealer.seal(as_bytes(active_key), context),
                       .enabled = true,
                       .preferred = true,
                       // The current step is spent: only the next one's code is accepted.
                       .counter = mfa::totp_step(now)});
    factors.push_back({.pool_id = pool.id,
                       .user_id = user.id,
                       .id = std::string(auth::totp_factor::pending_id),
                       .kind = "totp",
                       .status = store::factor_status::pending,
                       .secret_sealed = sealer.seal(as_bytes(pending_key), context)});
  }

  auth::subject who() const {
    return {.pool = pool, .user = &user, .factors = factors, .username = user.id, .now = now};
  }
};

fixture& the_fixture() {
  static fixture f;
  return f;
}

bool accepted(const result<auth::proof>& p) { return p && p->correct; }

void must(bool holds, const char* what) {
  if (!holds) {
    std::fprintf(stderr, "totp_fuzz self-test: %s\n", what);
    std::abort();
  }
}

}  // namespace

// The harness checks itself once: the next step's code of each secret is accepted, the current
// (spent) step's code is refused.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  auto& f = the_fixture();
  const auto next = f.now + std::chrono::seconds(30);
  const auto sign_in = [&](std::string code) {
    return accepted(f.factor.check(f.who(), {}, {{"SOFTWARE_TOKEN_MFA_CODE", std::move(code)}}));
  };
  const auto enrol = [&](std::string code) {
    return accepted(f.factor.check_enrolment(f.who(), {{"UserCode", std::move(code)}}));
  };
  must(sign_in(mfa::totp_code(as_bytes(active_key), next)), "next step refused at sign-in");
  must(!sign_in(mfa::totp_code(as_bytes(active_key), f.now)), "spent step accepted at sign-in");
  must(enrol(mfa::totp_code(as_bytes(pending_key), next)), "next step refused at enrolment");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& f = the_fixture();
  const std::string code(reinterpret_cast<const char*>(data), size);
  (void)f.factor.check(f.who(), {}, {{"SOFTWARE_TOKEN_MFA_CODE", code}});
  (void)f.factor.check_enrolment(f.who(), {{"UserCode", code}});
  if (code.starts_with("otpauth://")) {
    (void)mfa::qr_svg(code);
  }
  return 0;
}

// libFuzzer target: the SRP values a client sends in USER_SRP_AUTH — SRP_A (InitiateAuth) and the
// PASSWORD_VERIFIER answer (USERNAME, PASSWORD_CLAIM_SECRET_BLOCK, TIMESTAMP,
// PASSWORD_CLAIM_SIGNATURE) — checked by auth::srp_factor::check() exactly as a sign-in does: A
// parsed as hex and reduced mod N, the session key derived, the secret block base64-decoded, the
// timestamp parsed, the signature compared. The server side is fixed to the protocol doc's
// test vector (srp-test-vector.json: pool, user, verifier, b, B, secret block, time), so the
// vector's own answer is a correct proof and the fuzzer starts from the accepting path.
//
// Input: the five values one per line, in the order above (missing lines are empty values).
#include "auth/srp_factor.h"
#include "crypto/srp.h"
#include "pool/email_address.h"
#include "pool/verifier_seal.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace cognate;

// /work/shared/protocol/srp-test-vector.json (also tests/unit/crypto).
constexpr std::string_view pool_id = "us-east-1_AbCdEf123";  // SRP pool name "AbCdEf123"
constexpr std::string_view user_id = "3c1b2a90-1111-2222-3333-444455556666";
constexpr std::string_view salt_hex = "2e3fce77cf8c4c7478a96d207c1c3971";
constexpr std::string_view v_hex =
    "be16d3aebeb1032561b929ccb467037e0b4627b51ab262a0aad002d25c5f550b78db8d1e0a12e7d3b3b2a1f6896fdf"
    "44914d2ef24deeb130a5afff00a2eab4515bbd3109c63f6a446fb185e66e07e8dcca36f708b9909bd8c4743b1ca1e9"
    "1349fa604547e4c71c3654264ad6aba07b9a73effa89b3405d4cb426f0bb87000ee15ad856049bf33c14d388449bf3"
    "cdd0ae9abb79a7b13a6f857238ef13b18ceaef536f835482510d7caefd749f11ba04a3a40221b23e493fe359847a34"
    "86cb10cd19afd9cbadac7af51af9dc779ed51b87b95e0a4b92972c68620968d25a5a7b2269aa54d2660a7594f98d98"
    "09acb3570ddab88d09c6172e1d7dad785fbce1009d9b13838d06c1f36d470709ee68aa35adc3bd7df7a6a7c8a8d925"
    "b94d90b0c0bafdb261e7a160cd973db428a9e0d850fcac89f74a52c40563c1677eb10021d9734cb9c369b10fe54995"
    "6eee5e70d451eeb680226b6b2103c4af199bb24fff0501827319ddaca12b5fde32d926cee17d686b44ded5def66db1"
    "47c89082fbe68cd1";
constexpr std::string_view b_hex =
    "3d7e851b031e23173b21f97b5d149d46b293d6d90182ed5eb615472c03103398cc40e1ae5f07f623e0c61fd0fa5911"
    "78cff1c90579587a9de7c7876fccabee66ea2622898bce0c10b8f21de6fa00d096627d67ca298c649bd41f7e168a9a"
    "3dc82af330afbfea68bd8ff96e16875282990cc630004bff1e7afa29913619aa6c51";
constexpr std::string_view secret_block =
    "0oz7S1SVjYnwN7XhNvUCtpNXljdbH2WuLblWAMZYAN4RNTO/UxrO53yuBww/s7g4JBlIfXAtIHb1GcoNKaprVA==";
constexpr std::int64_t vector_time = 1709629441;  // Tue Mar 5 09:04:01 UTC 2024

struct fixture {
  crypto::sealer sealer{crypto::master_key::from_bytes(bytes(crypto::master_key::size, 7))};
  auth::srp_factor factor{sealer, std::chrono::minutes(5)};
  pool::pool_entry pool{.id = std::string(pool_id)};
  store::user_record user;
  std::vector<store::factor_record> factors;
  auth::srp_state state;

  fixture() {
    user.pool_id = pool.id;
    user.id = std::string(user_id);
    user.email = "alice@example.com";
    user.email_key = pool::email_key(user.email);
    user.status = store::user_status::confirmed;
    user.srp_salt_hex = std::string(salt_hex);
    user.srp_verifier_sealed = pool::seal_verifier(sealer, user.id, std::string(v_hex));
    state.user_id = user.id;
    state.b_hex = std::string(b_hex);
    state.B_hex = crypto::srp_server_B(v_hex, b_hex);
    state.secret_block = std::string(secret_block);
  }
};

fixture& the_fixture() {
  static fixture f;
  return f;
}

// Splits `text` at '\n' into exactly `n` fields (the last keeps any further newlines).
std::vector<std::string> fields(std::string_view text, std::size_t n) {
  std::vector<std::string> out;
  while (out.size() + 1 < n) {
    const auto nl = text.find('\n');
    out.emplace_back(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  }
  out.emplace_back(text);
  return out;
}

bool check(std::string_view input) {
  auto& f = the_fixture();
  auto v = fields(input, 5);
  (void)crypto::srp_pad_hex(v[0]);
  auto state = f.state;
  state.A_hex = v[0];
  const auth::subject who{.pool = f.pool,
                          .user = &f.user,
                          .factors = f.factors,
                          .username = v[1],
                          .now = from_unix(vector_time)};
  const auth::string_map answer{{"USERNAME", v[1]},
                                {"PASSWORD_CLAIM_SECRET_BLOCK", v[2]},
                                {"TIMESTAMP", v[3]},
                                {"PASSWORD_CLAIM_SIGNATURE", v[4]}};
  auto proof = f.factor.check(who, state, answer);
  return proof && proof->correct;
}

}  // namespace

// The harness checks itself once: the vector's own answer must be a correct proof (else the
// fixture is wrong and the fuzzer would never reach the accepting path).
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const std::string vector_answer =
      "ba0c686bb13d7d2c6c946b43ac149117a2fb8297bb6143cf4ea36d0db4f458222f2c644e90d48f6448390f914989"
      "8"
      "9da68f83b97be8fbbd0d60edabedbea0f5bb8eb51423a38fbc89508ca17eb666b4c15c934045784ca12f9b34115f"
      "889cdd8c82c96482dc2bc1a2621dbd32db07f3ba11a65d18a606aaaa41b6bb4fc2f70302ecd826c41c0cfac6785b"
      "c"
      "a5c5aecab86bf52567b630eb833b366ce522e9be60be47d500e76fe1b22b08410587a746768f270c245df8b9f676"
      "6"
      "8db2e475be60364c91acc6a4332e878d27a621d679caa0e1872c92170aa39ae7a53d177961b602fa4b1c65284fc0"
      "b"
      "e7695800d4daeebe369379139cbfdd939940477c40196575901bd5ba81aee96227e1d140f72da3686bc776e73427"
      "0"
      "932384c95b55579357de9aa30358ca2b97a865a2449e80926af04baa1fd0e5891cd2339aac3c14d8a294fb9be51a"
      "6"
      "cc4f8b11a1368248163850ccdcff661bf0b9d76cb03433cab7b7b5807ff97a27ab60484319b7175a3610be0447ed"
      "a"
      "dfe8ca0e3ece1082f5119edec\n"
      "3c1b2a90-1111-2222-3333-444455556666\n" +
      std::string(secret_block) +
      "\n"
      "Tue Mar 5 09:04:01 UTC 2024\n"
      "Z/InAgh12i44IZWWW2igcM+kmDynqmkL7SxKT4wieVY=";
  if (!check(vector_answer)) {
    std::fprintf(stderr, "srp_fuzz: the test vector's proof was refused\n");
    std::abort();
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)check(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}

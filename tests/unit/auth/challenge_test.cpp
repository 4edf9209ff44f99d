// The challenge table and the typed state a Session keeps.
#include "auth/challenge.h"

#include <gtest/gtest.h>

namespace cognate::auth {
namespace {

TEST(Challenge, EachStepIsStoredUnderTheNameShippedVersionsUse) {
  // Sessions in flight survive an upgrade: these names are in databases already.
  EXPECT_EQ(info(step::password_verifier).stored_name, "PASSWORD_VERIFIER");
  EXPECT_EQ(info(step::software_token_mfa).stored_name, "SOFTWARE_TOKEN_MFA");
  EXPECT_EQ(info(step::mfa_setup).stored_name, "MFA_SETUP:associate");
  EXPECT_EQ(info(step::mfa_setup_verify).stored_name, "MFA_SETUP:verify");
  EXPECT_EQ(info(step::mfa_setup_done).stored_name, "MFA_SETUP:done");
  for (auto s : {step::password_verifier, step::software_token_mfa, step::mfa_setup,
                 step::mfa_setup_verify, step::mfa_setup_done}) {
    EXPECT_EQ(step_stored_as(info(s).stored_name), s);
  }
  EXPECT_FALSE(step_stored_as("NO_SUCH_STEP"));
}

TEST(Challenge, SaysWhoContinuesAStepAndWhetherThatSpendsIt) {
  using enum continuation;
  // A proof is evaluated once: presenting it spends the Session.
  EXPECT_TRUE(continues(step::password_verifier, respond));
  EXPECT_TRUE(spends(step::password_verifier, respond));
  EXPECT_FALSE(continues(step::password_verifier, associate));
  // A code may be retried on the same Session (Amplify does), up to five wrong ones.
  EXPECT_TRUE(continues(step::software_token_mfa, respond));
  EXPECT_FALSE(spends(step::software_token_mfa, respond));
  EXPECT_EQ(info(step::software_token_mfa).attempts, 5);
  // MFA_SETUP: Associate (again, before Verify), Verify, then RespondToAuthChallenge.
  EXPECT_TRUE(spends(step::mfa_setup, associate));
  EXPECT_TRUE(spends(step::mfa_setup_verify, associate));
  EXPECT_TRUE(continues(step::mfa_setup_verify, verify));
  EXPECT_FALSE(spends(step::mfa_setup_verify, verify));
  EXPECT_FALSE(continues(step::mfa_setup, verify));
  EXPECT_TRUE(spends(step::mfa_setup_done, respond));
  for (auto s : {step::mfa_setup, step::mfa_setup_verify, step::mfa_setup_done}) {
    EXPECT_EQ(info(s).wire_name, "MFA_SETUP");
  }
}

TEST(Challenge, SrpStateRoundTripsThroughItsText) {
  srp_state state{.user_id = "u-1",
                  .b_hex = "0b",
                  .B_hex = "0B",
                  .A_hex = "0a",
                  .secret_block = "YmxvY2s=",
                  .unknown_user = true,
                  .fake_verifier_hex = "ff"};
  auto back = decode_state(step::password_verifier, encode_state(state));
  ASSERT_TRUE(back);
  const auto& s = std::get<srp_state>(*back);
  EXPECT_EQ(s.user_id, "u-1");
  EXPECT_EQ(s.b_hex, "0b");
  EXPECT_EQ(s.B_hex, "0B");
  EXPECT_EQ(s.A_hex, "0a");
  EXPECT_EQ(s.secret_block, "YmxvY2s=");
  EXPECT_TRUE(s.unknown_user);
  EXPECT_EQ(s.fake_verifier_hex, "ff");
  // Steps without state read "{}"; a PASSWORD_VERIFIER without its SRP values is damage.
  EXPECT_TRUE(std::holds_alternative<std::monostate>(*decode_state(step::mfa_setup, "{}")));
  EXPECT_FALSE(decode_state(step::password_verifier, "{}"));
  EXPECT_FALSE(decode_state(step::password_verifier, "not json"));
}

}  // namespace
}  // namespace cognate::auth

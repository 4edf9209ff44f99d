#include "auth/challenge.h"

#include "common/json_text.h"

#include <boost/json.hpp>

#include <array>

namespace cognate::auth {
namespace {

using enum step;

constexpr auto respond = continuation::respond;
constexpr auto verify = continuation::verify;
constexpr std::nullopt_t none = std::nullopt;

// spent_by is {respond, associate, verify}.
constexpr std::array table = {
    challenge_info{password_verifier, "PASSWORD_VERIFIER", "PASSWORD_VERIFIER",
                   {true, false, false}, none, 0},
    challenge_info{software_token_mfa, "SOFTWARE_TOKEN_MFA", "SOFTWARE_TOKEN_MFA",
                   {false, false, false}, respond, 5},
    // AssociateSoftwareToken (TOTP) or RespondToAuthChallenge MFA_SETUP with EMAIL continues it.
    challenge_info{mfa_setup, "MFA_SETUP:associate", "MFA_SETUP", {true, true, false}, none, 0},
    // Associating again replaces the secret, and with it this step.
    challenge_info{mfa_setup_verify, "MFA_SETUP:verify", "MFA_SETUP", {false, true, false}, verify, 5},
    challenge_info{mfa_setup_done, "MFA_SETUP:done", "MFA_SETUP", {true, false, false}, none, 0},
    // A password the policy refuses (or a missing attribute) may be corrected on the same Session.
    challenge_info{new_password, "NEW_PASSWORD_REQUIRED", "NEW_PASSWORD_REQUIRED",
                   {false, false, false}, respond, 5},
    challenge_info{select_mfa_type, "SELECT_MFA_TYPE", "SELECT_MFA_TYPE", {true, false, false},
                   none, 0},
    // Amplify retries a wrong code on the same Session; five wrong ones end it.
    challenge_info{email_otp, "EMAIL_OTP", "EMAIL_OTP", {false, false, false}, respond, 5},
};

constexpr bool in_order() {
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (static_cast<std::size_t>(table[i].id) != i) {
      return false;
    }
  }
  return true;
}
static_assert(in_order(), "challenge_info rows must follow the order of enum class step");

}  // namespace

const challenge_info& info(step s) { return table.at(static_cast<std::size_t>(s)); }

std::optional<step> step_stored_as(std::string_view name) {
  for (const auto& row : table) {
    if (row.stored_name == name) {
      return row.id;
    }
  }
  return std::nullopt;
}

bool spends(step s, continuation c) { return info(s).spent_by.at(static_cast<std::size_t>(c)); }

bool continues(step s, continuation c) { return spends(s, c) || info(s).retried_by == c; }

std::string encode_state(const challenge_state& state) {
  if (const auto* srp = std::get_if<srp_state>(&state)) {
    boost::json::object o{{"u", srp->user_id},
                          {"b", srp->b_hex},
                          {"B", srp->B_hex},
                          {"A", srp->A_hex},
                          {"block", srp->secret_block},
                          {"fake", srp->unknown_user}};
    if (srp->unknown_user) {
      o["v"] = srp->fake_verifier_hex;
    }
    return boost::json::serialize(o);
  }
  if (const auto* email = std::get_if<email_otp_state>(&state)) {
    return boost::json::serialize(boost::json::object{{"h", email->code_hash},
                                                      {"n", email->nonce},
                                                      {"to", email->address},
                                                      {"enrol", email->enrolling}});
  }
  return "{}";
}

result<challenge_state> decode_state(step s, std::string_view text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) {
    return internal_failure("a Session's state is not a JSON object");
  }
  const auto& o = v.as_object();
  if (s == step::email_otp) {
    const auto* enrol = o.if_contains("enrol");
    email_otp_state out{.code_hash = json_text(o, "h"),
                        .nonce = json_text(o, "n"),
                        .address = json_text(o, "to"),
                        .enrolling = enrol && enrol->is_bool() && enrol->as_bool()};
    if (out.code_hash.empty() || out.nonce.empty()) {
      return internal_failure("an EMAIL_OTP Session lacks its code");
    }
    return challenge_state{std::move(out)};
  }
  if (s != step::password_verifier) {
    return challenge_state{};
  }
  const auto* fake = o.if_contains("fake");
  srp_state out{.user_id = json_text(o, "u"),
                .b_hex = json_text(o, "b"),
                .B_hex = json_text(o, "B"),
                .A_hex = json_text(o, "A"),
                .secret_block = json_text(o, "block"),
                .unknown_user = fake && fake->is_bool() && fake->as_bool(),
                .fake_verifier_hex = json_text(o, "v")};
  if (out.b_hex.empty() || out.B_hex.empty() || out.A_hex.empty()) {
    return internal_failure("a PASSWORD_VERIFIER Session lacks its SRP state");
  }
  return challenge_state{std::move(out)};
}

}  // namespace cognate::auth

#include "pool/sign_in.h"

#include "common/reasons.h"
#include "common/random.h"
#include "crypto/hmac.h"
#include "crypto/srp.h"
#include "mfa/totp.h"
#include "pool/email_address.h"
#include "pool/srp_timestamp.h"
#include "pool/verifier_seal.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace cognate::pool {
namespace {

constexpr std::string_view step_password_verifier = "PASSWORD_VERIFIER";
constexpr std::string_view step_software_token_mfa = "SOFTWARE_TOKEN_MFA";
constexpr std::string_view step_mfa_setup_associate = "MFA_SETUP:associate";
constexpr std::string_view step_mfa_setup_verify = "MFA_SETUP:verify";
constexpr std::string_view step_mfa_setup_done = "MFA_SETUP:done";

failure wrong_password() {
  return fail(reason::incorrect_credentials);
}
failure invalid_session() { return fail(reason::invalid_session); }
failure expired_session() {
  return fail(reason::expired_session);
}
failure wrong_mfa_code() {
  return fail(reason::mfa_code_mismatch);
}

std::string sha256_hex(std::string_view text) {
  return hex_encode(crypto::sha256(as_bytes(text)));
}

// Random handles for Sessions and refresh tokens: URL-safe, never starting with '-' (the AWS
// CLI would read "--session -x…" as an option).
std::string new_handle(std::string_view prefix) {
  return std::string(prefix) + base64url_encode(random_bytes(32));
}

std::string uuid_from(std::span<const unsigned char> b) {
  std::string hex = hex_encode(b.first(16));
  return fmt::format("{}-{}-4{}-a{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(13, 3),
                     hex.substr(17, 3), hex.substr(20, 12));
}

std::string text_of(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

constexpr std::string_view totp_id = "totp";
constexpr std::string_view totp_pending_id = "totp:pending";

// The user's TOTP factor rows: the verified secret and one associated but not yet verified.
struct totp_rows {
  std::optional<store::factor_record> active;
  std::optional<store::factor_record> pending;
  bool enabled() const { return active && active->enabled; }
};

result<totp_rows> load_totp(store::transaction& tx, const std::string& pool_id,
                            const std::string& user_id) {
  totp_rows out;
  ASSIGN_OR_RETURN(out.active, tx.factors().find(pool_id, user_id, std::string(totp_id)));
  ASSIGN_OR_RETURN(out.pending, tx.factors().find(pool_id, user_id, std::string(totp_pending_id)));
  return out;
}

std::string param(const string_map& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? std::string() : it->second;
}

}  // namespace

struct sign_in::session_row {
  store::auth_session_record record;
  boost::json::object state;
};

sign_in::sign_in(store::store& store, const crypto::sealer& sealer, const clock& clock,
                 const live_settings& settings, const pool_options& pool, sign_in_options options,
                 signing_keys& keys)
    : store_(store),
      sealer_(sealer),
      clock_(clock),
      settings_(settings),
      pool_(pool),
      options_(std::move(options)),
      keys_(keys),
      fake_key_(sealer.key().derive("fake-srp-user")) {}

bool sign_in::totp_allowed() const {
  auto s = settings_.get();
  return s->mfa != mfa_mode::off && s->totp_enabled;
}

failure sign_in::totp_not_enabled() const {
  return fail(reason::totp_not_enabled_by_pool);
}

// ---- sessions -------------------------------------------------------------------------------

sign_in::pending_session sign_in::make_session(const std::string& user_id,
                                               const std::string& client_id,
                                               const std::string& step,
                                               const std::string& state) const {
  const auto now = clock_.now();
  std::string handle = new_handle("cg");
  std::string hash = sha256_hex(handle);
  return {handle,
          {pool_.pool_id, hash, user_id, client_id, step,
           sealer_.seal(as_bytes(state), "session:" + hash), 0, now + options_.session_lifetime,
           now}};
}

result<std::string> sign_in::new_session(const std::string& user_id, const std::string& client_id,
                                         const std::string& step, const std::string& state) {
  auto pending = make_session(user_id, client_id, step, state);
  if (auto ok = store_.transact([&](store::transaction& tx) {
        return tx.sessions().insert(pending.record);
      });
      !ok) {
    return ok.error();
  }
  return std::move(pending.handle);
}

result<sign_in::session_row> sign_in::take_session(
    const std::string& client_id, const std::string& session,
    std::initializer_list<std::string_view> steps) {
  const auto hash = sha256_hex(session);
  const auto now = clock_.now();
  // Code steps keep their Session for retries: reading it is enough (an expired one is left to
  // the sweeper). Other steps consume it, in a write transaction.
  const bool consumes = !(steps.size() == 1 && (*steps.begin() == step_software_token_mfa ||
                                                *steps.begin() == step_mfa_setup_verify));
  auto load = [&](store::transaction& tx) -> result<session_row> {
    auto found = tx.sessions().find(hash);
    if (!found) {
      return found.error();
    }
    if (!*found) {
      return invalid_session();
    }
    auto record = std::move(**found);
    if (now >= record.expires_at) {
      // Delete it (committed: the transaction returns a value) and report the expiry below.
      if (consumes) {
        RETURN_IF_ERROR(tx.sessions().remove(hash));
      }
      return session_row{std::move(record), {}};
    }
    const bool expected = std::find(steps.begin(), steps.end(), record.step) != steps.end();
    if ((!client_id.empty() && record.client_id != client_id) || !expected ||
        record.failed_attempts >= options_.max_mfa_attempts) {
      return invalid_session();
    }
    if (record.step != step_software_token_mfa &&
        !(record.step == step_mfa_setup_verify && steps.size() == 1)) {
      // Steps without a code to retry are single use (Associate again replaces a verify step).
      RETURN_IF_ERROR(tx.sessions().remove(hash));
    }
    auto plain = sealer_.open(record.state_sealed, "session:" + hash);
    if (!plain) {
      return plain.error();
    }
    boost::system::error_code ec;
    auto state = boost::json::parse(
        std::string_view(reinterpret_cast<const char*>(plain->data()), plain->size()), ec);
    if (ec || !state.is_object()) {
      return internal_failure("session state is not a JSON object");
    }
    return session_row{std::move(record), std::move(state.as_object())};
  };
  auto row = consumes ? store::in_transaction(store_, load) : store::in_read(store_, load);
  if (row && now >= row->record.expires_at) {
    return expired_session();
  }
  return row;
}

result<void> sign_in::count_wrong_code(const session_row& s) {
  return store_.transact([&](store::transaction& tx) {
    return tx.sessions().set_attempts(s.record.handle_hash,
                                      s.record.failed_attempts + 1);
  });
}

// ---- users ----------------------------------------------------------------------------------

result<store::user_record> sign_in::load_user(const std::string& user_id) {
  auto user = store::in_read(store_, [&](store::transaction& tx) {
    return tx.users().find_by_id(pool_.pool_id, user_id);
  });
  if (!user) {
    return user.error();
  }
  if (!*user) {
    return fail(reason::user_does_not_exist);
  }
  return std::move(**user);
}

result<sign_in::reserved> sign_in::reserve_attempt(const std::string& user_id) {
  const auto now = clock_.now();
  return store::in_transaction(store_, [&](store::transaction& tx) -> result<reserved> {
    auto found = tx.users().find_by_id(pool_.pool_id, user_id);
    if (!found) {
      return found.error();
    }
    if (!*found) {
      return wrong_password();
    }
    auto user = std::move(**found);
    if (user.failed_sign_ins >= options_.lockout_threshold && now < user.locked_until) {
      return fail(reason::password_attempts_exceeded);
    }
    ++user.failed_sign_ins;
    if (user.failed_sign_ins >= options_.lockout_threshold) {
      const int doublings = std::min(user.failed_sign_ins - options_.lockout_threshold, 20);
      const auto lock = std::min<std::chrono::seconds>(
          options_.max_lockout, options_.first_lockout * (1LL << doublings));
      user.locked_until = now + lock;
      auto audited = tx.audit().append({pool_.pool_id, user.id, "lockout",
                               fmt::format(R"({{"seconds":{}}})", lock.count()), now});
      if (!audited) {
        return audited.error();
      }
    }
    RETURN_IF_ERROR(tx.users().update(user));
    ASSIGN_OR_RETURN(auto totp, load_totp(tx, pool_.pool_id, user.id));
    return reserved{std::move(user), totp.enabled()};
  });
}

result<sign_in::prepared_step> sign_in::prepare_next_step(const std::string& client_id,
                                                          const store::user_record& user,
                                                          bool has_totp) {
  const auto settings = settings_.get();
  if (settings->mfa == mfa_mode::off || (!has_totp && settings->mfa != mfa_mode::required)) {
    auto tokens = mint_sign_in(client_id, user);
    if (!tokens) {
      return tokens.error();
    }
    return prepared_step{std::move(*tokens), std::nullopt};
  }
  return prepared_step{std::nullopt,
                       make_session(user.id, client_id,
                                    std::string(has_totp ? step_software_token_mfa
                                                         : step_mfa_setup_associate),
                                    "{}")};
}

result<void> sign_in::store_next_step(store::transaction& tx, const prepared_step& step) {
  return step.tokens ? store_sign_in(tx, *step.tokens) : tx.sessions().insert(step.challenge->record);
}

auth_step sign_in::answer(prepared_step&& step) {
  if (step.tokens) {
    return auth_step{"", "", {}, std::move(step.tokens->tokens)};
  }
  if (step.challenge->record.step == step_mfa_setup_associate) {
    return auth_step{"MFA_SETUP", std::move(step.challenge->handle),
                     {{"MFAS_CAN_SETUP", R"(["SOFTWARE_TOKEN_MFA"])"}}, std::nullopt};
  }
  return auth_step{std::string(step_software_token_mfa), std::move(step.challenge->handle), {},
                   std::nullopt};
}

result<auth_step> sign_in::finish_password(const std::string& client_id, bool correct,
                                           const reserved& attempt) {
  const auto& user = attempt.user;
  if (!correct) {
    return wrong_password();
  }
  // The next step is prepared from the record reserve_attempt read — tokens minted (RSA) or a
  // challenge Session made — before the transaction, so the store is not held for the crypto.
  // One transaction then resets the failure count and stores that step.
  std::optional<prepared_step> next;
  if (user.status == store::user_status::confirmed && user.enabled) {
    auto prepared = prepare_next_step(client_id, user, attempt.has_totp);
    if (!prepared) {
      return prepared.error();
    }
    next = std::move(*prepared);
  }
  // What the transaction found; derived afresh on every run (PostgreSQL may run it twice).
  struct settled {
    reserved fresh;
    bool stored = false;  // the prepared step was stored
  };
  auto reset = store::in_transaction(store_, [&](store::transaction& tx) -> result<settled> {
    auto found = tx.users().find_by_id(pool_.pool_id, user.id);
    if (!found) {
      return found.error();
    }
    if (!*found) {
      return wrong_password();
    }
    auto fresh = std::move(**found);
    fresh.failed_sign_ins = 0;
    fresh.locked_until = time_point{};
    RETURN_IF_ERROR(tx.users().update(fresh));
    ASSIGN_OR_RETURN(auto totp, load_totp(tx, pool_.pool_id, fresh.id));
    // Store the prepared step only if the account did not change meanwhile.
    const bool unchanged = fresh.status == user.status && fresh.enabled == user.enabled &&
                           totp.enabled() == attempt.has_totp;
    if (next && unchanged) {
      RETURN_IF_ERROR(store_next_step(tx, *next));
    }
    return settled{reserved{std::move(fresh), totp.enabled()}, next && unchanged};
  });
  if (!reset) {
    return reset.error();
  }
  const auto& fresh = reset->fresh.user;
  if (fresh.status != store::user_status::confirmed) {
    return fail(reason::user_not_confirmed);
  }
  if (!fresh.enabled) {
    return fail(reason::user_disabled);
  }
  if (!reset->stored) {  // the account changed meanwhile: prepare from the fresh record
    auto prepared = prepare_next_step(client_id, fresh, reset->fresh.has_totp);
    if (!prepared) {
      return prepared.error();
    }
    next = std::move(*prepared);
    if (auto ok = store_.transact([&](store::transaction& tx) { return store_next_step(tx, *next); });
        !ok) {
      return ok.error();
    }
  }
  return answer(std::move(*next));
}

// ---- tokens ---------------------------------------------------------------------------------

result<token_set> sign_in::mint(const store::user_record& user, const std::string& client_id,
                                const std::string& origin_jti, time_point auth_time) {
  const auto now = clock_.now();
  const auto iat = to_unix(now);
  const auto exp = to_unix(now + options_.token_lifetime);
  const std::string event_id = random_uuid();
  auto attributes = attributes_from_json(user.attributes_json);

  boost::json::object access{{"sub", user.id},
                             {"iss", options_.issuer},
                             {"client_id", client_id},
                             {"origin_jti", origin_jti},
                             {"event_id", event_id},
                             {"token_use", "access"},
                             {"scope", "aws.cognito.signin.user.admin"},
                             {"auth_time", to_unix(auth_time)},
                             {"exp", exp},
                             {"iat", iat},
                             {"jti", random_uuid()},
                             {"username", user.id}};
  boost::json::object id{{"sub", user.id}};
  for (const auto& [name, value] : attributes) {
    if (name == "email_verified" || name == "phone_number_verified") {
      id[name] = value == "true";
    } else if (name != "sub") {
      id[name] = value;
    }
  }
  id["iss"] = options_.issuer;
  id["cognito:username"] = user.id;
  id["origin_jti"] = origin_jti;
  id["aud"] = client_id;
  id["event_id"] = event_id;
  id["token_use"] = "id";
  id["auth_time"] = to_unix(auth_time);
  id["exp"] = exp;
  id["iat"] = iat;
  id["jti"] = random_uuid();
  return token_set{keys_.sign(access), keys_.sign(id), "",
                   static_cast<int>(options_.token_lifetime.count())};
}

result<sign_in::minted> sign_in::mint_sign_in(const std::string& client_id,
                                              const store::user_record& user) {
  const auto now = clock_.now();
  const std::string origin_jti = random_uuid();
  auto tokens = mint(user, client_id, origin_jti, now);
  if (!tokens) {
    return tokens.error();
  }
  tokens->refresh_token = new_handle("cr");
  store::refresh_token_record row{sha256_hex(tokens->refresh_token),
                                  pool_.pool_id,
                                  user.id,
                                  client_id,
                                  origin_jti,
                                  now,
                                  now + options_.refresh_lifetime,
                                  false,
                                  now};
  return minted{std::move(*tokens), std::move(row)};
}

result<void> sign_in::store_sign_in(store::transaction& tx, const minted& m) {
  RETURN_IF_ERROR(tx.tokens().insert(m.refresh));
  return tx.audit().append({pool_.pool_id, m.refresh.user_id, "sign_in", "{}", m.refresh.created_at});
}

result<auth_step> sign_in::issue_tokens(const std::string& client_id,
                                        const store::user_record& user) {
  auto m = mint_sign_in(client_id, user);
  if (!m) {
    return m.error();
  }
  if (auto ok = store_.transact([&](store::transaction& tx) { return store_sign_in(tx, *m); });
      !ok) {
    return ok.error();
  }
  return auth_step{"", "", {}, std::move(m->tokens)};
}

// The user an access token belongs to, with their TOTP factor rows.
struct sign_in::signed_in {
  store::user_record user;
  totp_rows totp;
};

result<sign_in::signed_in> sign_in::user_from_access_token(const std::string& access_token) {
  auto invalid = [] { return fail(reason::invalid_access_token); };
  auto jwt = keys_.verify(access_token);
  if (!jwt) {
    return invalid();
  }
  const auto& claims = jwt->payload;
  const auto* exp = claims.if_contains("exp");
  if (text_of(claims, "token_use") != "access" || text_of(claims, "iss") != options_.issuer ||
      exp == nullptr || !exp->is_int64()) {
    return invalid();
  }
  if (to_unix(clock_.now()) >= exp->as_int64()) {
    return fail(reason::access_token_expired);
  }
  const auto origin_jti = text_of(claims, "origin_jti");
  auto checked = store::in_read(store_, [&](store::transaction& tx) -> result<signed_in> {
    auto revoked = tx.tokens().family_revoked(pool_.pool_id, origin_jti);
    if (!revoked) {
      return revoked.error();
    }
    if (*revoked) {
      return fail(reason::access_token_revoked);
    }
    auto user = tx.users().find_by_id(pool_.pool_id, text_of(claims, "sub"));
    if (!user) {
      return user.error();
    }
    if (!*user) {
      return fail(reason::user_does_not_exist);
    }
    if (!(*user)->enabled) {
      return fail(reason::user_disabled);
    }
    ASSIGN_OR_RETURN(auto totp, load_totp(tx, pool_.pool_id, (*user)->id));
    return signed_in{std::move(**user), std::move(totp)};
  });
  return checked;
}

// ---- first factor ---------------------------------------------------------------------------

result<auth_step> sign_in::initiate_auth(const std::string& client_id, const std::string& flow,
                                         const string_map& parameters) {
  RETURN_IF_ERROR(pool_.check_client(client_id));
  if (flow == "USER_SRP_AUTH") {
    return start_srp(client_id, parameters);
  }
  if (flow == "USER_PASSWORD_AUTH") {
    if (!pool_.allow_user_password_auth) {
      return fail(reason::flow_not_enabled, "USER_PASSWORD_AUTH");
    }
    return password_auth(client_id, parameters);
  }
  if (flow == "REFRESH_TOKEN_AUTH" || flow == "REFRESH_TOKEN") {
    return refresh_auth(client_id, parameters);
  }
  if (flow == "ADMIN_NO_SRP_AUTH" || flow == "ADMIN_USER_PASSWORD_AUTH") {
    return fail(reason::admin_flow_only, flow);
  }
  return fail(reason::flow_not_enabled, flow);
}

result<auth_step> sign_in::start_srp(const std::string& client_id, const string_map& parameters) {
  const auto username = param(parameters, "USERNAME");
  const auto a_hex = param(parameters, "SRP_A");
  if (username.empty() || a_hex.empty()) {
    return fail(reason::missing_auth_parameter, "USERNAME or SRP_A");
  }
  if (a_hex.size() > 2048 || !std::all_of(a_hex.begin(), a_hex.end(),
                                              [](unsigned char c) { return std::isxdigit(c) != 0; })) {
    return fail(reason::srp_a_not_hex);
  }
  auto found = store::in_read(store_, [&](store::transaction& tx) {
    return find_user_by_name(tx, pool_.pool_id, username);
  });
  if (!found) {
    return found.error();
  }
  std::string user_id, salt_hex, verifier_hex;
  bool fake = !*found;
  if (fake) {
    // Unknown user: a challenge that looks the same every time for this name, then a proof that
    // always fails (PreventUserExistenceErrors).
    auto key = email_key(username);
    user_id = uuid_from(crypto::hmac_sha256(fake_key_, as_bytes("id:" + key)));
    auto salt = crypto::hmac_sha256(fake_key_, as_bytes("salt:" + key));
    salt_hex = crypto::srp_minimal_hex(std::span(salt).first(16));
    verifier_hex = crypto::srp_verifier_hex(
        pool_.pool_id, user_id, hex_encode(crypto::hmac_sha256(fake_key_, as_bytes(key))), salt_hex);
  } else {
    const auto& user = **found;
    user_id = user.id;
    salt_hex = user.srp_salt_hex;
    auto v = open_verifier(sealer_, user);
    if (!v) {
      return v.error();
    }
    verifier_hex = std::move(*v);
  }
  auto ephemeral = crypto::srp_server_start(verifier_hex);
  const std::string block = base64_encode(random_bytes(64));
  boost::json::object state{{"b", ephemeral.b_hex},
                            {"B", ephemeral.B_hex},
                            {"A", a_hex},
                            {"block", block},
                            {"fake", fake}};
  if (fake) {
    state["v"] = verifier_hex;
  }
  auto session = new_session(user_id, client_id, std::string(step_password_verifier),
                             boost::json::serialize(state));
  if (!session) {
    return session.error();
  }
  return auth_step{std::string(step_password_verifier),
                   *session,
                   {{"SALT", salt_hex},
                    {"SRP_B", ephemeral.B_hex},
                    {"SECRET_BLOCK", block},
                    {"USER_ID_FOR_SRP", user_id},
                    {"USERNAME", user_id}},
                   std::nullopt};
}

result<auth_step> sign_in::password_verifier(const std::string& client_id, const session_row& s,
                                             const string_map& responses) {
  const auto& state = s.state;
  const bool fake = state.if_contains("fake") && state.at("fake").is_bool() &&
                    state.at("fake").as_bool();
  const auto block_text = param(responses, "PASSWORD_CLAIM_SECRET_BLOCK");
  const auto signature = param(responses, "PASSWORD_CLAIM_SIGNATURE");
  const auto timestamp_text = param(responses, "TIMESTAMP");
  const auto username = param(responses, "USERNAME");

  std::string verifier_hex = text_of(state, "v");
  reserved attempt;
  const auto& user = attempt.user;
  if (!fake) {
    ASSIGN_OR_RETURN(attempt, reserve_attempt(s.record.user_id));
    auto v = open_verifier(sealer_, user);
    if (!v) {
      return v.error();
    }
    verifier_hex = std::move(*v);
  }
  const bool same_user = username == s.record.user_id ||
                         (!fake && email_key(username) == user.email_key);
  const auto expected_block = text_of(state, "block");
  const bool same_block = crypto::constant_time_equal(as_bytes(block_text), as_bytes(expected_block));
  auto timestamp = parse_srp_timestamp(timestamp_text);
  const auto now = clock_.now();
  const bool fresh = timestamp && *timestamp <= now + options_.timestamp_skew &&
                     now - options_.timestamp_skew <= *timestamp;
  bool correct = false;
  auto block_bytes = base64_decode(block_text);
  auto key = crypto::srp_session_key(text_of(state, "A"), text_of(state, "B"), text_of(state, "b"),
                                     verifier_hex);
  if (!key.empty() && block_bytes) {
    auto expected = crypto::srp_claim_signature(key, pool_.pool_name(), s.record.user_id, *block_bytes,
                                                timestamp_text);
    correct = crypto::constant_time_equal(as_bytes(expected), as_bytes(signature));
  }
  if (fake) {
    return wrong_password();
  }
  return finish_password(client_id, correct && same_user && same_block && fresh, attempt);
}

result<auth_step> sign_in::password_auth(const std::string& client_id,
                                         const string_map& parameters) {
  const auto username = param(parameters, "USERNAME");
  const auto password = param(parameters, "PASSWORD");
  if (username.empty() || password.empty()) {
    return fail(reason::missing_auth_parameter, "USERNAME or PASSWORD");
  }
  auto found = store::in_read(store_, [&](store::transaction& tx) {
    return find_user_by_name(tx, pool_.pool_id, username);
  });
  if (!found) {
    return found.error();
  }
  if (!*found) {
    // Same work as a real check, so timing does not tell unknown users apart.
    (void)crypto::srp_verifier_hex(pool_.pool_id, "unknown", password, "1");
    return wrong_password();
  }
  ASSIGN_OR_RETURN(auto attempt, reserve_attempt((*found)->id));
  const auto& user = attempt.user;
  auto v = open_verifier(sealer_, user);
  if (!v) {
    return v.error();
  }
  auto offered = crypto::srp_verifier_hex(pool_.pool_name(), user.id, password, user.srp_salt_hex);
  const bool correct = crypto::constant_time_equal(as_bytes(offered), as_bytes(*v));
  return finish_password(client_id, correct, attempt);
}

result<auth_step> sign_in::refresh_auth(const std::string& client_id,
                                        const string_map& parameters) {
  auto tokens = refresh(client_id, param(parameters, "REFRESH_TOKEN"));
  if (!tokens) {
    return tokens.error();
  }
  return auth_step{"", "", {}, std::move(*tokens)};
}

// ---- challenges -----------------------------------------------------------------------------

result<auth_step> sign_in::respond_to_auth_challenge(const std::string& client_id,
                                                     const std::string& challenge_name,
                                                     const std::string& session,
                                                     const string_map& responses) {
  RETURN_IF_ERROR(pool_.check_client(client_id));
  if (session.empty()) {
    return invalid_session();
  }
  if (challenge_name == step_password_verifier) {
    auto s = take_session(client_id, session, {step_password_verifier});
    if (!s) {
      return s.error();
    }
    return password_verifier(client_id, *s, responses);
  }
  if (challenge_name == step_software_token_mfa) {
    auto s = take_session(client_id, session, {step_software_token_mfa});
    if (!s) {
      return s.error();
    }
    return software_token_mfa(client_id, *s, responses);
  }
  if (challenge_name == "MFA_SETUP") {
    auto s = take_session(client_id, session, {step_mfa_setup_done});
    if (!s) {
      return s.error();
    }
    return mfa_setup(client_id, *s);
  }
  return fail(reason::unsupported_challenge, challenge_name.substr(0, 64));
}

result<std::optional<store::user_record>> sign_in::accept_totp(const std::string& user_id,
                                                              const std::string& code,
                                                              bool from_pending,
                                                              const std::string& end_session,
                                                              const minted* tokens) {
  const auto now = clock_.now();
  using accepted = std::optional<store::user_record>;
  return store::in_transaction(store_, [&](store::transaction& tx) -> result<accepted> {
    auto found = tx.users().find_by_id(pool_.pool_id, user_id);
    if (!found) {
      return found.error();
    }
    if (!*found) {
      return std::nullopt;
    }
    auto user = std::move(**found);
    ASSIGN_OR_RETURN(auto totp, load_totp(tx, pool_.pool_id, user.id));
    auto& checked = from_pending ? totp.pending : totp.active;
    if (!checked) {
      return std::nullopt;
    }
    auto secret = sealer_.open(checked->secret_sealed, fmt::format("user:{}:totp", user.id));
    if (!secret) {
      return secret.error();
    }
    auto step = mfa::match_totp(*secret, code, now);
    // Compare-and-set inside the transaction: a code is accepted once, and never one older than
    // the last accepted.
    const auto last_step = std::max(checked->counter, totp.active ? totp.active->counter : 0);
    if (!step || *step <= last_step) {
      return std::nullopt;
    }
    auto accepted_factor = std::move(*checked);
    accepted_factor.counter = *step;
    accepted_factor.updated_at = now;
    if (from_pending) {
      RETURN_IF_ERROR(tx.factors().remove(pool_.pool_id, user.id, std::string(totp_pending_id)));
      accepted_factor.id = totp_id;
      accepted_factor.status = store::factor_status::active;
      accepted_factor.enabled = true;
      accepted_factor.preferred = true;
    }
    RETURN_IF_ERROR(tx.factors().put(accepted_factor));
    if (from_pending) {
      if (auto ok = tx.audit().append({pool_.pool_id, user.id, "totp_enabled", "{}", now}); !ok) {
        return ok.error();
      }
    }
    if (!end_session.empty()) {
      RETURN_IF_ERROR(tx.sessions().remove(end_session));
    }
    if (tokens) {
      RETURN_IF_ERROR(store_sign_in(tx, *tokens));
    }
    return accepted(std::move(user));
  });
}

result<auth_step> sign_in::software_token_mfa(const std::string& client_id, const session_row& s,
                                              const string_map& responses) {
  // The tokens are minted before the code is checked, so that one transaction spends the code,
  // ends the Session and stores the refresh token. A wrong code wastes the two signatures; that
  // happens at most max_mfa_attempts times per Session, each behind a correct password.
  auto user = load_user(s.record.user_id);
  if (!user) {
    return user.error();
  }
  auto tokens = mint_sign_in(client_id, *user);
  if (!tokens) {
    return tokens.error();
  }
  auto accepted = accept_totp(s.record.user_id, param(responses, "SOFTWARE_TOKEN_MFA_CODE"), false,
                              s.record.handle_hash, &*tokens);
  if (!accepted) {
    return accepted.error();
  }
  if (!*accepted) {
    RETURN_IF_ERROR(count_wrong_code(s));
    return wrong_mfa_code();
  }
  return auth_step{"", "", {}, std::move(tokens->tokens)};
}

result<auth_step> sign_in::mfa_setup(const std::string& client_id, const session_row& s) {
  auto user = load_user(s.record.user_id);
  if (!user) {
    return user.error();
  }
  return issue_tokens(client_id, *user);
}

// ---- TOTP enrolment -------------------------------------------------------------------------

result<associate_result> sign_in::associate_software_token(const token_or_session& who) {
  if (!totp_allowed()) {
    return totp_not_enabled();
  }
  std::string user_id;
  std::string client_id;
  if (who.access_token) {
    auto user = user_from_access_token(*who.access_token);
    if (!user) {
      return user.error();
    }
    user_id = user->user.id;
  } else {
    // The setup chain: MFA_SETUP → Associate (may be repeated before Verify) → Verify.
    auto s = take_session("", *who.session, {step_mfa_setup_associate, step_mfa_setup_verify});
    if (!s) {
      return s.error();
    }
    user_id = s->record.user_id;
    client_id = s->record.client_id;
  }
  const auto secret = mfa::new_totp_secret();
  auto stored = store_.transact([&](store::transaction& tx) -> result<void> {
    auto found = tx.users().find_by_id(pool_.pool_id, user_id);
    if (!found) {
      return found.error();
    }
    if (!*found) {
      return invalid_session();
    }
    const auto now = clock_.now();
    return tx.factors().put(store::factor_record{
        .pool_id = pool_.pool_id,
        .user_id = user_id,
        .id = std::string(totp_pending_id),
        .kind = "totp",
        .status = store::factor_status::pending,
        .secret_sealed = sealer_.seal(secret, fmt::format("user:{}:totp", user_id)),
        .created_at = now,
        .updated_at = now,
    });
  });
  if (!stored) {
    return stored.error();
  }
  associate_result out{base32_encode(secret), ""};
  if (who.session) {
    auto next = new_session(user_id, client_id, std::string(step_mfa_setup_verify), "{}");
    if (!next) {
      return next.error();
    }
    out.session = *next;
  }
  return out;
}

result<verify_result> sign_in::verify_software_token(const token_or_session& who,
                                                     const std::string& user_code) {
  if (!totp_allowed()) {
    return totp_not_enabled();
  }
  auto mismatch = [] {
    return fail(reason::totp_setup_mismatch);
  };
  if (who.access_token) {
    auto user = user_from_access_token(*who.access_token);
    if (!user) {
      return user.error();
    }
    if (!user->totp.pending) {
      return fail(reason::totp_not_associated);
    }
    auto accepted = accept_totp(user->user.id, user_code, true);
    if (!accepted) {
      return accepted.error();
    }
    if (!*accepted) {
      return mismatch();
    }
    return verify_result{};
  }
  auto s = take_session("", *who.session, {step_mfa_setup_verify});
  if (!s) {
    return s.error();
  }
  auto accepted = accept_totp(s->record.user_id, user_code, true);
  if (!accepted) {
    return accepted.error();
  }
  if (!*accepted) {
    RETURN_IF_ERROR(count_wrong_code(*s));
    return mismatch();
  }
  (void)store_.transact([&](store::transaction& tx) {
    return tx.sessions().remove(s->record.handle_hash);
  });
  auto next = new_session(s->record.user_id, s->record.client_id,
                          std::string(step_mfa_setup_done), "{}");
  if (!next) {
    return next.error();
  }
  return verify_result{*next};
}

result<void> sign_in::set_user_mfa_preference(const std::string& access_token,
                                              const std::optional<mfa_preference>& totp,
                                              const std::optional<mfa_preference>& sms,
                                              const std::optional<mfa_preference>& email) {
  auto user = user_from_access_token(access_token);
  if (!user) {
    return user.error();
  }
  auto wants = [](const std::optional<mfa_preference>& p) {
    return p && (p->enabled.value_or(false) || p->preferred.value_or(false));
  };
  if (wants(sms)) {
    return fail(reason::sms_mfa_unsupported);
  }
  if (wants(email)) {
    return fail(reason::email_mfa_unsupported);
  }
  if (!totp) {
    return {};
  }
  if (wants(totp) && !totp_allowed()) {
    return totp_not_enabled();
  }
  if (wants(totp) && !user->totp.active) {
    return fail(reason::totp_not_set_up);
  }
  const auto& user_id = user->user.id;
  return store_.transact([&](store::transaction& tx) -> result<void> {
    ASSIGN_OR_RETURN(auto found, tx.factors().find(pool_.pool_id, user_id, std::string(totp_id)));
    if (!found) {
      // Nothing to change (TOTP was never set up, or removed meanwhile).
      return tx.audit().append({pool_.pool_id, user_id, "set_mfa_preference", "{}", clock_.now()});
    }
    auto fresh = std::move(*found);
    if (totp->enabled) {
      fresh.enabled = *totp->enabled;
    }
    if (totp->preferred) {
      fresh.preferred = *totp->preferred;
      if (*totp->preferred) {
        fresh.enabled = true;
      }
    }
    if (!fresh.enabled) {
      fresh.preferred = false;
    }
    fresh.updated_at = clock_.now();
    RETURN_IF_ERROR(tx.factors().put(fresh));
    return tx.audit().append({pool_.pool_id, user_id, "set_mfa_preference", "{}", clock_.now()});
  });
}

// ---- signed-in operations -------------------------------------------------------------------

result<user_profile> sign_in::get_user(const std::string& access_token) {
  ASSIGN_OR_RETURN(auto caller, user_from_access_token(access_token));
  const auto& user = caller.user;
  user_profile out;
  out.username = user.id;
  out.attributes = attributes_from_json(user.attributes_json);
  out.attributes["sub"] = user.id;
  if (caller.totp.enabled()) {
    out.mfa_settings.push_back("SOFTWARE_TOKEN_MFA");
    if (caller.totp.active->preferred) {
      out.preferred_mfa = "SOFTWARE_TOKEN_MFA";
    }
  }
  return out;
}

result<void> sign_in::global_sign_out(const std::string& access_token) {
  ASSIGN_OR_RETURN(auto caller, user_from_access_token(access_token));
  const auto& user_id = caller.user.id;
  return store_.transact([&](store::transaction& tx) -> result<void> {
    RETURN_IF_ERROR(tx.tokens().revoke_user(pool_.pool_id, user_id));
    return tx.audit().append({pool_.pool_id, user_id, "global_sign_out", "{}", clock_.now()});
  });
}

result<void> sign_in::revoke_token(const std::string& client_id, const std::string& token) {
  RETURN_IF_ERROR(pool_.check_client(client_id));
  if (std::count(token.begin(), token.end(), '.') == 2) {
    return fail(reason::token_type_unsupported);
  }
  return store_.transact([&](store::transaction& tx) -> result<void> {
    auto found = tx.tokens().find(pool_.pool_id, sha256_hex(token));
    if (!found) {
      return found.error();
    }
    if (!*found) {
      return {};  // unknown or already gone: nothing to revoke
    }
    if ((*found)->client_id != client_id) {
      return fail(reason::token_not_for_client);
    }
    return tx.tokens().revoke_family(pool_.pool_id, (*found)->origin_jti);
  });
}

result<token_set> sign_in::refresh(const std::string& client_id,
                                   const std::string& refresh_token) {
  RETURN_IF_ERROR(pool_.check_client(client_id));
  if (refresh_token.empty()) {
    return fail(reason::missing_auth_parameter, "REFRESH_TOKEN");
  }
  const auto now = clock_.now();
  auto row = store::in_read(store_, [&](store::transaction& tx)
                                               -> result<store::refresh_token_record> {
    auto found = tx.tokens().find(pool_.pool_id, sha256_hex(refresh_token));
    if (!found) {
      return found.error();
    }
    if (!*found || (*found)->client_id != client_id) {
      return fail(reason::invalid_refresh_token);
    }
    if ((*found)->revoked) {
      return fail(reason::refresh_token_revoked);
    }
    if (now >= (*found)->expires_at) {
      return fail(reason::refresh_token_expired);
    }
    return std::move(**found);
  });
  if (!row) {
    return row.error();
  }
  auto user = load_user(row->user_id);
  if (!user) {
    return user.error();
  }
  if (!user->enabled) {
    return fail(reason::user_disabled);
  }
  return mint(*user, client_id, row->origin_jti, row->auth_time);
}

}  // namespace cognate::pool

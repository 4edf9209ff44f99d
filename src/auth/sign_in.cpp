#include "auth/sign_in.h"

#include "common/reasons.h"
#include "pool/attributes.h"
#include "pool/email_address.h"
#include "pool/password_check.h"
#include "pool/users.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

namespace cognate::auth {

// What follows a correct first factor, made outside the transaction that stores it: tokens with
// their refresh-token row, or a challenge Session; and the answer to send once stored.
struct sign_in::prepared_step {
  std::optional<minted_tokens> tokens;
  std::optional<pending_session> challenge;
  // A code to mail with the Session (EMAIL_OTP): to whom, from which pool's settings.
  std::optional<code_delivery> mail;
  std::optional<store::user_record> mail_user;
  const pool::pool_settings* settings = nullptr;
  auth_step answer;
};

namespace {

// The challenge that asks for an MFA factor's code.
step challenge_of(factor_kind kind) {
  return kind == factor_kind::email_otp ? step::email_otp : step::software_token_mfa;
}

}  // namespace

sign_in::sign_in(store::store& store, const crypto::sealer& sealer, const clock& clock,
                 const factor_set& factors, const session_service& sessions,
                 const token_service& tokens, lockout_policy lockout_policy,
                 std::function<void()> mail_queued, const user_migration* migration)
    : store_(store),
      sealer_(sealer),
      clock_(clock),
      factors_(factors),
      sessions_(sessions),
      tokens_(tokens),
      lockout_(lockout_policy),
      mail_queued_(std::move(mail_queued)),
      migration_(migration) {}

// ---- the next step --------------------------------------------------------------------------


next_step sign_in::decide(const pool::pool_entry& pool, const store::user_account& a) const {
  const subject who{pool, &a.user, a.factors, a.user.id, clock_.now()};
  next_step_input in{.mfa = pool.settings.mfa,
                     .status = a.user.status,
                     .enabled = a.user.enabled,
                     .temporary_password_expired = a.user.password_expires_at != time_point{} &&
                                                   clock_.now() >= a.user.password_expires_at};
  for (const auto* f : factors_.second_factors()) {
    in.second_factors.push_back({.kind = f->kind(),
                                 .allowed = f->allowed(pool.settings),
                                 .enrolled = f->enrolled(who),
                                 .preferred = f->preferred(who)});
  }
  return decide_next_step(in);
}

result<sign_in::prepared_step> sign_in::prepare(const pool::client_entry& client,
                                                const store::user_account& a,
                                                const next_step& decision) const {
  const auto& pool = *client.pool;
  switch (decision.what) {
    case next_step::kind::refuse:
      return fail(decision.refusal);
    case next_step::kind::tokens: {
      auto minted = tokens_.mint(client, a.user);
      auth_step answer{.tokens = minted.tokens};
      return prepared_step{.tokens = std::move(minted), .answer = std::move(answer)};
    }
    case next_step::kind::challenge: {
      const auto* f = factors_.second_factor(decision.factor);
      if (f == nullptr) {
        return internal_failure("the policy chose an MFA factor this server cannot ask for");
      }
      const subject who{pool, &a.user, a.factors, a.user.id, clock_.now()};
      ASSIGN_OR_RETURN(auto start, f->begin(who, {}));
      return challenge_step(client, a.user, challenge_of(decision.factor), std::move(start));
    }
    case next_step::kind::mfa_setup: {
      boost::json::array can_set_up;
      for (auto kind : decision.options) {
        can_set_up.emplace_back(mfa_wire_name(kind));
      }
      auto pending = sessions_.open(step::mfa_setup, pool.id, client.record, a.user.id);
      auth_step answer{.challenge_name = std::string(info(step::mfa_setup).wire_name),
                       .session = pending.handle,
                       .parameters = {{"MFAS_CAN_SETUP", boost::json::serialize(can_set_up)}}};
      return prepared_step{.challenge = std::move(pending), .answer = std::move(answer)};
    }
    case next_step::kind::new_password: {
      const auto attributes = pool::attributes_from_json(a.user.attributes_json);
      const auto required = pool::missing_required(pool.settings, attributes);
      boost::json::array required_json;
      for (const auto& name : required) {
        required_json.emplace_back("userAttributes." + name);
      }
      boost::json::object current;
      for (const auto& [name, value] : attributes) {

        current[name] = value;
      }
      for (const auto& name : required) {
        current[name] = "";
      }
      auto pending = sessions_.open(step::new_password, pool.id, client.record, a.user.id);
      auth_step answer{.challenge_name = std::string(info(step::new_password).wire_name),
                       .session = pending.handle,
                       .parameters = {{"USER_ID_FOR_SRP", a.user.id},
                                      {"requiredAttributes", boost::json::serialize(required_json)},
                                      {"userAttributes", boost::json::serialize(current)}}};
      return prepared_step{.challenge = std::move(pending), .answer = std::move(answer)};
    }
    case next_step::kind::select_mfa_type: {
      boost::json::array can_choose;
      for (auto kind : decision.options) {
        can_choose.emplace_back(mfa_wire_name(kind));
      }
      auto pending = sessions_.open(step::select_mfa_type, pool.id, client.record, a.user.id);
      auth_step answer{.challenge_name = std::string(info(step::select_mfa_type).wire_name),
                       .session = pending.handle,
                       .parameters = {{"MFAS_CAN_CHOOSE", boost::json::serialize(can_choose)},
                                      {"USERNAME", a.user.id}}};
      return prepared_step{.challenge = std::move(pending), .answer = std::move(answer)};
    }
  }
  return internal_failure("the policy chose a next step this server cannot ask for");
}

result<sign_in::session_read> sign_in::read_session(const pool::client_entry& client,
                                                    const std::string& session,
                                                    std::string_view name) const {
  return store::in_read(store_, [&](store::transaction& tx) -> result<session_read> {
    ASSIGN_OR_RETURN(auto s,
                     sessions_.find(tx, session, continuation::respond, client.record.id, name));
    ASSIGN_OR_RETURN(auto account, tx.users().account_by_id(client.pool->id, s.record.user_id));
    if (!account) {
      return fail(reason::invalid_session);
    }
    return session_read{std::move(s), std::move(*account)};
  });
}

sign_in::prepared_step sign_in::challenge_step(const pool::client_entry& client,
                                               const store::user_record& user, step s,
                                               challenge_start start) const {
  const auto& pool = *client.pool;
  auto pending = sessions_.open(s, pool.id, client.record, user.id, start.state);
  auth_step answer{.challenge_name = std::string(info(s).wire_name),
                   .session = pending.handle,
                   .parameters = std::move(start.parameters)};
  prepared_step out{.challenge = std::move(pending), .answer = std::move(answer)};
  if (start.deliver) {
    out.mail = std::move(start.deliver);
    out.mail_user = user;
    out.settings = &pool.settings;
  }
  return out;
}

result<void> sign_in::store_prepared(store::transaction& tx, const prepared_step& p) const {
  if (p.tokens) {
    return tokens_.store(tx, *p.tokens);
  }
  if (p.mail) {
    // A new code supersedes the user's earlier ones: one code in force at a time.
    RETURN_IF_ERROR(tx.sessions().remove_user_step(p.mail_user->pool_id, p.mail_user->id,
                                                   std::string(info(step::email_otp).stored_name)));
  }
  RETURN_IF_ERROR(tx.sessions().insert(p.challenge->record));
  if (p.mail) {
    RETURN_IF_ERROR(factors_.email().deliver(tx, *p.mail_user, *p.settings, *p.mail, clock_.now()));
  }
  return {};
}

void sign_in::announce(const prepared_step& p) const {
  if (p.mail) {
    mail_queued_();
  }
}

result<void> sign_in::record_password_step(store::transaction& tx,
                                          const pool::client_entry& client,
                                          const store::user_record& user,
                                          const next_step& decision, std::int64_t event,
                                          const call_origin& from) const {
  sign_in_event e{.password = check::success, .client_id = client.record.id};
  switch (decision.what) {
    case next_step::kind::tokens:
      e.response = event_response::pass;
      break;
    case next_step::kind::refuse:
      e.response = event_response::fail;
      e.failure = sign_in_failure_name(decision.refusal);
      break;
    default:
      e.response = event_response::in_progress;  // a challenge follows
      break;
  }
  if (event != 0) {
    return tx.audit().amend(event, sign_in_detail(e, from));
  }
  return tx.audit().append(sign_in_record(user.pool_id, user.id, e, from, clock_.now()));
}

result<auth_step> sign_in::after_first_factor(const pool::client_entry& client,
                                              const store::user_account& seen, bool correct,
                                              std::int64_t event, const call_origin& from) {
  if (!correct) {
    return fail(reason::incorrect_credentials);
  }
  const auto& pool = *client.pool;
  // The next step is prepared from the account as the attempt read it — tokens minted (RSA) or a
  // challenge Session made — before the transaction, so the store is not held for the crypto.
  const auto expected = decide(pool, seen);
  std::optional<prepared_step> prepared;
  if (expected.what != next_step::kind::refuse) {
    ASSIGN_OR_RETURN(prepared, prepare(client, seen, expected));
  }
  // One transaction resets the failure count and stores the prepared step, if the account still
  // leads to it. Everything it returns is derived in the run that returns it: PostgreSQL may run
  // it twice.
  struct settled {
    store::user_account fresh;
    next_step decision;
    bool stored = false;
  };
  ASSIGN_OR_RETURN(auto done,
                   store::in_transaction(store_, [&](store::transaction& tx) -> result<settled> {
                     ASSIGN_OR_RETURN(auto found, tx.users().account_by_id(pool.id, seen.user.id));
                     if (!found) {
                       return fail(reason::incorrect_credentials);
                     }
                     auto fresh = std::move(*found);
                     const auto decision = decide(pool, fresh);
                     if (decision.what == next_step::kind::challenge ||
                         decision.what == next_step::kind::select_mfa_type) {
                       lockout::forgive_attempt(fresh.user, clock_.now());  // the code decides (answer_mfa)
                     } else {
                       lockout::reset(fresh.user);
                     }
                     RETURN_IF_ERROR(tx.users().update(fresh.user));
                     RETURN_IF_ERROR(
                         record_password_step(tx, client, fresh.user, decision, event, from));
                     const bool store_it = prepared && decision == expected;
                     if (store_it) {
                       RETURN_IF_ERROR(store_prepared(tx, *prepared));
                     }
                     return settled{std::move(fresh), decision, store_it};
                   }));
  if (done.stored) {
    announce(*prepared);
    return std::move(prepared->answer);
  }
  // The account changed meanwhile (or the step is a refusal): prepare from the fresh record.
  ASSIGN_OR_RETURN(auto next, prepare(client, done.fresh, done.decision));
  RETURN_IF_ERROR(
      store_.transact([&](store::transaction& tx) { return store_prepared(tx, next); }));
  announce(next);
  return std::move(next.answer);
}

result<std::optional<sign_in::counted_attempt>> sign_in::count_attempt(
    const pool::client_entry& client, const std::string& user_id, time_point now,
    const call_origin& from) {
  const auto& pool_id = client.pool->id;
  return store::in_transaction(
      store_, [&](store::transaction& tx) -> result<std::optional<counted_attempt>> {
        ASSIGN_OR_RETURN(auto user, tx.users().find_by_id(pool_id, user_id));
        if (!user) {
          return std::nullopt;
        }
        ASSIGN_OR_RETURN(auto outcome, lockout_.count_attempt(tx, *user, now));
        // Written as failed: the proof is checked after this commits (after_first_factor
        // settles the event when it is right).
        const bool locked = outcome == attempt::locked;
        const sign_in_event e{
            .failure = sign_in_failure_name(locked ? reason::password_attempts_exceeded
                                                   : reason::incorrect_credentials),
            .password = locked ? check::none : check::failure,
            .client_id = client.record.id};
        ASSIGN_OR_RETURN(auto event,
                         tx.audit().open(sign_in_record(pool_id, user->id, e, from, now)));
        return counted_attempt{std::move(*user), outcome, event};
      });
}

result<attempt> sign_in::count_decoy_attempt(const pool::client_entry& client,
                                             const std::string& decoy_id, time_point now,
                                             const call_origin& from) {
  static constexpr std::string_view purpose = "sign-in";
  const auto& pool_id = client.pool->id;
  return store::in_transaction(store_, [&](store::transaction& tx) -> result<attempt> {
    ASSIGN_OR_RETURN(auto stored, tx.codes().find_decoy(pool_id, decoy_id, std::string(purpose)));
    lock_state state;
    if (stored) {
      state = {stored->failed_attempts, stored->expires_at};
    }
    // The event a user's attempt writes, without a user (nor the name typed).
    RETURN_IF_ERROR(tx.audit().append(sign_in_record(
        pool_id, "",
        {.failure = sign_in_failure_name(reason::user_not_found), .client_id = client.record.id},
        from, now)));
    if (lockout_.count(state, now) == attempt::locked) {
      return attempt::locked;
    }
    // Swept (code_book::sweep) an hour after its lock or last failure: when a user's count would
    // start again too (lockout_policy::reset_after).
    RETURN_IF_ERROR(tx.codes().put_decoy({.pool_id = pool_id,
                                          .user_id = decoy_id,
                                          .purpose = std::string(purpose),
                                          .expires_at = state.locked_until,
                                          .failed_attempts = state.failed,
                                          .window_start = state.locked_until}));
    return attempt::counted;
  });
}

// ---- first factors --------------------------------------------------------------------------

result<auth_step> sign_in::initiate_auth(const pool::client_entry& client, const std::string& flow,
                                         const string_map& parameters, const call_origin& from) {
  if (flow == "USER_SRP_AUTH" && client.allows("USER_SRP_AUTH")) {
    return start_srp(client, parameters);
  }
  if (flow == "USER_PASSWORD_AUTH" && client.allows("USER_PASSWORD_AUTH")) {
    return password_auth(client, parameters, from);
  }
  if ((flow == "REFRESH_TOKEN_AUTH" || flow == "REFRESH_TOKEN") &&
      client.allows("REFRESH_TOKEN_AUTH")) {
    const auto hash = parameters.find("SECRET_HASH");
    ASSIGN_OR_RETURN(auto tokens,
                     tokens_.refresh(client, value_of(parameters, "REFRESH_TOKEN"),
                                     {.secret_hash = hash == parameters.end()
                                                         ? std::nullopt
                                                         : std::optional<std::string>(hash->second)}));

    return auth_step{.tokens = std::move(tokens)};
  }
  if (flow == "ADMIN_NO_SRP_AUTH" || flow == "ADMIN_USER_PASSWORD_AUTH") {
    return fail(reason::admin_flow_only, flow);
  }
  return fail(reason::flow_not_enabled, flow);
}

result<auth_step> sign_in::admin_initiate_auth(const pool::client_entry& client,
                                               const std::string& flow,
                                               const string_map& parameters,
                                               const call_origin& from) {
  if (flow == "ADMIN_USER_PASSWORD_AUTH" || flow == "ADMIN_NO_SRP_AUTH") {
    if (!client.allows("ADMIN_USER_PASSWORD_AUTH")) {
      return fail(reason::flow_not_enabled, flow);
    }
    return password_auth(client, parameters, from);
  }
  if (flow == "USER_PASSWORD_AUTH") {
    return fail(reason::flow_not_enabled, flow);  // InitiateAuth's; the admin one is above
  }
  return initiate_auth(client, flow, parameters, from);
}

result<auth_step> sign_in::start_srp(const pool::client_entry& client,
                                     const string_map& parameters) {
  const auto& pool = *client.pool;
  const auto username = value_of(parameters, "USERNAME");
  const auto a_hex = value_of(parameters, "SRP_A");
  if (username.empty() || a_hex.empty()) {
    return fail(reason::missing_auth_parameter, "USERNAME or SRP_A");
  }
  if (a_hex.size() > 2048 || !std::all_of(a_hex.begin(), a_hex.end(),
                                          [](unsigned char c) { return std::isxdigit(c) != 0; })) {
    return fail(reason::srp_a_not_hex);
  }
  ASSIGN_OR_RETURN(auto user, store::in_read(store_, [&](store::transaction& tx) {
                     return pool::find_user_by_name(tx, pool.id, username);
                   }));
  if (!user && !client.record.prevent_user_existence_errors) {
    return fail(reason::user_not_found);
  }
  if (user && !pool::has_password(*user)) {
    // Imported without a password: the recovery flow sets one (as Cognito answers its imported
    // users, whatever the proof).
    return fail(reason::password_reset_required);
  }
  const std::vector<store::factor_record> no_factors;
  const subject who{pool, user ? &*user : nullptr, no_factors, username, clock_.now()};
  ASSIGN_OR_RETURN(auto start, factors_.srp().begin(who, parameters));
  auto pending =
      sessions_.open(step::password_verifier, pool.id, client.record, start.user_id, start.state);
  RETURN_IF_ERROR(store_.transact(
      [&](store::transaction& tx) { return tx.sessions().insert(pending.record); }));
  return auth_step{.challenge_name = std::string(info(step::password_verifier).wire_name),
                   .session = std::move(pending.handle),
                   .parameters = std::move(start.parameters)};
}

result<auth_step> sign_in::password_auth(const pool::client_entry& client,
                                         const string_map& parameters, const call_origin& from) {
  const auto& pool = *client.pool;
  const auto username = value_of(parameters, "USERNAME");
  if (username.empty() || value_of(parameters, "PASSWORD").empty()) {
    return fail(reason::missing_auth_parameter, "USERNAME or PASSWORD");
  }
  const auto now = clock_.now();
  const auto look_up = [&] {
    return store::in_read(store_, [&](store::transaction& tx) {
      return pool::find_account_by_name(tx, pool.id, username);
    });
  };
  ASSIGN_OR_RETURN(auto found, look_up());
  const std::vector<store::factor_record> no_factors;
  if (!found) {
    const bool migrating = migration_ != nullptr && migration_->source().into_pool == pool.id;
    if (client.record.prevent_user_existence_errors || migrating) {
      // Counted like a user's attempt, so the lockout's answers come as they would for one (and
      // guesses through the migration are counted as guesses here are).
      ASSIGN_OR_RETURN(auto outcome, count_decoy_attempt(
                                         client, factors_.srp().fake_user_id(username), now, from));
      if (outcome == attempt::locked) {
        return fail(reason::password_attempts_exceeded);
      }
    }
    if (migrating) {
      ASSIGN_OR_RETURN(const bool moved_in,
                       migrate(client, username, value_of(parameters, "PASSWORD"), from));
      if (moved_in) {
        ASSIGN_OR_RETURN(found, look_up());  // the user is here now: signs in as any user
      }
    }
  }
  if (!found) {
    // Same work as a real check, so timing does not tell unknown users apart.
    RETURN_IF_ERROR(
        factors_.password().check({pool, nullptr, no_factors, username, now}, {}, parameters));
    return fail(client.record.prevent_user_existence_errors ? reason::incorrect_credentials
                                                            : reason::user_not_found);
  }
  auto seen = std::move(*found);
  if (!pool::has_password(seen.user)) {
    return fail(reason::password_reset_required);  // imported: see start_srp
  }
  // The attempt is counted before the password is checked, in a transaction of its own.
  ASSIGN_OR_RETURN(auto counted, count_attempt(client, seen.user.id, now, from));
  if (!counted) {
    return fail(reason::incorrect_credentials);  // the user is gone
  }
  if (counted->outcome == attempt::locked) {
    return fail(reason::password_attempts_exceeded);
  }
  seen.user = std::move(counted->user);
  ASSIGN_OR_RETURN(auto p, factors_.password().check(
                               {pool, &seen.user, seen.factors, username, now}, {}, parameters));
  return after_first_factor(client, seen, p.correct, counted->event, from);
}

result<bool> sign_in::migrate(const pool::client_entry& client, const std::string& username,
                              const std::string& password, const call_origin& from) {
  const auto& pool = *client.pool;
  if (!pool::looks_like_email(username)) {
    return false;  // the pool signs in by email: no user here could have this name
  }
  const auto proven = migration_->prove(username, password);
  if (!proven) {
    return false;
  }
  // The old pool's attributes the schema here takes; its email when it is the name signed in
  // with. Without them (an MFA challenge proved the password), the name is the email, verified:
  // the old pool let this user sign in with it.
  auto email = username;
  std::string email_verified = "true";
  pool::attribute_list given;
  if (proven->has_attributes) {
    for (const auto& [name, value] : proven->attributes) {
      if (name == "email") {
        if (pool::email_key(value) == pool::email_key(username)) {
          email = value;
        }
      } else if (name == "email_verified") {
        email_verified = value == "true" ? "true" : "false";
      } else if (name != "sub" && name != "phone_number_verified" && !value.empty() &&
                 pool::check_client_attributes(pool.settings, {{name, value}}, {}).has_value()) {
        given.emplace_back(name, value);
      }
    }
  }
  auto attributes = pool::check_client_attributes(
      pool.settings, given, {{"email", email}, {"email_verified", email_verified}});
  if (!attributes) {
    // Most likely an attribute the pool here requires and the old pool did not have.
    spdlog::warn("migration: a user the old pool {} proved cannot be created in {}: {}",
                 migration_->source().pool_id, pool.id, attributes.error().message);
    return false;
  }
  const auto now = clock_.now();
  auto user = pool::new_user_record(sealer_, pool.id, email, password, now);
  user.status = store::user_status::confirmed;
  user.attributes_json = pool::attributes_to_json(*attributes);
  boost::json::object detail{{"from", migration_->source().pool_id}, {"proven_by", proven->answer}};
  if (!from.ip.empty()) {
    detail["ip"] = from.ip;
  }
  auto inserted = store_.transact([&](store::transaction& tx) -> result<void> {
    RETURN_IF_ERROR(tx.users().insert(user));
    return tx.audit().append({.pool_id = pool.id,
                              .user_id = user.id,
                              .event = "migrate_user",
                              .detail = boost::json::serialize(detail),
                              .at = now});
  });
  if (!inserted && inserted.error().code != errc::username_exists) {
    return inserted.error();
  }
  return true;  // created, or created meanwhile by a sign-in in parallel
}

// ---- challenges -----------------------------------------------------------------------------

result<auth_step> sign_in::respond_to_auth_challenge(const pool::client_entry& client,
                                                     const std::string& challenge_name,
                                                     const std::string& session,
                                                     const string_map& responses,
                                                     const call_origin& from) {
  if (session.empty()) {
    return fail(reason::invalid_session);
  }
  if (challenge_name == info(step::password_verifier).wire_name) {
    return answer_password_verifier(client, session, responses, from);
  }
  if (challenge_name == info(step::software_token_mfa).wire_name) {
    return answer_mfa(client, session, step::software_token_mfa, responses, from);
  }
  if (challenge_name == info(step::email_otp).wire_name || challenge_name == "EMAIL_MFA") {
    return answer_mfa(client, session, step::email_otp, responses, from);
  }
  if (challenge_name == info(step::select_mfa_type).wire_name) {
    return answer_select_mfa_type(client, session, responses);
  }
  if (challenge_name == info(step::mfa_setup_done).wire_name) {
    // Amplify sends "EMAIL" when the user chose email at set-up; AWS documents "email".
    for (const char* key : {"EMAIL", "email"}) {
      if (const auto address = value_of(responses, key); !address.empty()) {
        return start_email_setup(client, session, address);
      }
    }
    return finish_mfa_setup(client, session, from);
  }
  if (challenge_name == info(step::new_password).wire_name) {
    return answer_new_password(client, session, responses, from);
  }
  return fail(reason::unsupported_challenge, challenge_name.substr(0, 64));
}

result<auth_step> sign_in::answer_password_verifier(const pool::client_entry& client,
                                                    const std::string& session,
                                                    const string_map& responses,
                                                    const call_origin& from) {
  const auto& pool = *client.pool;
  const auto now = clock_.now();
  const auto name = info(step::password_verifier).wire_name;
  // The Session is spent first, in a transaction of its own: a proof is never evaluated twice.
  ASSIGN_OR_RETURN(auto s, store::in_transaction(store_, [&](store::transaction& tx) {
                     return sessions_.take(tx, session, continuation::respond, client.record.id,
                                           name);
                   }));
  const auto* srp = std::get_if<srp_state>(&s.state);
  std::optional<store::user_account> seen;  // nullopt: the challenge was for a name no user has
  std::int64_t event = 0;
  if (srp != nullptr && srp->unknown_user) {
    ASSIGN_OR_RETURN(auto outcome, count_decoy_attempt(client, srp->user_id, now, from));
    if (outcome == attempt::locked) {
      return fail(reason::password_attempts_exceeded);
    }
  } else if (srp != nullptr) {
    ASSIGN_OR_RETURN(auto found, store::in_read(store_, [&](store::transaction& tx) {
                       return tx.users().account_by_id(pool.id, s.record.user_id);
                     }));
    if (found) {
      seen = std::move(*found);
      // Then the attempt is counted, before the proof is checked.
      ASSIGN_OR_RETURN(auto counted, count_attempt(client, seen->user.id, now, from));
      if (!counted) {
        seen.reset();  // the user is gone
      } else if (counted->outcome == attempt::locked) {
        return fail(reason::password_attempts_exceeded);
      } else {
        seen->user = std::move(counted->user);
        event = counted->event;
      }
    }
  }
  const std::vector<store::factor_record> no_factors;
  const subject who{pool, seen ? &seen->user : nullptr, seen ? seen->factors : no_factors,
                    value_of(responses, "USERNAME"), now};
  // Unknown names cost the same modexps and always fail.
  ASSIGN_OR_RETURN(auto p, factors_.srp().check(who, s.state, responses));
  if (!seen) {
    return fail(reason::incorrect_credentials);
  }
  return after_first_factor(client, *seen, p.correct, event, from);
}

result<auth_step> sign_in::answer_mfa(const pool::client_entry& client, const std::string& session,
                                      step mfa_step, const string_map& responses,
                                      const call_origin& from) {
  const auto& pool = *client.pool;
  const factor& f = mfa_step == step::email_otp ? static_cast<const factor&>(factors_.email())
                                                : factors_.totp();
  const auto name = info(mfa_step).wire_name;
  ASSIGN_OR_RETURN(auto seen, read_session(client, session, name));
  const auto now = clock_.now();
  // Wrong codes count toward the lockout like wrong passwords: while it holds, no code is checked.
  if (lockout_.locked(seen.a.user, now)) {
    return fail(reason::password_attempts_exceeded);
  }
  const subject who{pool, &seen.a.user, seen.a.factors, seen.a.user.id, now};
  // The code is checked and, when right, the tokens minted before the transaction, which then
  // spends the code, ends the Session and stores the refresh token — or counts a wrong code, on
  // the Session and on the user.
  ASSIGN_OR_RETURN(auto p, f.check(who, seen.s.state, responses));
  std::optional<minted_tokens> minted;
  if (p.correct) {
    minted = tokens_.mint(client, seen.a.user);
  }
  ASSIGN_OR_RETURN(
      auto v, store::in_transaction(store_, [&](store::transaction& tx) -> result<verdict> {
        ASSIGN_OR_RETURN(
            auto s, sessions_.find(tx, session, continuation::respond, client.record.id, name));
        ASSIGN_OR_RETURN(auto v, f.settle(tx, who, p));
        ASSIGN_OR_RETURN(auto user, tx.users().find_by_id(pool.id, seen.a.user.id));
        if (!user) {
          return fail(reason::invalid_session);
        }
        sign_in_event e{.password = check::success, .client_id = client.record.id};
        if (v == verdict::wrong) {
          RETURN_IF_ERROR(sessions_.count_wrong(tx, s));
          RETURN_IF_ERROR(lockout_.count_attempt(tx, *user, now));
          e.failure = sign_in_failure_name(p.replayed ? reason::mfa_code_replayed
                                                      : reason::mfa_code_mismatch);
          e.mfa = check::failure;
          RETURN_IF_ERROR(tx.audit().append(sign_in_record(pool.id, user->id, e, from, now)));
          return verdict::wrong;
        }
        RETURN_IF_ERROR(sessions_.end(tx, s));
        lockout::reset(*user);
        RETURN_IF_ERROR(tx.users().update(*user));
        RETURN_IF_ERROR(tokens_.store(tx, *minted));
        e.response = event_response::pass;
        e.mfa = check::success;
        RETURN_IF_ERROR(tx.audit().append(sign_in_record(pool.id, user->id, e, from, now)));
        return verdict::passed;
      }));
  if (v == verdict::wrong) {
    return fail(p.replayed ? reason::mfa_code_replayed : reason::mfa_code_mismatch);
  }
  return auth_step{.tokens = std::move(minted->tokens)};
}

result<auth_step> sign_in::finish_mfa_setup(const pool::client_entry& client,
                                            const std::string& session, const call_origin& from) {
  const auto name = info(step::mfa_setup_done).wire_name;
  ASSIGN_OR_RETURN(auto seen, read_session(client, session, name));
  if (seen.s.current != step::mfa_setup_done) {
    return fail(reason::invalid_session);  // no code verified on this Session yet
  }
  auto minted = tokens_.mint(client, seen.a.user);
  RETURN_IF_ERROR(store_.transact([&](store::transaction& tx) -> result<void> {
    RETURN_IF_ERROR(sessions_.take(tx, session, continuation::respond, client.record.id, name));
    RETURN_IF_ERROR(tokens_.store(tx, minted));
    // The code verified on this Session was the set-up's proof.
    return tx.audit().append(sign_in_record(seen.a.user.pool_id, seen.a.user.id,
                                            {.response = event_response::pass,
                                             .password = check::success,
                                             .mfa = check::success,
                                             .client_id = client.record.id},
                                            from, minted.refresh.created_at));
  }));
  return auth_step{.tokens = std::move(minted.tokens)};
}

result<auth_step> sign_in::start_email_setup(const pool::client_entry& client,
                                             const std::string& session,
                                             const std::string& address) {
  const auto& pool = *client.pool;
  const auto name = info(step::mfa_setup).wire_name;
  const auto& email = factors_.email();
  if (!email.allowed(pool.settings)) {
    return fail(reason::email_mfa_not_enabled_by_pool);
  }
  ASSIGN_OR_RETURN(auto seen, read_session(client, session, name));
  if (seen.s.current != step::mfa_setup) {
    return fail(reason::invalid_session);
  }
  const auto& a = seen.a;
  // The code goes to the account's own address: the one it signs in with, verified at sign-up.
  if (!pool::looks_like_email(address) || pool::email_key(address) != a.user.email_key) {
    return fail(reason::mfa_email_not_account_email);
  }
  const subject who{pool, &a.user, a.factors, a.user.id, clock_.now()};
  ASSIGN_OR_RETURN(auto start, email.begin(who, {{"EMAIL", a.user.email}}));
  auto next = challenge_step(client, a.user, step::email_otp, std::move(start));
  // One transaction spends the MFA_SETUP Session, opens the EMAIL_OTP one and queues the code.
  RETURN_IF_ERROR(store_.transact([&](store::transaction& tx) -> result<void> {
    ASSIGN_OR_RETURN(auto s, sessions_.take(tx, session, continuation::respond, client.record.id, name));
    if (s.current != step::mfa_setup) {
      return fail(reason::invalid_session);
    }
    return store_prepared(tx, next);
  }));
  announce(next);
  return std::move(next.answer);
}

result<auth_step> sign_in::answer_select_mfa_type(const pool::client_entry& client,
                                                  const std::string& session,
                                                  const string_map& responses) {
  const auto& pool = *client.pool;
  const auto name = info(step::select_mfa_type).wire_name;
  const auto answer = value_of(responses, "ANSWER");
  if (answer != "SOFTWARE_TOKEN_MFA" && answer != "EMAIL_OTP" && answer != "EMAIL_MFA") {
    return fail(reason::mfa_type_unknown, answer.substr(0, 32));
  }
  const auto chosen = answer == "SOFTWARE_TOKEN_MFA" ? factor_kind::totp : factor_kind::email_otp;
  ASSIGN_OR_RETURN(auto seen, read_session(client, session, name));
  const auto& a = seen.a;
  const auto* f = factors_.second_factor(chosen);
  const subject who{pool, &a.user, a.factors, a.user.id, clock_.now()};
  if (f == nullptr || !f->available(who)) {
    return fail(reason::mfa_type_unknown, answer.substr(0, 32));
  }
  ASSIGN_OR_RETURN(auto start, f->begin(who, {}));
  auto next = challenge_step(client, a.user, challenge_of(chosen), std::move(start));
  RETURN_IF_ERROR(store_.transact([&](store::transaction& tx) -> result<void> {
    RETURN_IF_ERROR(sessions_.take(tx, session, continuation::respond, client.record.id, name));
    return store_prepared(tx, next);
  }));
  announce(next);
  return std::move(next.answer);
}

result<auth_step> sign_in::answer_new_password(const pool::client_entry& client,
                                               const std::string& session,
                                               const string_map& responses,
                                               const call_origin& from) {
  const auto& pool = *client.pool;
  const auto name = info(step::new_password).wire_name;
  ASSIGN_OR_RETURN(auto seen, read_session(client, session, name));
  if (seen.a.user.status != store::user_status::force_change_password) {
    return fail(reason::invalid_session);
  }
  // What the answer asks for, checked before anything is written: the password against the
  // policy, the attributes against the schema (an attribute that has a value stays as it is; a
  // required one without a value must come now).
  const auto current = pool::attributes_from_json(seen.a.user.attributes_json);
  pool::attribute_list given;
  std::optional<failure> refused;
  for (const auto& [key, value] : responses) {
    if (!key.starts_with("userAttributes.") || value.empty()) {
      continue;
    }
    auto attribute = key.substr(15);
    const auto it = current.find(attribute);
    if (it != current.end() && !it->second.empty() && it->second != value) {
      refused = fail(reason::new_password_attribute_given, attribute);
      break;
    }
    given.emplace_back(std::move(attribute), value);
  }
  const auto new_password = value_of(responses, "NEW_PASSWORD");
  if (!refused && new_password.empty()) {
    refused = fail(reason::missing_auth_parameter, "NEW_PASSWORD");
  }
  if (!refused) {
    if (auto checked = pool::check_password(pool.settings.password, new_password); !checked) {
      refused = checked.error();
    }
  }
  std::optional<pool::attribute_map> next;
  if (!refused) {
    auto applied = pool::update_attributes(pool.settings, current, given);
    if (!applied) {
      refused = applied.error();
    } else {
      next = std::move(*applied);
      if (const auto missing = pool::missing_required(pool.settings, *next); !missing.empty()) {
        refused = fail(reason::new_password_attribute_missing, missing.front());
      }
    }
  }
  if (refused) {
    // Counted on the Session, which stays for a corrected answer (up to its attempt cap).
    RETURN_IF_ERROR(store_.transact([&](store::transaction& tx) -> result<void> {
      ASSIGN_OR_RETURN(
          auto s, sessions_.find(tx, session, continuation::respond, client.record.id, name));
      return sessions_.count_wrong(tx, s);
    }));
    return *refused;
  }
  const auto verifier =
      pool::make_password_verifier(sealer_, pool.id, seen.a.user.id, new_password);
  const auto now = clock_.now();
  ASSIGN_OR_RETURN(
      auto updated,
      store::in_transaction(store_, [&](store::transaction& tx) -> result<store::user_account> {
        ASSIGN_OR_RETURN(
            auto s, sessions_.find(tx, session, continuation::respond, client.record.id, name));
        ASSIGN_OR_RETURN(auto account, tx.users().account_by_id(pool.id, s.record.user_id));
        if (!account || account->user.status != store::user_status::force_change_password) {
          return fail(reason::invalid_session);
        }
        RETURN_IF_ERROR(sessions_.end(tx, s));
        auto& user = account->user;
        pool::set_password(user, verifier);
        user.attributes_json = pool::attributes_to_json(*next);
        user.status = store::user_status::confirmed;
        user.password_expires_at = time_point{};
        user.updated_at = now;
        RETURN_IF_ERROR(tx.users().update(user));
        RETURN_IF_ERROR(tx.audit().append({.pool_id = user.pool_id,
                                           .user_id = user.id,
                                           .event = "new_password_set",
                                           .detail = "{}",
                                           .at = now}));
        return std::move(*account);
      }));
  // Then on as after any correct password: MFA (set up or asked) or tokens.
  return after_first_factor(client, updated, true, 0, from);
}

}  // namespace cognate::auth

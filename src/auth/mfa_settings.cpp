#include "auth/mfa_settings.h"

#include "common/reasons.h"

namespace cognate::auth {
namespace {

string_map code_answer(const std::string& code) { return {{"UserCode", code}}; }

}  // namespace

result<associate_result> mfa_settings::associate(const caller& who) const {
  const auto& totp = factors_.totp();
  if (!totp.allowed(who.pool->settings)) {
    return fail(reason::totp_not_enabled_by_pool);
  }
  const subject s{*who.pool, &who.user, who.factors, who.user.id, clock_.now()};
  ASSIGN_OR_RETURN(auto start, totp.begin_enrolment(s));
  RETURN_IF_ERROR(
      store_.transact([&](store::transaction& tx) { return tx.factors().put(start.pending); }));
  return associate_result{.secret_code = start.shown.at("SecretCode")};
}

result<associate_result> mfa_settings::associate(const pool::directory_snapshot& directory,
                                                 const std::string& session) const {
  const auto& totp = factors_.totp();
  // One transaction spends this Session, stores the pending secret and opens the next Session.
  // The secret and the handle are made inside it: a re-run makes new ones, and the answer is
  // the last run's.
  return store::in_transaction(store_, [&](store::transaction& tx) -> result<associate_result> {
    ASSIGN_OR_RETURN(auto s, sessions_.take(tx, session, continuation::associate, {}));
    const auto* client = directory.client(s.record.client_id);
    if (client == nullptr || client->pool->id != s.record.pool_id) {
      return fail(reason::invalid_session);
    }
    const auto& pool = *client->pool;
    if (!totp.allowed(pool.settings)) {
      return fail(reason::totp_not_enabled_by_pool);
    }
    ASSIGN_OR_RETURN(auto user, tx.users().find_by_id(pool.id, s.record.user_id));
    if (!user) {
      return fail(reason::invalid_session);
    }
    const std::vector<store::factor_record> unused;
    ASSIGN_OR_RETURN(auto start,
                     totp.begin_enrolment({pool, &*user, unused, user->id, clock_.now()}));
    RETURN_IF_ERROR(tx.factors().put(start.pending));
    auto next = sessions_.open(step::mfa_setup_verify, pool.id, client->record, user->id);
    RETURN_IF_ERROR(tx.sessions().insert(next.record));
    return associate_result{.secret_code = start.shown.at("SecretCode"), .session = next.handle};
  });
}

result<verify_result> mfa_settings::verify(const caller& who, const std::string& user_code) const {
  const auto& totp = factors_.totp();
  if (!totp.allowed(who.pool->settings)) {
    return fail(reason::totp_not_enabled_by_pool);
  }
  const subject s{*who.pool, &who.user, who.factors, who.user.id, clock_.now()};
  if (!totp.pending(s)) {
    return fail(reason::totp_not_associated);
  }
  ASSIGN_OR_RETURN(auto p, totp.check_enrolment(s, code_answer(user_code)));
  ASSIGN_OR_RETURN(auto v, store::in_transaction(store_, [&](store::transaction& tx) {
                     return totp.finish_enrolment(tx, s, p);
                   }));
  if (v == verdict::wrong) {
    return fail(reason::totp_setup_mismatch);
  }
  return verify_result{};
}

result<verify_result> mfa_settings::verify(const pool::directory_snapshot& directory,
                                           const std::string& session,
                                           const std::string& user_code) const {
  const auto& totp = factors_.totp();
  struct found {
    const pool::client_entry* client = nullptr;
    store::user_record user;
    std::vector<store::factor_record> factors;
  };
  ASSIGN_OR_RETURN(auto seen, store::in_read(store_, [&](store::transaction& tx) -> result<found> {
                     ASSIGN_OR_RETURN(auto s,
                                      sessions_.find(tx, session, continuation::verify, {}));
                     const auto* client = directory.client(s.record.client_id);
                     if (client == nullptr || client->pool->id != s.record.pool_id) {
                       return fail(reason::invalid_session);
                     }
                     ASSIGN_OR_RETURN(auto account,
                                      tx.users().account_by_id(s.record.pool_id, s.record.user_id));
                     if (!account) {
                       return fail(reason::invalid_session);
                     }
                     return found{client, std::move(account->user), std::move(account->factors)};
                   }));
  const auto& pool = *seen.client->pool;
  if (!totp.allowed(pool.settings)) {
    return fail(reason::totp_not_enabled_by_pool);
  }
  const subject who{pool, &seen.user, seen.factors, seen.user.id, clock_.now()};
  ASSIGN_OR_RETURN(auto p, totp.check_enrolment(who, code_answer(user_code)));
  // One transaction: a right code activates TOTP, ends this Session and opens the next; a wrong
  // one is counted against this Session.
  ASSIGN_OR_RETURN(
      auto next,
      store::in_transaction(
          store_, [&](store::transaction& tx) -> result<std::optional<std::string>> {
            ASSIGN_OR_RETURN(auto s, sessions_.find(tx, session, continuation::verify, {}));
            ASSIGN_OR_RETURN(auto v, totp.finish_enrolment(tx, who, p));
            if (v == verdict::wrong) {
              RETURN_IF_ERROR(sessions_.count_wrong(tx, s));
              return std::nullopt;
            }
            RETURN_IF_ERROR(sessions_.end(tx, s));
            auto done =
                sessions_.open(step::mfa_setup_done, pool.id, seen.client->record, seen.user.id);
            RETURN_IF_ERROR(tx.sessions().insert(done.record));
            return done.handle;
          }));
  if (!next) {
    return fail(reason::totp_setup_mismatch);
  }
  return verify_result{.session = std::move(*next)};
}

result<void> mfa_settings::set_preference(const caller& who,
                                          const std::optional<mfa_preference>& totp,
                                          const std::optional<mfa_preference>& sms,
                                          const std::optional<mfa_preference>& email) const {
  auto wants = [](const std::optional<mfa_preference>& p) {
    return p && (p->enabled.value_or(false) || p->preferred.value_or(false));
  };
  if (wants(sms)) {
    return fail(reason::sms_mfa_unsupported);
  }
  if (!totp && !email) {
    return {};
  }
  if (wants(totp) && !factors_.totp().allowed(who.pool->settings)) {
    return fail(reason::totp_not_enabled_by_pool);
  }
  const bool has_secret = std::any_of(who.factors.begin(), who.factors.end(),
                                      [](const auto& f) { return f.id == totp_factor::active_id; });
  if (wants(totp) && !has_secret) {
    return fail(reason::totp_not_set_up);
  }
  if (wants(email) && !factors_.email().allowed(who.pool->settings)) {
    return fail(reason::email_mfa_not_enabled_by_pool);
  }
  const bool prefers_totp = totp && totp->preferred.value_or(false);
  const bool prefers_email = email && email->preferred.value_or(false);
  if (prefers_totp && prefers_email) {
    return fail(reason::invalid_parameter, "Only one MFA factor can be preferred.");
  }
  const auto& pool_id = who.pool->id;
  const auto& user_id = who.user.id;
  const auto now = clock_.now();
  // Applies `p` to the user's factor `id` (made when email is enabled for the first time); a
  // factor made preferred leaves the others not preferred.
  auto apply = [&](store::transaction& tx, std::string_view id, std::string_view kind,
                   const std::optional<mfa_preference>& p, bool create) -> result<void> {
    ASSIGN_OR_RETURN(auto found, tx.factors().find(pool_id, user_id, std::string(id)));
    if (!found && !(create && wants(p))) {
      return {};
    }
    auto f = found.value_or(store::factor_record{.pool_id = pool_id,
                                                 .user_id = user_id,
                                                 .id = std::string(id),
                                                 .kind = std::string(kind),
                                                 .created_at = now});
    if (p->enabled) {
      f.enabled = *p->enabled;
    }
    if (p->preferred) {
      f.preferred = *p->preferred;
      f.enabled = f.enabled || *p->preferred;
    }
    f.preferred = f.preferred && f.enabled;
    f.updated_at = now;
    return tx.factors().put(f);
  };
  return store_.transact([&](store::transaction& tx) -> result<void> {
    if (totp) {
      RETURN_IF_ERROR(apply(tx, totp_factor::active_id, "totp", totp, false));
    }
    if (email) {
      RETURN_IF_ERROR(apply(tx, email_otp_factor::active_id, "email", email, true));
    }
    if (prefers_totp || prefers_email) {
      RETURN_IF_ERROR(prefer_only(tx, pool_id, user_id,
                                  prefers_totp ? totp_factor::active_id : email_otp_factor::active_id,
                                  now));
    }
    return tx.audit().append({.pool_id = pool_id,
                              .user_id = user_id,
                              .event = "set_mfa_preference",
                              .detail = "{}",
                              .at = now});
  });
}

}  // namespace cognate::auth

#pragma once
// One-time codes by email, for every purpose (sign-up confirmation, password reset, attribute
// verification): issue a code — superseding the previous one of the same purpose, within an
// hourly budget — and queue its email; check an offered code — only the newest counts, a wrong
// one counts an attempt, past the cap the code is dead. Codes are stored only as keyed hashes
// bound to the user and the purpose, so a code for one purpose never passes for another.
//
// Names no user has get decoys: the same budget and the same answers across any sequence of
// requests, without mail and without a code that could match (no user enumeration).
//
// Every method runs inside the caller's transaction and derives what it writes from what it
// reads there, so a re-run transaction is safe. Thread-safe (no mutable state).

#include "common/clock.h"
#include "common/error.h"
#include "crypto/sealer.h"
#include "pool/settings.h"
#include "store/store.h"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace cognate::pool {

struct code_kind {
  std::string_view purpose;  // "signup", "reset", "verify:email"
  std::chrono::seconds lifetime;
  // The code is good only for the address it was sent to (attribute verification: a newer
  // pending address needs a newer code).
  bool bound_to_address = false;
  // A name no user has answers as if a code had already been sent (sign-up confirmation: every
  // unconfirmed user has one).
  bool decoy_always_sent = false;
};

struct code_limits {
  int max_attempts = 5;  // wrong guesses before a code is dead
  int max_per_hour = 5;  // codes of one purpose per user per hour
};

enum class code_verdict { accepted, mismatch, expired };

// What a client is told about an offered code: nothing (accepted), CodeMismatchException
// "Invalid verification code provided, please try again." or ExpiredCodeException "Invalid code
// provided, please request a code again.".
result<void> answer_of(code_verdict verdict);

// Where a code went, as CodeDeliveryDetails says it.
struct code_delivery {
  std::string destination;  // masked, e.g. "a***@e***"
  std::string medium = "EMAIL";
  std::string attribute = "email";
};

class code_book {
 public:
  // `default_from` is the From of mail when the pool names no sender.
  code_book(const crypto::sealer& sealer, code_limits limits, std::string default_from);

  // A fresh code of `kind` for `user`, mailed to `to` with the pool's verification template.
  // Failures: limit_exceeded past the hourly budget (nothing written).
  result<void> send(store::transaction& tx, const store::user_record& user, const code_kind& kind,
                    const pool_settings& settings, const std::string& to, time_point now) const;
  // What send() does to the budget, for a name no user has (no mail). Same failures.
  result<void> send_decoy(store::transaction& tx, const std::string& pool_id,
                          const std::string& name, const code_kind& kind, time_point now) const;

  // Checks `code` against the newest code of `kind` sent to `to`. Accepted removes it.
  result<code_verdict> check(store::transaction& tx, const store::user_record& user,
                             const code_kind& kind, const std::string& to,
                             const std::string& code, time_point now) const;
  // The verdict a name no user has gets: mismatch while a decoy code would be live, expired
  // otherwise; never accepted.
  result<code_verdict> check_decoy(store::transaction& tx, const std::string& pool_id,
                                   const std::string& name, const code_kind& kind,
                                   time_point now) const;

  // Queues an email built from the pool's templates `subject` and `body` ({####} → `code`,
  // {username} → `username`) to `to`, about `user` (the invitation of an operator-created user
  // uses it; send() does for codes).
  result<void> mail(store::transaction& tx, const store::user_record& user,
                    const pool_settings& settings, std::string_view subject,
                    std::string_view body, const std::string& to, const std::string& code,
                    const std::string& username, time_point now) const;

  // Drops decoys nothing can ask about any more; returns how many.
  static result<int> sweep(store::transaction& tx, time_point now);

 private:
  std::string hash(const store::user_record& user, const code_kind& kind, const std::string& to,
                   const std::string& code) const;
  std::string decoy_key(const std::string& pool_id, const std::string& name) const;
  // The decoy state of `key` for `kind`: the stored one, else — for a kind every user has a code
  // of (decoy_always_sent) — the state a user who just signed up would have.
  static result<std::optional<store::code_record>> find_decoy(store::transaction& tx,
                                                              const std::string& pool_id,
                                                              const std::string& key,
                                                              const code_kind& kind,
                                                              time_point now);

  const crypto::sealer& sealer_;
  code_limits limits_;
  std::string default_from_;
  bytes key_;
};

}  // namespace cognate::pool

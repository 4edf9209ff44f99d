#include "pool/seed.h"


#include "crypto/hmac.h"
#include "crypto/seal_context.h"
#include "pool/attributes.h"
#include "pool/email_address.h"
#include "pool/users.h"

#include <fmt/format.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace cognate::pool {

std::string seed_email(const seed_options& options, std::int64_t i) {
  return fmt::format("{}{}@{}", options.prefix, i, options.domain);
}

bytes seed_totp_secret(const std::string& email) {
  static constexpr std::string_view label = "cognate-seed-totp";
  auto mac = crypto::hmac_sha256(as_bytes(label), as_bytes(email_key(email)));
  return bytes(mac.begin(), mac.begin() + 20);
}

namespace {

// A seeded user and, with --totp, their TOTP factor.
struct seeded {
  store::user_record user;
  std::optional<store::factor_record> totp;
};

seeded seeded_user(const crypto::sealer& sealer, const std::string& pool_id,
                   const seed_options& options, const std::string& email, time_point now) {
  auto u = new_user_record(sealer, pool_id, email, options.password, now);
  u.status = store::user_status::confirmed;
  u.attributes_json = attributes_to_json({{"email", email}, {"email_verified", "true"}});
  std::optional<store::factor_record> totp;
  if (options.totp) {
    totp = store::factor_record{
        .pool_id = u.pool_id,
        .user_id = u.id,
        .id = "totp",
        .kind = "totp",
        .status = store::factor_status::active,
        .secret_sealed =
            sealer.seal(seed_totp_secret(email), crypto::seal_context::totp(u.id)),
        .enabled = true,
        .preferred = true,
        .created_at = now,
        .updated_at = now,
    };
  }
  return {std::move(u), std::move(totp)};
}

}  // namespace

result<seed_progress> seed_users(store::store& store, const crypto::sealer& sealer,
                                 const clock& clock, const std::string& pool_id,
                                 const seed_options& options,
                                 const std::function<void(const seed_progress&)>& progress) {
  const std::int64_t batch = std::max(1, options.batch);
  std::atomic<std::int64_t> next{0};
  std::mutex mutex;  // guards totals, first_error and progress calls
  // One batch is inserted at a time: the verifiers (the cost) are computed in parallel, while
  // concurrent insert transactions would only conflict (PostgreSQL's SERIALIZABLE checks see
  // two batches writing the same index pages) and SQLite has one writer anyway.
  std::mutex insert_mutex;
  seed_progress totals{0, 0, options.users};
  std::optional<failure> first_error;
  const auto now = clock.now();

  auto seed_batches = [&] {
    for (;;) {
      {
        std::lock_guard lock(mutex);
        if (first_error) {
          return;
        }
      }
      const std::int64_t from = next.fetch_add(batch);
      if (from >= options.users) {
        return;
      }
      const std::int64_t to = std::min(options.users, from + batch);
      std::vector<std::string> emails;
      for (auto i = from; i < to; ++i) {
        emails.push_back(seed_email(options, i));
      }
      // Skip users that exist already (a repeated or resumed run) before paying for verifiers.
      auto missing = store::in_read(store, [&](store::transaction& tx)
                                               -> result<std::vector<std::string>> {
        std::vector<std::string> out;
        for (const auto& e : emails) {
          auto found = tx.users().find_by_email(pool_id, email_key(e));
          if (!found) {
            return found.error();
          }
          if (!*found) {
            out.push_back(e);
          }
        }
        return out;
      });
      result<void> inserted;
      if (missing && !missing->empty()) {
        std::vector<seeded> users;
        users.reserve(missing->size());
        for (const auto& e : *missing) {
          users.push_back(seeded_user(sealer, pool_id, options, e, now));
        }
        std::lock_guard one_at_a_time(insert_mutex);
        inserted = store.transact([&](store::transaction& tx) -> result<void> {
          for (const auto& u : users) {
            RETURN_IF_ERROR(tx.users().insert(u.user));
            if (u.totp) {
              RETURN_IF_ERROR(tx.factors().put(*u.totp));
            }
          }
          return {};
        });
      }
      std::lock_guard lock(mutex);
      if (!missing || !inserted) {
        if (!first_error) {
          first_error = !missing ? missing.error() : inserted.error();
        }
        return;
      }
      totals.done += to - from;
      totals.created += static_cast<std::int64_t>(missing->size());
      if (progress) {
        progress(totals);
      }
    }
  };

  std::vector<std::thread> threads;
  for (int t = 0; t < std::max(1, options.threads); ++t) {
    threads.emplace_back(seed_batches);
  }
  for (auto& t : threads) {
    t.join();
  }
  if (first_error) {
    return *first_error;
  }
  return totals;
}

}  // namespace cognate::pool

// The storage behaviour every backend must have (STYLE rule 11): one suite, instantiated for
// SQLite and for PostgreSQL. Each test gets a fresh database: a file in a temporary folder, or a
// database of its own (created, migrated, dropped) in the PostgreSQL cluster named by
// COGNATE_TEST_POSTGRES_URL, which scripts/run-tests starts. Without that variable the PostgreSQL
// tests fail (say so loudly) unless COGNATE_SKIP_POSTGRES=1 asks to skip them.
#include "common/random.h"
#include "store/postgres/connection.h"
#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace cognate::store {
namespace {

enum class engine { sqlite, postgres };

constexpr int pg_pool_size = 8;

void PrintTo(engine e, std::ostream* os) { *os << (e == engine::sqlite ? "SQLite" : "PostgreSQL"); }

std::string engine_name(const ::testing::TestParamInfo<engine>& info) {
  return info.param == engine::sqlite ? "Sqlite" : "Postgres";
}

// `url` (postgresql://user@host:port/db?params) naming database `name` instead.
std::string with_database(const std::string& url, const std::string& name) {
  const auto scheme = url.find("://");
  const auto authority = scheme == std::string::npos ? 0 : scheme + 3;
  const auto query = url.find('?', authority);
  const auto end = std::min(url.find('/', authority), query);
  return url.substr(0, end) + "/" + name + (query == std::string::npos ? "" : url.substr(query));
}

// Runs `body(i)` for i in [0, n) on n threads released at the same moment; returns when all end.
// `body` must not use fatal assertions (EXPECT_* is thread-safe, ASSERT_* returns from it only).
template <class Body>
void on_threads(int n, Body body) {
  std::latch start(n);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&start, &body, i] {
      start.arrive_and_wait();
      body(i);
    });
  }
  for (auto& t : threads) {
    t.join();
  }
}

user_record user(std::string pool_id, std::string id, std::string email_key) {
  user_record u;
  u.pool_id = std::move(pool_id);
  u.id = std::move(id);
  u.email = email_key;
  u.email_key = std::move(email_key);
  u.attributes_json = "{}";
  u.created_at = from_unix(1000);
  u.updated_at = from_unix(1000);
  return u;
}

auth_session_record session(std::string pool_id, std::string hash, std::int64_t expires_at) {
  auth_session_record s;
  s.pool_id = std::move(pool_id);
  s.handle_hash = std::move(hash);
  s.user_id = "u1";
  s.client_id = "c1";
  s.step = "PASSWORD_VERIFIER";
  s.state_sealed = "sealed-state";
  s.expires_at = from_unix(expires_at);
  s.created_at = from_unix(50);
  return s;
}

refresh_token_record token(std::string hash, std::string user_id, std::string origin_jti) {
  refresh_token_record t;
  t.token_hash = std::move(hash);
  t.pool_id = "p1";
  t.user_id = std::move(user_id);
  t.client_id = "c1";
  t.origin_jti = std::move(origin_jti);
  t.auth_time = from_unix(100);
  t.expires_at = from_unix(9000);
  t.created_at = from_unix(100);
  return t;
}

outbox_record mail(std::string recipient, std::int64_t due) {
  outbox_record m;
  m.recipient = std::move(recipient);
  m.payload_sealed = "sealed:" + m.recipient;
  m.next_attempt_at = from_unix(due);
  m.created_at = from_unix(due);
  return m;
}

// Writes as one transaction and says whether it committed.
template <class Work>
::testing::AssertionResult commits(store& s, Work work) {
  auto r = s.transact([&](transaction& tx) -> result<void> { return work(tx); });
  if (r) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "transaction failed: " << exception_name(r.error().code) << ": " << r.error().message;
}

class StoreTest : public ::testing::TestWithParam<engine> {
 protected:
  void SetUp() override {
    if (GetParam() == engine::sqlite) {
      dir_ = std::filesystem::temp_directory_path() / ("cognate-store-" + random_uuid());
      std::filesystem::create_directories(dir_);
    } else {
      const char* url = std::getenv("COGNATE_TEST_POSTGRES_URL");
      if (url == nullptr || *url == '\0') {
        const char* skip = std::getenv("COGNATE_SKIP_POSTGRES");
        if (skip != nullptr && std::string(skip) == "1") {
          GTEST_SKIP() << "COGNATE_SKIP_POSTGRES=1";
        }
        FAIL() << "COGNATE_TEST_POSTGRES_URL is not set, so the PostgreSQL store is untested. Run "
                  "`scripts/run-tests BUILD_DIR` (it starts a throw-away cluster), or start one "
                  "with `scripts/pg-cluster start DIR` and export the URL it prints as "
                  "COGNATE_TEST_POSTGRES_URL; set COGNATE_SKIP_POSTGRES=1 to skip these tests.";
      }
      admin_ = std::make_unique<postgres::connection>(url);
      ASSERT_TRUE(admin_->ok()) << "cannot connect to COGNATE_TEST_POSTGRES_URL=" << url << ": "
                                << admin_->error_message();
      database_ = "t_" + random_string(16, "abcdefghijklmnopqrstuvwxyz0123456789");
      ASSERT_TRUE(admin_->exec("CREATE DATABASE " + database_)) << admin_->error_message();
      url_ = with_database(url, database_);
      pg_store::migrate(url_);
    }
    store_ = open_store();
    ASSERT_TRUE(commits(*store_, [](transaction& tx) -> result<void> {
      if (auto r = tx.insert_pool({"p1", "first", from_unix(1)}); !r) {
        return r;
      }
      return tx.insert_pool({"p2", "second", from_unix(2)});
    }));
  }

  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) {
      std::filesystem::remove_all(dir_);
    }
    if (admin_ && !database_.empty()) {
      EXPECT_TRUE(admin_->exec("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)"))
          << admin_->error_message();
    }
  }

  // Another store object on this test's database: a second "node".
  std::unique_ptr<store> open_store() {
    if (GetParam() == engine::sqlite) {
      return std::make_unique<sqlite_store>(dir_ / "db");
    }
    return std::make_unique<pg_store>(url_, pg_pool_size);
  }

  store& db() { return *store_; }

  std::optional<user_record> find_user(const std::string& pool_id, const std::string& id) {
    auto found =
        in_transaction(db(), [&](transaction& tx) { return tx.find_user_by_id(pool_id, id); });
    EXPECT_TRUE(found) << found.error().message;
    return found ? *found : std::nullopt;
  }

  std::size_t claim(store& s, std::int64_t now, std::int64_t lease_until, int limit = 10) {
    auto rows = in_transaction(s, [&](transaction& tx) {
      return tx.claim_due_mail(from_unix(now), from_unix(lease_until), limit);
    });
    EXPECT_TRUE(rows) << rows.error().message;
    return rows ? rows->size() : 0;
  }

 private:
  std::unique_ptr<store> store_;
  std::filesystem::path dir_;                    // SQLite
  std::unique_ptr<postgres::connection> admin_;  // PostgreSQL: the cluster's own database
  std::string database_;
  std::string url_;
};

INSTANTIATE_TEST_SUITE_P(, StoreTest, ::testing::Values(engine::sqlite, engine::postgres),
                         engine_name);

TEST_P(StoreTest, ListsTheOldestPoolAndFindsClients) {
  ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
    for (auto c : {client_record{"c-b", "p1", "web", from_unix(20)},
                   client_record{"c-a", "p1", "ios", from_unix(10)},
                   client_record{"c-z", "p2", "cli", from_unix(5)}}) {
      if (auto r = tx.insert_client(c); !r) {
        return r;
      }
    }
    return {};
  }));
  auto pool = in_transaction(db(), [](transaction& tx) { return tx.first_pool(); });
  ASSERT_TRUE(pool && *pool);
  EXPECT_EQ((*pool)->id, "p1");
  EXPECT_EQ((*pool)->name, "first");
  EXPECT_EQ((*pool)->created_at, from_unix(1));

  auto first = in_transaction(db(), [](transaction& tx) { return tx.first_client("p1"); });
  ASSERT_TRUE(first && *first);
  EXPECT_EQ((*first)->id, "c-a");
  auto found = in_transaction(db(), [](transaction& tx) { return tx.find_client("c-z"); });
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->pool_id, "p2");
  EXPECT_EQ((*found)->name, "cli");
  EXPECT_EQ((*found)->created_at, from_unix(5));
  auto missing = in_transaction(db(), [](transaction& tx) { return tx.find_client("nope"); });
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
}

TEST_P(StoreTest, RejectsASecondUserWithTheSameEmailKeyInAPool) {
  ASSERT_TRUE(
      commits(db(), [](transaction& tx) { return tx.insert_user(user("p1", "u1", "a@x.com")); }));
  auto dup =
      db().transact([](transaction& tx) { return tx.insert_user(user("p1", "u2", "a@x.com")); });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, errc::username_exists);
  EXPECT_FALSE(find_user("p1", "u2"));
}

TEST_P(StoreTest, RejectsASecondUserWithTheSameIdInAPool) {
  ASSERT_TRUE(
      commits(db(), [](transaction& tx) { return tx.insert_user(user("p1", "u1", "a@x.com")); }));
  auto dup =
      db().transact([](transaction& tx) { return tx.insert_user(user("p1", "u1", "b@x.com")); });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, errc::username_exists);
}

TEST_P(StoreTest, AllowsTheSameEmailKeyInAnotherPool) {
  ASSERT_TRUE(
      commits(db(), [](transaction& tx) { return tx.insert_user(user("p1", "u1", "a@x.com")); }));
  ASSERT_TRUE(
      commits(db(), [](transaction& tx) { return tx.insert_user(user("p2", "u2", "a@x.com")); }));
  auto in_p2 =
      in_transaction(db(), [](transaction& tx) { return tx.find_user_by_email("p2", "a@x.com"); });
  ASSERT_TRUE(in_p2 && *in_p2);
  EXPECT_EQ((*in_p2)->id, "u2");
  auto in_p1 =
      in_transaction(db(), [](transaction& tx) { return tx.find_user_by_email("p1", "a@x.com"); });
  ASSERT_TRUE(in_p1 && *in_p1);
  EXPECT_EQ((*in_p1)->id, "u1");
}

TEST_P(StoreTest, ConcurrentSignUpsWithOneEmailCreateOneUser) {
  std::atomic<int> created{0};
  std::atomic<int> taken{0};
  on_threads(8, [&](int i) {
    auto r = db().transact([&](transaction& tx) {
      return tx.insert_user(user("p1", "u" + std::to_string(i), "same@x.com"));
    });
    if (r) {
      ++created;
    } else if (r.error().code == errc::username_exists) {
      ++taken;
    } else {
      ADD_FAILURE() << "unexpected failure: " << r.error().message;
    }
  });
  EXPECT_EQ(created, 1);
  EXPECT_EQ(taken, 7);
}

TEST_P(StoreTest, UpdateUserRoundTripsEveryField) {
  ASSERT_TRUE(
      commits(db(), [](transaction& tx) { return tx.insert_user(user("p1", "u1", "a@x.com")); }));
  user_record changed;
  changed.pool_id = "p1";
  changed.id = "u1";
  changed.email = "New.Name@X.com";
  changed.email_key = "new.name@x.com";
  changed.status = user_status::confirmed;
  changed.enabled = false;
  changed.attributes_json = R"({"email":"New.Name@X.com","name":"Zoë \"Z\" O'Neil"})";
  changed.srp_salt_hex = "00ff10";
  changed.srp_verifier_sealed = "v1.sealed.verifier";
  changed.created_at = from_unix(1000);
  changed.updated_at = from_unix(2000);
  changed.failed_sign_ins = 7;
  changed.locked_until = from_unix(1'900'000'000);
  changed.totp_secret_sealed = "v1.sealed.secret";
  changed.totp_pending_sealed = "v1.sealed.pending";
  changed.totp_enabled = true;
  changed.totp_preferred = true;
  changed.totp_last_step = 56'666'667'123;
  ASSERT_TRUE(commits(db(), [&](transaction& tx) { return tx.update_user(changed); }));

  auto by_id = find_user("p1", "u1");
  ASSERT_TRUE(by_id);
  const auto& u = *by_id;
  EXPECT_EQ(u.pool_id, changed.pool_id);
  EXPECT_EQ(u.id, changed.id);
  EXPECT_EQ(u.email, changed.email);
  EXPECT_EQ(u.email_key, changed.email_key);
  EXPECT_EQ(u.status, changed.status);
  EXPECT_EQ(u.enabled, changed.enabled);
  EXPECT_EQ(u.attributes_json, changed.attributes_json);
  EXPECT_EQ(u.srp_salt_hex, changed.srp_salt_hex);
  EXPECT_EQ(u.srp_verifier_sealed, changed.srp_verifier_sealed);
  EXPECT_EQ(u.created_at, changed.created_at);
  EXPECT_EQ(u.updated_at, changed.updated_at);
  EXPECT_EQ(u.failed_sign_ins, changed.failed_sign_ins);
  EXPECT_EQ(u.locked_until, changed.locked_until);
  EXPECT_EQ(u.totp_secret_sealed, changed.totp_secret_sealed);
  EXPECT_EQ(u.totp_pending_sealed, changed.totp_pending_sealed);
  EXPECT_EQ(u.totp_enabled, changed.totp_enabled);
  EXPECT_EQ(u.totp_preferred, changed.totp_preferred);
  EXPECT_EQ(u.totp_last_step, changed.totp_last_step);

  auto by_new_key = in_transaction(
      db(), [](transaction& tx) { return tx.find_user_by_email("p1", "new.name@x.com"); });
  ASSERT_TRUE(by_new_key && *by_new_key);
  EXPECT_EQ((*by_new_key)->id, "u1");
  auto by_old_key =
      in_transaction(db(), [](transaction& tx) { return tx.find_user_by_email("p1", "a@x.com"); });
  ASSERT_TRUE(by_old_key);
  EXPECT_FALSE(*by_old_key);
}

TEST_P(StoreTest, FailedTransactionLeavesNoTrace) {
  auto r = db().transact([](transaction& tx) -> result<void> {
    auto code = code_record{"p1", "u1", "signup", "h", "", from_unix(500), 0, 1, from_unix(100)};
    for (auto step : std::vector<std::function<result<void>()>>{
             [&] {
               return tx.insert_client({"c1", "p1", "web", from_unix(1)});
             },
             [&] { return tx.insert_user(user("p1", "u1", "a@x.com")); },
             [&] { return tx.put_code(code); },
             [&] { return tx.insert_session(session("p1", "h1", 500)); },
             [&] { return tx.insert_refresh_token(token("t1", "u1", "j1")); },
             [&] {
               return tx.audit({"p1", "u1", "sign_up", "{}", from_unix(100)});
             },
             [&]() -> result<void> {
               if (auto id = tx.enqueue_mail(mail("a@x.com", 100)); !id) {
                 return id.error();
               }
               return {};
             }}) {
      if (auto done = step(); !done) {
        return done;
      }
    }
    return failure{errc::invalid_parameter, "changed my mind"};
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_parameter);

  EXPECT_FALSE(find_user("p1", "u1"));
  auto client = in_transaction(db(), [](transaction& tx) { return tx.find_client("c1"); });
  EXPECT_FALSE(*client);
  auto code =
      in_transaction(db(), [](transaction& tx) { return tx.find_code("p1", "u1", "signup"); });
  EXPECT_FALSE(*code);
  auto s = in_transaction(db(), [](transaction& tx) { return tx.find_session("p1", "h1"); });
  EXPECT_FALSE(*s);
  auto t = in_transaction(db(), [](transaction& tx) { return tx.find_refresh_token("p1", "t1"); });
  EXPECT_FALSE(*t);
  EXPECT_EQ(*in_transaction(db(), [](transaction& tx) { return tx.count_pending_mail(); }), 0);
}

TEST_P(StoreTest, AnExceptionRollsBackAndReachesTheCaller) {
  EXPECT_THROW((void)db().transact([](transaction& tx) -> result<void> {
    if (auto r = tx.insert_user(user("p1", "u1", "a@x.com")); !r) {
      return r;
    }
    throw std::logic_error("bug");
  }),
               std::logic_error);
  EXPECT_FALSE(find_user("p1", "u1"));
  // The store is still usable afterwards (the connection went back to its pool, no open BEGIN).
  EXPECT_TRUE(
      commits(db(), [](transaction& tx) { return tx.insert_user(user("p1", "u1", "a@x.com")); }));
  EXPECT_TRUE(find_user("p1", "u1"));
}

TEST_P(StoreTest, CommittedDataIsSeenByAnotherStoreOnTheSameDatabase) {
  ASSERT_TRUE(
      commits(db(), [](transaction& tx) { return tx.insert_user(user("p1", "u1", "a@x.com")); }));
  auto other = open_store();
  auto found =
      in_transaction(*other, [](transaction& tx) { return tx.find_user_by_id("p1", "u1"); });
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->email_key, "a@x.com");
}

TEST_P(StoreTest, PutCodeKeepsOneCodePerUserAndPurpose) {
  ASSERT_TRUE(
      commits(db(), [](transaction& tx) { return tx.insert_user(user("p1", "u1", "a@x.com")); }));
  const code_record first{"p1", "u1", "signup",      "hash-1", "", from_unix(1000),
                          2,    1,    from_unix(100)};
  const code_record second{"p1", "u1", "signup",      "hash-2", "hash-1", from_unix(1'900'000'900),
                           0,    2,    from_unix(100)};
  const code_record reset{"p1", "u1", "reset", "hash-r", "", from_unix(700), 1, 1, from_unix(300)};
  ASSERT_TRUE(commits(db(), [&](transaction& tx) { return tx.put_code(first); }));
  ASSERT_TRUE(commits(db(), [&](transaction& tx) -> result<void> {
    if (auto r = tx.put_code(second); !r) {
      return r;
    }
    return tx.put_code(reset);
  }));

  auto found =
      in_transaction(db(), [](transaction& tx) { return tx.find_code("p1", "u1", "signup"); });
  ASSERT_TRUE(found && *found);
  const auto& c = **found;
  EXPECT_EQ(c.pool_id, "p1");
  EXPECT_EQ(c.user_id, "u1");
  EXPECT_EQ(c.purpose, "signup");
  EXPECT_EQ(c.code_hash, "hash-2");
  EXPECT_EQ(c.superseded_hash, "hash-1");
  EXPECT_EQ(c.expires_at, from_unix(1'900'000'900));
  EXPECT_EQ(c.failed_attempts, 0);
  EXPECT_EQ(c.sent_in_window, 2);
  EXPECT_EQ(c.window_start, from_unix(100));

  ASSERT_TRUE(commits(db(), [](transaction& tx) { return tx.delete_code("p1", "u1", "signup"); }));
  auto gone =
      in_transaction(db(), [](transaction& tx) { return tx.find_code("p1", "u1", "signup"); });
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
  auto other =
      in_transaction(db(), [](transaction& tx) { return tx.find_code("p1", "u1", "reset"); });
  ASSERT_TRUE(other && *other);
  EXPECT_EQ((*other)->code_hash, "hash-r");
  EXPECT_EQ((*other)->expires_at, from_unix(700));
  EXPECT_EQ((*other)->failed_attempts, 1);
}

TEST_P(StoreTest, SessionLivesFromInsertToDelete) {
  auto inserted = session("p1", "h1", 500);
  inserted.failed_attempts = 1;
  ASSERT_TRUE(commits(db(), [&](transaction& tx) { return tx.insert_session(inserted); }));
  auto found = in_transaction(db(), [](transaction& tx) { return tx.find_session("p1", "h1"); });
  ASSERT_TRUE(found && *found);
  const auto& s = **found;
  EXPECT_EQ(s.pool_id, "p1");
  EXPECT_EQ(s.handle_hash, "h1");
  EXPECT_EQ(s.user_id, "u1");
  EXPECT_EQ(s.client_id, "c1");
  EXPECT_EQ(s.step, "PASSWORD_VERIFIER");
  EXPECT_EQ(s.state_sealed, "sealed-state");
  EXPECT_EQ(s.failed_attempts, 1);
  EXPECT_EQ(s.expires_at, from_unix(500));
  EXPECT_EQ(s.created_at, from_unix(50));
  auto elsewhere =
      in_transaction(db(), [](transaction& tx) { return tx.find_session("p2", "h1"); });
  EXPECT_FALSE(*elsewhere);

  ASSERT_TRUE(
      commits(db(), [](transaction& tx) { return tx.update_session_attempts("p1", "h1", 3); }));
  auto updated = in_transaction(db(), [](transaction& tx) { return tx.find_session("p1", "h1"); });
  ASSERT_TRUE(updated && *updated);
  EXPECT_EQ((*updated)->failed_attempts, 3);

  ASSERT_TRUE(commits(db(), [](transaction& tx) { return tx.delete_session("p1", "h1"); }));
  auto gone = in_transaction(db(), [](transaction& tx) { return tx.find_session("p1", "h1"); });
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
}

TEST_P(StoreTest, DeleteExpiredSessionsRemovesOnlyExpiredOnes) {
  ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
    for (auto s : {session("p1", "old", 100), session("p2", "old-too", 150),
                   session("p1", "edge", 200), session("p1", "new", 300)}) {
      if (auto r = tx.insert_session(s); !r) {
        return r;
      }
    }
    return {};
  }));
  auto swept = in_transaction(
      db(), [](transaction& tx) { return tx.delete_expired_sessions(from_unix(200)); });
  ASSERT_TRUE(swept);
  EXPECT_EQ(*swept, 2);
  auto left = [&](const char* pool, const char* hash) {
    return in_transaction(db(), [&](transaction& tx) { return tx.find_session(pool, hash); })
        ->has_value();
  };
  EXPECT_FALSE(left("p1", "old"));
  EXPECT_FALSE(left("p2", "old-too"));
  EXPECT_TRUE(left("p1", "edge"));  // expires at `now`: not before it
  EXPECT_TRUE(left("p1", "new"));
}

// The domain's TOTP check (pool/sign_in.cpp): read the user, accept the step only if it is after
// the last accepted one, record it. Concurrent submissions of one code must accept it once.
TEST_P(StoreTest, ConcurrentUsesOfOneTotpStepAcceptItOnce) {
  ASSERT_TRUE(
      commits(db(), [](transaction& tx) { return tx.insert_user(user("p1", "u1", "a@x.com")); }));
  auto accept_step = [&](std::int64_t step) {
    return in_transaction(db(), [&](transaction& tx) -> result<bool> {
      auto found = tx.find_user_by_id("p1", "u1");
      if (!found) {
        return found.error();
      }
      user_record u = found->value();
      if (step <= u.totp_last_step) {
        return false;
      }
      // Widens the window between the check and the write, so that an engine which does not
      // isolate the two would let several threads through.
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      u.totp_last_step = step;
      if (auto r = tx.update_user(u); !r) {
        return r.error();
      }
      return true;
    });
  };
  std::atomic<int> accepted{0};
  std::atomic<int> rejected{0};
  on_threads(8, [&](int) {
    auto r = accept_step(56'666'667);
    if (!r) {
      ADD_FAILURE() << "transaction failed: " << r.error().message;
    } else if (*r) {
      ++accepted;
    } else {
      ++rejected;
    }
  });
  EXPECT_EQ(accepted, 1);
  EXPECT_EQ(rejected, 7);
  EXPECT_EQ(find_user("p1", "u1")->totp_last_step, 56'666'667);
  EXPECT_FALSE(*accept_step(56'666'666));  // an older step stays refused
  EXPECT_TRUE(*accept_step(56'666'668));
}

TEST_P(StoreTest, ConcurrentFailedSignInsAreAllCounted) {
  ASSERT_TRUE(
      commits(db(), [](transaction& tx) { return tx.insert_user(user("p1", "u1", "a@x.com")); }));
  on_threads(20, [&](int) {
    auto r = db().transact([](transaction& tx) -> result<void> {
      auto found = tx.find_user_by_id("p1", "u1");
      if (!found) {
        return found.error();
      }
      user_record u = found->value();
      ++u.failed_sign_ins;
      u.locked_until = from_unix(1000 + u.failed_sign_ins);
      return tx.update_user(u);
    });
    EXPECT_TRUE(r) << r.error().message;
  });
  auto u = find_user("p1", "u1");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->failed_sign_ins, 20);
  EXPECT_EQ(u->locked_until, from_unix(1020));
}

// Many writers at once, half of them failing after they wrote: every successful one is kept,
// no failed one leaves a trace, whatever batching or retrying the engine does underneath.
TEST_P(StoreTest, ConcurrentWritersKeepExactlyTheSuccessfulOnes) {
  on_threads(16, [&](int t) {
    for (int i = 0; i < 10; ++i) {
      const std::string id = "u" + std::to_string(t * 100 + i);
      auto r = db().transact([&](transaction& tx) -> result<void> {
        if (auto ok = tx.insert_user(user("p1", id, id + "@x.com")); !ok) {
          return ok;
        }
        if (i % 2 == 1) {
          return failure{errc::invalid_parameter, "odd units change their mind"};
        }
        return {};
      });
      EXPECT_EQ(r.has_value(), i % 2 == 0) << id;
    }
  });
  for (int t = 0; t < 16; ++t) {
    for (int i = 0; i < 10; ++i) {
      const std::string id = "u" + std::to_string(t * 100 + i);
      EXPECT_EQ(find_user("p1", id).has_value(), i % 2 == 0) << id;
    }
  }
}

// A read returns only when it holds a snapshot with every write that returned before it began.
TEST_P(StoreTest, ReadsSeeEveryWriteThatReturned) {
  on_threads(8, [&](int t) {
    for (int i = 0; i < 10; ++i) {
      const std::string id = "r" + std::to_string(t * 100 + i);
      auto w = db().transact(
          [&](transaction& tx) { return tx.insert_user(user("p1", id, id + "@x.com")); });
      EXPECT_TRUE(w) << w.error().message;
      auto seen = in_read(db(), [&](transaction& tx) { return tx.find_user_by_id("p1", id); });
      EXPECT_TRUE(seen && *seen) << id;
    }
  });
}

TEST_P(StoreTest, ReadsCannotWrite) {
  auto r = db().read([](transaction& tx) { return tx.insert_user(user("p1", "u1", "a@x.com")); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::internal);
  EXPECT_FALSE(find_user("p1", "u1"));
}

TEST_P(StoreTest, RevokingAFamilyRevokesItAndNoOtherFamily) {
  ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
    for (auto t : {token("t1", "u1", "j1"), token("t2", "u1", "j1"), token("t3", "u1", "j2")}) {
      if (auto r = tx.insert_refresh_token(t); !r) {
        return r;
      }
    }
    return {};
  }));
  auto found =
      in_transaction(db(), [](transaction& tx) { return tx.find_refresh_token("p1", "t2"); });
  ASSERT_TRUE(found && *found);
  const auto& t = **found;
  EXPECT_EQ(t.token_hash, "t2");
  EXPECT_EQ(t.pool_id, "p1");
  EXPECT_EQ(t.user_id, "u1");
  EXPECT_EQ(t.client_id, "c1");
  EXPECT_EQ(t.origin_jti, "j1");
  EXPECT_EQ(t.auth_time, from_unix(100));
  EXPECT_EQ(t.expires_at, from_unix(9000));
  EXPECT_FALSE(t.revoked);
  EXPECT_EQ(t.created_at, from_unix(100));

  auto revoked = [&](const char* jti) {
    return *in_transaction(db(), [&](transaction& tx) { return tx.family_revoked("p1", jti); });
  };
  EXPECT_FALSE(revoked("j1"));
  ASSERT_TRUE(commits(db(), [](transaction& tx) { return tx.revoke_family("p1", "j1"); }));
  EXPECT_TRUE(revoked("j1"));
  EXPECT_FALSE(revoked("j2"));
  auto t1 = in_transaction(db(), [](transaction& tx) { return tx.find_refresh_token("p1", "t1"); });
  EXPECT_TRUE((*t1)->revoked);
  auto t3 = in_transaction(db(), [](transaction& tx) { return tx.find_refresh_token("p1", "t3"); });
  EXPECT_FALSE((*t3)->revoked);
}

TEST_P(StoreTest, RevokingAUsersTokensRevokesAllTheirFamiliesOnly) {
  ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
    for (auto t : {token("t1", "u1", "j1"), token("t2", "u1", "j2"), token("t3", "u2", "j3")}) {
      if (auto r = tx.insert_refresh_token(t); !r) {
        return r;
      }
    }
    return {};
  }));
  ASSERT_TRUE(commits(db(), [](transaction& tx) { return tx.revoke_user_tokens("p1", "u1"); }));
  auto revoked = [&](const char* jti) {
    return *in_transaction(db(), [&](transaction& tx) { return tx.family_revoked("p1", jti); });
  };
  EXPECT_TRUE(revoked("j1"));
  EXPECT_TRUE(revoked("j2"));
  EXPECT_FALSE(revoked("j3"));
}

TEST_P(StoreTest, OutboxClaimsDueMailOnceUntilTheLeaseEnds) {
  ASSERT_TRUE(
      in_transaction(db(), [](transaction& tx) { return tx.enqueue_mail(mail("a@x.com", 100)); }));
  EXPECT_EQ(claim(db(), 99, 159), 0u);   // not due yet
  EXPECT_EQ(claim(db(), 100, 160), 1u);  // due: claimed
  EXPECT_EQ(claim(db(), 101, 161), 0u);  // leased to the first claimer
  EXPECT_EQ(claim(db(), 159, 219), 0u);
  EXPECT_EQ(claim(db(), 160, 220), 1u);  // lease over: claimable again
  auto rows = in_transaction(db(), [](transaction& tx) {
    return tx.claim_due_mail(from_unix(1000), from_unix(1060), 10);
  });
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  const auto& m = rows->front();
  EXPECT_EQ(m.recipient, "a@x.com");
  EXPECT_EQ(m.payload_sealed, "sealed:a@x.com");
  EXPECT_EQ(m.attempts, 0);
  EXPECT_EQ(m.next_attempt_at, from_unix(1060));
  EXPECT_EQ(m.created_at, from_unix(100));
  ASSERT_TRUE(
      commits(db(), [&](transaction& tx) { return tx.mark_mail_sent(m.id, from_unix(1001)); }));
  EXPECT_EQ(claim(db(), 5000, 5060), 0u);  // sent mail is never claimed again
  EXPECT_EQ(*in_transaction(db(), [](transaction& tx) { return tx.count_pending_mail(); }), 0);
}

TEST_P(StoreTest, OutboxClaimsOldestFirstUpToTheLimit) {
  std::map<std::string, std::int64_t> ids;
  for (auto [to, due] :
       {std::pair{"c", 300}, std::pair{"a", 100}, std::pair{"b", 200}, std::pair{"later", 900}}) {
    auto id = in_transaction(db(), [&](transaction& tx) { return tx.enqueue_mail(mail(to, due)); });
    ASSERT_TRUE(id);
    ids[to] = *id;
  }
  auto first = in_transaction(
      db(), [](transaction& tx) { return tx.claim_due_mail(from_unix(500), from_unix(560), 2); });
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].recipient, "a");
  EXPECT_EQ((*first)[0].id, ids["a"]);
  EXPECT_EQ((*first)[1].recipient, "b");
  auto rest = in_transaction(
      db(), [](transaction& tx) { return tx.claim_due_mail(from_unix(500), from_unix(560), 2); });
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].recipient, "c");
  EXPECT_EQ(*in_transaction(db(), [](transaction& tx) { return tx.count_pending_mail(); }), 4);
}

TEST_P(StoreTest, RetriedMailComesBackAtItsNextAttemptAndFailedMailNever) {
  std::vector<std::int64_t> ids;
  for (const char* to : {"sent", "failed", "retried"}) {
    auto id = in_transaction(db(), [&](transaction& tx) { return tx.enqueue_mail(mail(to, 100)); });
    ASSERT_TRUE(id);
    ids.push_back(*id);
  }
  ASSERT_EQ(claim(db(), 100, 160), 3u);
  ASSERT_TRUE(commits(db(), [&](transaction& tx) -> result<void> {
    if (auto r = tx.mark_mail_sent(ids[0], from_unix(101)); !r) {
      return r;
    }
    if (auto r = tx.mark_mail_failed(ids[1], "550 no such user"); !r) {
      return r;
    }
    return tx.retry_mail_later(ids[2], 2, from_unix(500), "421 try later");
  }));
  EXPECT_EQ(*in_transaction(db(), [](transaction& tx) { return tx.count_pending_mail(); }), 1);
  EXPECT_EQ(claim(db(), 499, 559), 0u);
  auto rows = in_transaction(
      db(), [](transaction& tx) { return tx.claim_due_mail(from_unix(500), from_unix(560), 10); });
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().id, ids[2]);
  EXPECT_EQ(rows->front().attempts, 2);
  EXPECT_EQ(rows->front().last_error, "421 try later");
  EXPECT_EQ(rows->front().payload_sealed, "sealed:retried");
  EXPECT_EQ(claim(db(), 559, 619), 0u);          // leased
  EXPECT_EQ(claim(db(), 100'000, 100'060), 1u);  // the retried one again; sent and failed never
}

// Two nodes (two store objects on one database), three workers each, claiming at the same moment:
// every queued mail is handed to exactly one of them while the lease lasts.
TEST_P(StoreTest, TwoNodesClaimEveryMailExactlyOnce) {
  constexpr int queued = 60;
  ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
    for (int i = 0; i < queued; ++i) {
      if (auto id = tx.enqueue_mail(mail("m" + std::to_string(i) + "@x.com", 100 + i % 7)); !id) {
        return id.error();
      }
    }
    return {};
  }));
  auto second = open_store();
  std::array<store*, 2> nodes{&db(), second.get()};
  std::mutex mutex;
  std::multiset<std::int64_t> claimed;  // guarded by mutex
  on_threads(6, [&](int worker) {
    store& node = *nodes[static_cast<std::size_t>(worker % 2)];
    for (int round = 0; round < queued; ++round) {
      auto rows = in_transaction(node, [](transaction& tx) {
        return tx.claim_due_mail(from_unix(200), from_unix(260), 4);
      });
      if (!rows) {
        ADD_FAILURE() << "claim failed: " << rows.error().message;
        return;
      }
      if (rows->empty()) {
        return;
      }
      std::lock_guard lock(mutex);
      for (const auto& m : *rows) {
        claimed.insert(m.id);
      }
    }
  });
  EXPECT_EQ(claimed.size(), static_cast<std::size_t>(queued));
  EXPECT_EQ(std::set<std::int64_t>(claimed.begin(), claimed.end()).size(),
            static_cast<std::size_t>(queued));
  EXPECT_EQ(claim(*second, 259, 319), 0u);  // still leased

  ASSERT_TRUE(commits(*second, [&](transaction& tx) -> result<void> {
    for (auto id : claimed) {
      if (auto r = tx.mark_mail_sent(id, from_unix(201)); !r) {
        return r;
      }
    }
    return {};
  }));
  EXPECT_EQ(claim(db(), 10'000, 10'060), 0u);
  EXPECT_EQ(*in_transaction(db(), [](transaction& tx) { return tx.count_pending_mail(); }), 0);
}

TEST_P(StoreTest, SigningKeysAreListedOldestFirstPerPool) {
  ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
    for (auto k : {signing_key_record{"k2", "p1", "pem-2", true, from_unix(200)},
                   signing_key_record{"k1", "p1", "pem-1", true, from_unix(200)},
                   signing_key_record{"k0", "p1", "pem-0", true, from_unix(300)},
                   signing_key_record{"kx", "p2", "pem-x", true, from_unix(100)},
                   signing_key_record{"k3", "p1", "pem-3", false, from_unix(100)}}) {
      if (auto r = tx.insert_signing_key(k); !r) {
        return r;
      }
    }
    return {};
  }));
  auto keys = in_transaction(db(), [](transaction& tx) { return tx.signing_keys("p1"); });
  ASSERT_TRUE(keys);
  std::vector<std::string> kids;
  for (const auto& k : *keys) {
    kids.push_back(k.kid);
  }
  EXPECT_EQ(kids, (std::vector<std::string>{"k3", "k1", "k2", "k0"}));  // by time, then kid
  const auto& oldest = keys->front();
  EXPECT_EQ(oldest.pool_id, "p1");
  EXPECT_EQ(oldest.private_pem_sealed, "pem-3");
  EXPECT_FALSE(oldest.active);
  EXPECT_EQ(oldest.created_at, from_unix(100));
  EXPECT_TRUE(keys->back().active);
  auto none = in_transaction(db(), [](transaction& tx) { return tx.signing_keys("p9"); });
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace cognate::store

#pragma once
// One user pool with one app client ("client1" of "us-east-1_TestPool1") on a real SQLite store
// in a temporary folder, with a simulated clock, served the way the server serves it: the
// directory, sign-up and confirmation, and the sign-in services. For unit tests of pool/ and
// auth/. Not thread-safe to reconfigure; the services themselves are.

#include "auth/services.h"
#include "common/random.h"
#include "mail/message.h"
#include "mail/outbox.h"
#include "pool/directory.h"
#include "pool/recovery.h"
#include "pool/registration.h"
#include "pool/settings_json.h"
#include "store/sqlite/sqlite_store.h"
#include "support/rerunning_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <mutex>
#include <vector>

namespace cognate::testing {

inline constexpr const char* test_pool_id = "us-east-1_TestPool1";
inline constexpr const char* test_client_id = "client1";

class pool_harness {
 public:
  explicit pool_harness(pool::pool_settings settings = {},
                        std::vector<std::string> flows = {"ALLOW_USER_SRP_AUTH",
                                                          "ALLOW_USER_PASSWORD_AUTH",
                                                          "ALLOW_REFRESH_TOKEN_AUTH"})
      : dir_(std::filesystem::temp_directory_path() / ("cognate-test-" + random_uuid())),
        store_((std::filesystem::create_directories(dir_), dir_ / "test.db")),
        sealer_(crypto::master_key::from_bytes(random_bytes(32))),
        ready_(create(settings, std::move(flows))),
        reruns_(store_),
        directory_(
            reruns_, sealer_, clock_,
            {.public_url = "http://127.0.0.1:1", .longest_token_lifetime = std::chrono::hours(1)}),
        registration_(reruns_, sealer_, clock_, {}, [this] { ++mail_wakeups_; }),
        recovery_(reruns_, sealer_, clock_, {}, [this] { ++mail_wakeups_; }),
        auth_(reruns_, sealer_, clock_, {.mail_queued = [this] { ++mail_wakeups_; }}) {
    reruns_.rerun = false;  // tests turn it on
  }
  ~pool_harness() { std::filesystem::remove_all(dir_); }

  // Safe to call from the threads a test starts (parallel sign-ins).
  const pool::client_entry& client(const std::string& id = test_client_id) {
    const auto* c = snapshot().client(id);
    EXPECT_NE(c, nullptr) << "no client " << id;
    return *c;
  }
  const pool::directory_snapshot& snapshot() {
    auto current = directory_.current();
    std::lock_guard lock(held_mutex_);
    held_.push_back(current);  // a reference handed out stays valid for the whole test
    return *current;
  }
  const pool::pool_entry& pool() { return *snapshot().pool(test_pool_id); }

  // Replaces the pool's settings (as a config edit does) and reloads the directory.
  void set_settings(const pool::pool_settings& settings) {
    auto ok = store_.transact([&](store::transaction& tx) -> result<void> {
      ASSIGN_OR_RETURN(auto found, tx.directory().find_pool(test_pool_id));
      auto p = found.value();
      p.settings_json = pool::settings_to_json(settings);
      return tx.directory().update_pool(p);
    });
    ASSERT_TRUE(ok);
    ASSERT_TRUE(directory_.refresh());
  }
  // Changes the client's record and reloads the directory.
  template <class Change>
  void change_client(Change change) {
    auto ok = store_.transact([&](store::transaction& tx) -> result<void> {
      ASSIGN_OR_RETURN(auto c, tx.directory().find_client(test_client_id));
      change(*c);
      return tx.directory().update_client(*c);
    });
    ASSERT_TRUE(ok);
    ASSERT_TRUE(directory_.refresh());
  }

  // Every queued mail, oldest first (claimed, so each is returned once).
  std::vector<mail::message> take_mail() {
    using namespace std::chrono_literals;
    auto rows = store::in_transaction(store_, [&](store::transaction& tx) {
      return tx.outbox().claim_due(clock_.now() + 1h, clock_.now() + 2h, 100);
    });
    std::vector<mail::message> out;
    for (const auto& row : *rows) {
      out.push_back(*mail::from_outbox_record(row, sealer_));
    }
    return out;
  }
  std::string last_code() {
    auto mails = take_mail();
    return mails.empty() ? "" : mails.back().code;
  }

  manual_clock clock_;
  std::filesystem::path dir_;
  store::sqlite_store store_;
  crypto::sealer sealer_;
  bool ready_;
  // What the services use: store_, or every transaction run twice (rerunning_store.h).
  rerunning_store reruns_;
  pool::directory directory_;
  pool::registration registration_;
  pool::account_recovery recovery_;
  auth::services auth_;

  int mail_wakeups_ = 0;

 private:
  bool create(const pool::pool_settings& settings, std::vector<std::string> flows) {
    clock_.set(std::chrono::system_clock::now());
    auto ok = store_.transact([&](store::transaction& tx) -> result<void> {
      RETURN_IF_ERROR(tx.directory().insert_pool({.id = test_pool_id,
                                                  .name = "test",
                                                  .settings_json = pool::settings_to_json(settings),
                                                  .created_at = from_unix(0)}));
      return tx.directory().insert_client({.id = test_client_id,
                                           .pool_id = test_pool_id,
                                           .name = "c",
                                           .auth_flows = std::move(flows),
                                           .created_at = from_unix(0)});
    });
    EXPECT_TRUE(ok);
    return true;
  }

  // Every snapshot handed out: a test may keep a client or pool reference across a reload.
  std::mutex held_mutex_;
  std::vector<std::shared_ptr<const pool::directory_snapshot>> held_;
};

}  // namespace cognate::testing

#include "store/store_fixture.h"

#include <cstdlib>

namespace cognate::store::testing {
namespace {

constexpr int pg_pool_size = 8;

}  // namespace

std::string with_database(const std::string& url, const std::string& name) {
  const auto scheme = url.find("://");
  const auto authority = scheme == std::string::npos ? 0 : scheme + 3;
  const auto query = url.find('?', authority);
  const auto end = std::min(url.find('/', authority), query);
  return url.substr(0, end) + "/" + name + (query == std::string::npos ? "" : url.substr(query));
}

user_record user(std::string pool_id, std::string id, std::string email_key) {
  return user_record{.pool_id = std::move(pool_id),
                     .id = std::move(id),
                     .email = email_key,
                     .email_key = std::move(email_key),
                     .attributes_json = "{}",
                     .created_at = from_unix(1000),
                     .updated_at = from_unix(1000)};
}

auth_session_record session(std::string pool_id, std::string hash, std::int64_t expires_at) {
  return auth_session_record{.pool_id = std::move(pool_id),
                             .handle_hash = std::move(hash),
                             .user_id = "u1",
                             .client_id = "c1",
                             .step = "PASSWORD_VERIFIER",
                             .state_sealed = "sealed-state",
                             .expires_at = from_unix(expires_at),
                             .created_at = from_unix(50)};
}

refresh_token_record token(std::string hash, std::string user_id, std::string origin_jti) {
  return refresh_token_record{.token_hash = std::move(hash),
                              .pool_id = "p1",
                              .user_id = std::move(user_id),
                              .client_id = "c1",
                              .origin_jti = std::move(origin_jti),
                              .auth_time = from_unix(100),
                              .expires_at = from_unix(9000),
                              .created_at = from_unix(100)};
}

outbox_record mail(std::string recipient, std::int64_t due) {
  auto payload = "sealed:" + recipient;
  return outbox_record{.recipient = std::move(recipient),
                       .payload_sealed = std::move(payload),
                       .next_attempt_at = from_unix(due),
                       .created_at = from_unix(due)};
}

void store_fixture::SetUp() {
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
    if (starts_migrated()) {
      pg_store::migrate(url_);
    }
  }
  if (!starts_migrated()) {
    return;
  }
  store_ = open_store();
  ASSERT_TRUE(commits(*store_, [](transaction& tx) -> result<void> {
    RETURN_IF_ERROR(tx.directory().insert_pool(
        {.id = "p1", .name = "first", .settings_json = "{}", .created_at = from_unix(1)}));
    return tx.directory().insert_pool(
        {.id = "p2", .name = "second", .settings_json = "{}", .created_at = from_unix(2)});
  }));
}

void store_fixture::TearDown() {
  store_.reset();
  if (!dir_.empty()) {
    std::filesystem::remove_all(dir_);
  }
  if (admin_ && !database_.empty()) {
    EXPECT_TRUE(admin_->exec("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)"))
        << admin_->error_message();
  }
}

std::unique_ptr<store> store_fixture::open_store() {
  if (GetParam() == engine::sqlite) {
    return std::make_unique<sqlite_store>(file());
  }
  return std::make_unique<pg_store>(url_, pg_pool_size);
}

std::optional<user_record> store_fixture::find_user(const std::string& pool_id,
                                                    const std::string& id) {
  auto found =
      in_transaction(db(), [&](transaction& tx) { return tx.users().find_by_id(pool_id, id); });
  EXPECT_TRUE(found) << found.error().message;
  return found ? *found : std::nullopt;
}

}  // namespace cognate::store::testing

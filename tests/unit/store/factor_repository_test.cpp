// The factor repository on every engine: many factors per user, replaced by id, gone with their
// user, and the TOTP compare-and-set that accepts a code once.
#include "store/store_fixture.h"

#include <atomic>
#include <chrono>
#include <thread>

namespace cognate::store::testing {
namespace {

class FactorRepositoryTest : public store_fixture {
 protected:
  void SetUp() override {
    store_fixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) {
      return;
    }
    ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
      RETURN_IF_ERROR(tx.users().insert(user("p1", "u1", "a@x.com")));
      return tx.users().insert(user("p1", "u2", "b@x.com"));
    }));
  }

  std::vector<factor_record> factors(const std::string& user_id) {
    auto rows = in_read(db(), [&](transaction& tx) { return tx.factors().list("p1", user_id); });
    EXPECT_TRUE(rows) << rows.error().message;
    return rows ? *rows : std::vector<factor_record>{};
  }
};
STORE_SUITE(FactorRepositoryTest);

factor_record factor(std::string user_id, std::string id, std::string kind = "totp") {
  return factor_record{.pool_id = "p1",
                       .user_id = std::move(user_id),
                       .id = std::move(id),
                       .kind = std::move(kind),
                       .secret_sealed = "sealed",
                       .created_at = from_unix(100),
                       .updated_at = from_unix(100)};
}

TEST_P(FactorRepositoryTest, KeepsManyFactorsPerUserOrderedById) {
  ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
    for (const auto& f : {factor("u1", "totp"), factor("u1", "cred-b", "webauthn"),
                          factor("u1", "cred-a", "webauthn"), factor("u2", "totp")}) {
      RETURN_IF_ERROR(tx.factors().put(f));
    }
    return {};
  }));
  auto mine = factors("u1");
  ASSERT_EQ(mine.size(), 3u);
  EXPECT_EQ(mine[0].id, "cred-a");
  EXPECT_EQ(mine[1].id, "cred-b");
  EXPECT_EQ(mine[2].id, "totp");
  EXPECT_EQ(factors("u2").size(), 1u);
  EXPECT_TRUE(factors("u9").empty());
}

TEST_P(FactorRepositoryTest, PutReplacesAFactorAndRoundTripsEveryField) {
  ASSERT_TRUE(
      commits(db(), [](transaction& tx) { return tx.factors().put(factor("u1", "totp")); }));
  factor_record changed{.pool_id = "p1",
                        .user_id = "u1",
                        .id = "totp",
                        .kind = "totp",
                        .status = factor_status::pending,
                        .secret_sealed = "v1.sealed.secret",
                        .enabled = true,
                        .preferred = true,
                        .counter = 56'666'667'123,
                        .data_json = R"({"name":"Zoë's phone"})",
                        .created_at = from_unix(100),
                        .updated_at = from_unix(200)};
  ASSERT_TRUE(commits(db(), [&](transaction& tx) { return tx.factors().put(changed); }));
  auto found = in_read(db(), [](transaction& tx) { return tx.factors().find("p1", "u1", "totp"); });
  ASSERT_TRUE(found && *found);
  const auto& f = **found;
  EXPECT_EQ(f.kind, changed.kind);
  EXPECT_EQ(f.status, factor_status::pending);
  EXPECT_EQ(f.secret_sealed, changed.secret_sealed);
  EXPECT_TRUE(f.enabled);
  EXPECT_TRUE(f.preferred);
  EXPECT_EQ(f.counter, changed.counter);
  EXPECT_EQ(f.data_json, changed.data_json);
  EXPECT_EQ(f.created_at, changed.created_at);
  EXPECT_EQ(f.updated_at, changed.updated_at);
  EXPECT_EQ(factors("u1").size(), 1u);
}

TEST_P(FactorRepositoryTest, RemoveDropsOneFactorOnly) {
  ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
    RETURN_IF_ERROR(tx.factors().put(factor("u1", "totp")));
    return tx.factors().put(factor("u1", "totp:pending"));
  }));
  ASSERT_TRUE(commits(
      db(), [](transaction& tx) { return tx.factors().remove("p1", "u1", "totp:pending"); }));
  auto left = factors("u1");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].id, "totp");
  auto gone =
      in_read(db(), [](transaction& tx) { return tx.factors().find("p1", "u1", "totp:pending"); });
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
}

// The domain's TOTP check: read the factor, accept the step only if it is after the last
// accepted one, record it. Concurrent submissions of one code must accept it once.
TEST_P(FactorRepositoryTest, ConcurrentUsesOfOneTotpStepAcceptItOnce) {
  ASSERT_TRUE(
      commits(db(), [](transaction& tx) { return tx.factors().put(factor("u1", "totp")); }));
  auto accept_step = [&](std::int64_t step) {
    return in_transaction(db(), [&](transaction& tx) -> result<bool> {
      ASSIGN_OR_RETURN(auto found, tx.factors().find("p1", "u1", "totp"));
      auto f = found.value();
      if (step <= f.counter) {
        return false;
      }
      // Widens the window between the check and the write, so that an engine which does not
      // isolate the two would let several threads through.
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      f.counter = step;
      RETURN_IF_ERROR(tx.factors().put(f));
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
  EXPECT_EQ(factors("u1").at(0).counter, 56'666'667);
  EXPECT_FALSE(*accept_step(56'666'666));  // an older step stays refused
  EXPECT_TRUE(*accept_step(56'666'668));
}

}  // namespace
}  // namespace cognate::store::testing

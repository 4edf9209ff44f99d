// The outbox repository on every engine.
#include "store/store_fixture.h"

#include <array>
#include <map>
#include <mutex>
#include <set>

namespace cognate::store::testing {
namespace {

class OutboxRepositoryTest : public store_fixture {};
STORE_SUITE(OutboxRepositoryTest);

std::size_t claim(store& s, std::int64_t now, std::int64_t lease_until, int limit = 10) {
  auto rows = in_transaction(s, [&](transaction& tx) {
    return tx.outbox().claim_due(from_unix(now), from_unix(lease_until), limit);
  });
  EXPECT_TRUE(rows) << rows.error().message;
  return rows ? rows->size() : 0;
}

TEST_P(OutboxRepositoryTest, OutboxClaimsDueMailOnceUntilTheLeaseEnds) {
  ASSERT_TRUE(in_transaction(
      db(), [](transaction& tx) { return tx.outbox().enqueue(mail("a@x.com", 100)); }));
  EXPECT_EQ(claim(db(), 99, 159), 0u);   // not due yet
  EXPECT_EQ(claim(db(), 100, 160), 1u);  // due: claimed
  EXPECT_EQ(claim(db(), 101, 161), 0u);  // leased to the first claimer
  EXPECT_EQ(claim(db(), 159, 219), 0u);
  EXPECT_EQ(claim(db(), 160, 220), 1u);  // lease over: claimable again
  auto rows = in_transaction(db(), [](transaction& tx) {
    return tx.outbox().claim_due(from_unix(1000), from_unix(1060), 10);
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
      commits(db(), [&](transaction& tx) { return tx.outbox().mark_sent(m.id, from_unix(1001)); }));
  EXPECT_EQ(claim(db(), 5000, 5060), 0u);  // sent mail is never claimed again
  EXPECT_EQ(*in_transaction(db(), [](transaction& tx) { return tx.outbox().count_pending(); }), 0);
}

TEST_P(OutboxRepositoryTest, OutboxClaimsOldestFirstUpToTheLimit) {
  std::map<std::string, std::int64_t> ids;
  for (auto [to, due] :
       {std::pair{"c", 300}, std::pair{"a", 100}, std::pair{"b", 200}, std::pair{"later", 900}}) {
    auto id =
        in_transaction(db(), [&](transaction& tx) { return tx.outbox().enqueue(mail(to, due)); });
    ASSERT_TRUE(id);
    ids[to] = *id;
  }
  auto first = in_transaction(db(), [](transaction& tx) {
    return tx.outbox().claim_due(from_unix(500), from_unix(560), 2);
  });
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].recipient, "a");
  EXPECT_EQ((*first)[0].id, ids["a"]);
  EXPECT_EQ((*first)[1].recipient, "b");
  auto rest = in_transaction(db(), [](transaction& tx) {
    return tx.outbox().claim_due(from_unix(500), from_unix(560), 2);
  });
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].recipient, "c");
  EXPECT_EQ(*in_transaction(db(), [](transaction& tx) { return tx.outbox().count_pending(); }), 4);
}

TEST_P(OutboxRepositoryTest, RetriedMailComesBackAtItsNextAttemptAndFailedMailNever) {
  std::vector<std::int64_t> ids;
  for (const char* to : {"sent", "failed", "retried"}) {
    auto id =
        in_transaction(db(), [&](transaction& tx) { return tx.outbox().enqueue(mail(to, 100)); });
    ASSERT_TRUE(id);
    ids.push_back(*id);
  }
  ASSERT_EQ(claim(db(), 100, 160), 3u);
  ASSERT_TRUE(commits(db(), [&](transaction& tx) -> result<void> {
    if (auto r = tx.outbox().mark_sent(ids[0], from_unix(101)); !r) {
      return r;
    }
    if (auto r = tx.outbox().mark_failed(ids[1], "550 no such user"); !r) {
      return r;
    }
    return tx.outbox().retry_later(ids[2], 2, from_unix(500), "421 try later");
  }));
  EXPECT_EQ(*in_transaction(db(), [](transaction& tx) { return tx.outbox().count_pending(); }), 1);
  EXPECT_EQ(claim(db(), 499, 559), 0u);
  auto rows = in_transaction(db(), [](transaction& tx) {
    return tx.outbox().claim_due(from_unix(500), from_unix(560), 10);
  });
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().id, ids[2]);
  EXPECT_EQ(rows->front().attempts, 2);
  EXPECT_EQ(rows->front().last_error, "421 try later");
  EXPECT_EQ(rows->front().payload_sealed, "sealed:retried");
  EXPECT_EQ(claim(db(), 559, 619), 0u);          // leased
  EXPECT_EQ(claim(db(), 100'000, 100'060), 1u);  // the retried one again; sent and failed never
}

TEST_P(OutboxRepositoryTest, TwoNodesClaimEveryMailExactlyOnce) {
  constexpr int queued = 60;
  ASSERT_TRUE(commits(db(), [](transaction& tx) -> result<void> {
    for (int i = 0; i < queued; ++i) {
      if (auto id = tx.outbox().enqueue(mail("m" + std::to_string(i) + "@x.com", 100 + i % 7));
          !id) {
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
        return tx.outbox().claim_due(from_unix(200), from_unix(260), 4);
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
      if (auto r = tx.outbox().mark_sent(id, from_unix(201)); !r) {
        return r;
      }
    }
    return {};
  }));
  EXPECT_EQ(claim(db(), 10'000, 10'060), 0u);
  EXPECT_EQ(*in_transaction(db(), [](transaction& tx) { return tx.outbox().count_pending(); }), 0);
}

}  // namespace
}  // namespace cognate::store::testing

// The master key at work on a database, on every engine: the hash root (random for a new
// database, the old key for one from before roots, kept across rotations) and re-sealing every
// sealed column under a new key, with transaction bodies run twice as PostgreSQL may.
#include "pool/master_keys.h"

#include "common/random.h"
#include "crypto/seal_context.h"
#include "store/store_fixture.h"
#include "support/rerunning_store.h"

#include <numeric>

namespace cognate::pool {
namespace {

using store::sealed_column;
using store::testing::commits;
namespace ctx = crypto::seal_context;

class MasterKeysTest : public store::testing::store_fixture {
 protected:
  crypto::master_key old_key = crypto::master_key::from_bytes(random_bytes(32));
  crypto::master_key new_key = crypto::master_key::from_bytes(random_bytes(32));

  // One value in every sealed column, sealed by `s` (the row key names `tag`).
  void fill(const crypto::sealer& s, const std::string& tag) {
    ASSERT_TRUE(commits(db(), [&](store::transaction& tx) -> result<void> {
      auto u = store::testing::user("p1", "user-" + tag, tag + "@x.com");
      u.srp_verifier_sealed = s.seal(as_bytes("verifier " + tag), ctx::verifier(u.id));
      RETURN_IF_ERROR(tx.users().insert(u));
      RETURN_IF_ERROR(
          tx.factors().put({.pool_id = "p1",
                            .user_id = u.id,
                            .id = "totp",
                            .kind = "totp",
                            .secret_sealed = s.seal(as_bytes("seed " + tag), ctx::totp(u.id))}));
      auto session = store::testing::session("p1", "hash-" + tag, 4'000'000'000);
      session.state_sealed = s.seal(as_bytes("state " + tag), ctx::session(session.handle_hash));
      RETURN_IF_ERROR(tx.sessions().insert(session));
      auto mail = store::testing::mail(tag + "@x.com", 100);
      mail.payload_sealed = s.seal(as_bytes("mail " + tag), ctx::outbox(mail.recipient));
      if (auto queued = tx.outbox().enqueue(mail); !queued) {
        return queued.error();
      }
      RETURN_IF_ERROR(tx.keys().insert(
          {.kid = "kid-" + tag,
           .pool_id = "p1",
           .private_pem_sealed = s.seal(as_bytes("pem " + tag), ctx::signing_key("kid-" + tag)),
           .created_at = from_unix(1)}));
      return tx.credentials().insert(
          {.access_key_id = "AK" + tag,
           .name = tag,
           .secret_sealed = s.seal(as_bytes("secret " + tag), ctx::credential("AK" + tag)),
           .created_at = from_unix(1)});
    }));
  }

  // Every sealed value in the database (a key id no key has: "-").
  std::vector<store::sealed_value> all_values() {
    std::vector<store::sealed_value> out;
    for (auto column : store::all_sealed_columns) {
      auto values = store::in_read(db(), [&](store::transaction& tx) {
        return tx.sealed().not_sealed_with(column, "-", 1000);
      });
      EXPECT_TRUE(values);
      out.insert(out.end(), values->begin(), values->end());
    }
    return out;
  }
};
STORE_SUITE(MasterKeysTest);

TEST_P(MasterKeysTest, ANewDatabaseGetsARandomHashRootThatOutlivesTheKey) {
  auto first = open_sealer(db(), old_key);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_NE(first->derive("code-hash"), old_key.derive("code-hash"));
  auto again = open_sealer(db(), old_key);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->derive("code-hash"), first->derive("code-hash"));

  auto wrong = open_sealer(db(), new_key);
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("sealed with master key " + old_key.id()), std::string::npos)
      << wrong.error().message;

  auto ring = open_sealer(db(), new_key, {old_key});
  ASSERT_TRUE(ring);
  EXPECT_EQ(ring->derive("code-hash"), first->derive("code-hash"));
  ASSERT_TRUE(reseal_all(db(), *ring, 10));
  auto after = open_sealer(db(), new_key);  // the root is now under the new key alone
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_EQ(after->derive("code-hash"), first->derive("code-hash"));
  EXPECT_FALSE(open_sealer(db(), old_key));
}

TEST_P(MasterKeysTest, ADatabaseFromBeforeRootsKeepsTheKeyedHashesItHas) {
  fill(crypto::sealer(old_key), "legacy");  // a signing key sealed, no root: an old database
  auto without_old = open_sealer(db(), new_key);
  ASSERT_FALSE(without_old);
  EXPECT_NE(without_old.error().message.find(old_key.id()), std::string::npos);
  auto ring = open_sealer(db(), new_key, {old_key});
  ASSERT_TRUE(ring) << ring.error().message;
  EXPECT_EQ(ring->derive("code-hash"), old_key.derive("code-hash"));
  EXPECT_EQ(ring->derive("email-otp"), crypto::sealer(old_key).derive("email-otp"));
}

TEST_P(MasterKeysTest, ReSealsEveryColumnOnceEvenWhenBodiesRunTwice) {
  fill(crypto::sealer(old_key), "a");
  auto opened = open_sealer(db(), old_key);
  ASSERT_TRUE(opened);
  fill(*opened, "b");
  auto ring = open_sealer(db(), new_key, {old_key});
  ASSERT_TRUE(ring);
  fill(*ring, "c");  // written by a node that already seals with the new key

  testing::rerunning_store twice(db());
  std::vector<reseal_progress> heard;
  auto report = reseal_all(twice, *ring, 1, [&](const reseal_progress& p) { heard.push_back(p); });
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->left, 0);
  for (auto column : store::all_sealed_columns) {
    const auto n = report->resealed[static_cast<std::size_t>(column)];
    EXPECT_EQ(n, column == sealed_column::setting         ? 1
                 : column == sealed_column::client_secret ? 0
                                                          : 2)
        << store::column_name(column);
  }
  const auto total = std::accumulate(report->resealed.begin(), report->resealed.end(), 0LL);
  EXPECT_EQ(total, 6 * 2 + 1);
  ASSERT_FALSE(heard.empty());
  EXPECT_TRUE(heard.back().finished);

  // Every value opens with the new key alone, under its own context, and holds what it held.
  auto alone = open_sealer(db(), new_key);
  ASSERT_TRUE(alone) << alone.error().message;
  int checked = 0;
  for (const auto& v : all_values()) {
    EXPECT_EQ(crypto::sealer::key_id_of(v.sealed), new_key.id());
    if (v.column == sealed_column::verifier) {
      auto plain = alone->open(v.sealed, ctx::verifier(v.owner));
      ASSERT_TRUE(plain);
      EXPECT_EQ(std::string(plain->begin(), plain->end()).substr(0, 9), "verifier ");
    } else if (v.column == sealed_column::factor_secret) {
      EXPECT_EQ(v.owner.substr(v.owner.rfind(':')), ":totp");
      EXPECT_TRUE(alone->open(v.sealed, ctx::totp(v.owner.substr(0, v.owner.rfind(':')))));
    } else if (v.column == sealed_column::credential_secret) {
      EXPECT_TRUE(alone->open(v.sealed, ctx::credential(v.owner)));
    }
    ++checked;
  }
  EXPECT_EQ(checked, 6 * 3 + 1);

  auto nothing = reseal_all(db(), *ring, 100);
  ASSERT_TRUE(nothing);
  EXPECT_EQ(std::accumulate(nothing->resealed.begin(), nothing->resealed.end(), 0LL), 0);
}

TEST_P(MasterKeysTest, AValueUnderAKeyNotGivenStopsTheRunAndSaysWhere) {
  auto opened = open_sealer(db(), old_key);
  ASSERT_TRUE(opened);
  fill(*opened, "a");
  const auto stray = crypto::master_key::from_bytes(random_bytes(32));
  ASSERT_TRUE(commits(db(), [&](store::transaction& tx) {
    return tx.credentials().insert(
        {.access_key_id = "AKstray",
         .name = "stray",
         .secret_sealed = crypto::sealer(stray).seal(as_bytes("s"), ctx::credential("AKstray")),
         .created_at = from_unix(1)});
  }));
  auto ring = open_sealer(db(), new_key, {old_key});
  ASSERT_TRUE(ring);
  auto report = reseal_all(db(), *ring, 50);
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().message.find("operator_credentials.secret"), std::string::npos);
  EXPECT_NE(report.error().message.find(stray.id()), std::string::npos) << report.error().message;
  // The columns before it were done and stay done.
  auto left = store::in_read(db(), [&](store::transaction& tx) {
    return tx.sealed().count_not_sealed_with(sealed_column::verifier, new_key.id());
  });
  ASSERT_TRUE(left);
  EXPECT_EQ(*left, 0);
}

}  // namespace
}  // namespace cognate::pool

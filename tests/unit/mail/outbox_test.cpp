// The outbox worker's retry schedule, driven by a simulated clock and a real SQLite store. The
// mailer here is a recording stand-in: the real SMTP path has its own test against a real server.
#include "mail/outbox.h"

#include "common/random.h"
#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>
#include <vector>

namespace cognate::mail {
namespace {

using namespace std::chrono_literals;

class flaky_mailer final : public mailer {
 public:
  result<void> send(const message& m) override {
    ++attempts;
    if (failures_left > 0) {
      --failures_left;
      return failure{errc::code_delivery_failure, "connection refused"};
    }
    delivered.push_back(m);
    return {};
  }
  int failures_left = 0;
  int attempts = 0;
  std::vector<message> delivered;
};

class OutboxTest : public ::testing::Test {
 protected:
  OutboxTest()
      : dir_(std::filesystem::temp_directory_path() / ("cognate-outbox-" + random_uuid())),
        store_((std::filesystem::create_directories(dir_), dir_ / "db")),
        sealer_(crypto::master_key::from_bytes(random_bytes(32))),
        worker_(store_, sealer_, mailer_, clock_) {}
  ~OutboxTest() override { std::filesystem::remove_all(dir_); }

  void queue(const std::string& to) {
    message m;
    m.from = "from@example.com";
    m.to = to;
    m.subject = "Subject";
    m.body = "Code 123456";
    m.code = "123456";
    m.message_id = "<id@example.com>";
    m.date = clock_.now();
    auto row = to_outbox_record(m, sealer_, clock_.now());
    ASSERT_TRUE(in_transaction(store_, [&](store::transaction& tx) { return tx.outbox().enqueue(row); }));
  }

  std::filesystem::path dir_;
  manual_clock clock_;
  store::sqlite_store store_;
  crypto::sealer sealer_;
  flaky_mailer mailer_;
  outbox_worker worker_;
};

TEST_F(OutboxTest, SealedPayloadRoundTripsTheMessage) {
  message m;
  m.to = "a@example.com";
  m.subject = "S";
  m.body = "B";
  m.code = "654321";
  m.date = from_unix(1234);
  auto row = to_outbox_record(m, sealer_, from_unix(1234));
  EXPECT_EQ(row.payload_sealed.find("654321"), std::string::npos);
  auto back = from_outbox_record(row, sealer_);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->body, "B");
  EXPECT_EQ(back->code, "654321");
  EXPECT_EQ(back->date, from_unix(1234));
}

TEST_F(OutboxTest, DeliversQueuedMailOnce) {
  queue("a@example.com");
  EXPECT_EQ(worker_.deliver_due(), 1);
  EXPECT_EQ(worker_.deliver_due(), 0);
  ASSERT_EQ(mailer_.delivered.size(), 1u);
  EXPECT_EQ(mailer_.delivered[0].code, "123456");
}

TEST_F(OutboxTest, RetriesWithDoublingBackOffUntilTheServerAnswers) {
  mailer_.failures_left = 3;
  queue("a@example.com");
  EXPECT_EQ(worker_.deliver_due(), 0);  // attempt 1 fails: retry in 1 s
  EXPECT_EQ(worker_.deliver_due(), 0);
  EXPECT_EQ(mailer_.attempts, 1);
  clock_.advance(1s);
  EXPECT_EQ(worker_.deliver_due(), 0);  // attempt 2 fails: retry in 2 s
  clock_.advance(1s);
  EXPECT_EQ(worker_.deliver_due(), 0);
  EXPECT_EQ(mailer_.attempts, 2);
  clock_.advance(1s);
  EXPECT_EQ(worker_.deliver_due(), 0);  // attempt 3 fails: retry in 4 s
  clock_.advance(4s);
  EXPECT_EQ(worker_.deliver_due(), 1);  // attempt 4 succeeds
  EXPECT_EQ(mailer_.attempts, 4);
  EXPECT_EQ(mailer_.delivered.size(), 1u);
}

TEST_F(OutboxTest, GivesUpAfterTheDeadlineAndDropsThePayload) {
  mailer_.failures_left = 1000;
  queue("a@example.com");
  for (int i = 0; i < 40 && mailer_.attempts < 1000; ++i) {
    worker_.deliver_due();
    clock_.advance(5min);
  }
  clock_.advance(73h);
  worker_.deliver_due();
  const int attempts = mailer_.attempts;
  clock_.advance(24h);
  worker_.deliver_due();
  EXPECT_EQ(mailer_.attempts, attempts);  // failed for good: no more attempts
  EXPECT_EQ(*in_transaction(store_, [](store::transaction& tx) { return tx.outbox().count_pending(); }), 0);
}

TEST_F(OutboxTest, WorkerThreadDeliversWhenNotified) {
  worker_.start();
  queue("a@example.com");
  worker_.notify();
  auto pending = [&] {
    return *in_transaction(store_, [](store::transaction& tx) { return tx.outbox().count_pending(); });
  };
  for (int i = 0; i < 200 && pending() > 0; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  worker_.stop();
  EXPECT_EQ(mailer_.delivered.size(), 1u);
}

// A worker claims one mail at a time, just before sending it: while one is being sent, the others
// stay free for other workers (nodes).
TEST_F(OutboxTest, ClaimsOneMailAtATimeSoTheOthersStayFreeMeanwhile) {
  struct peeking_mailer final : mailer {
    peeking_mailer(store::store& s, const clock& c) : store(s), now(c) {}
    result<void> send(const message&) override {
      // A claim whose lease ends now leaves what it finds due.
      auto due = in_transaction(store, [&](store::transaction& tx) {
        return tx.outbox().claim_due(now.now(), now.now(), 10);
      });
      free_meanwhile.push_back(due ? static_cast<int>(due->size()) : -1);
      return {};
    }
    store::store& store;
    const clock& now;
    std::vector<int> free_meanwhile;
  } peeker(store_, clock_);
  outbox_worker worker(store_, sealer_, peeker, clock_);
  queue("a@example.com");
  queue("b@example.com");
  queue("c@example.com");
  EXPECT_EQ(worker.deliver_due(), 3);
  EXPECT_EQ(peeker.free_meanwhile, (std::vector<int>{2, 1, 0}));
}

// A mail whose sending died with its process (here: the mailer throws out of deliver_due) stays
// reserved for the mailer's longest send plus the margin, then is sent again: seconds, not the
// minutes a fixed lease took.
TEST_F(OutboxTest, AMailWhoseSenderDiedIsSentAgainAfterOneSendTimeAndTheMargin) {
  struct dying_mailer final : mailer {
    result<void> send(const message&) override {
      if (die) {
        throw std::runtime_error("killed mid-send");
      }
      ++sent;
      return {};
    }
    std::chrono::seconds max_send_time() const override { return 5s; }
    bool die = true;
    int sent = 0;
  } dying;
  outbox_worker worker(store_, sealer_, dying, clock_, {.lease_margin = 5s});
  queue("a@example.com");
  EXPECT_THROW(worker.deliver_due(), std::runtime_error);
  dying.die = false;
  clock_.advance(9s);
  EXPECT_EQ(worker.deliver_due(), 0);  // still reserved for the send that died
  clock_.advance(1s);
  EXPECT_EQ(worker.deliver_due(), 1);
  EXPECT_EQ(dying.sent, 1);
}

}  // namespace
}  // namespace cognate::mail

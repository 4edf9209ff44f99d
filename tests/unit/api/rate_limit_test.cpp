// Token buckets per address and per client: the burst, the refill, keys kept apart, the bounded
// table, IPv6 by /64, and the settings' grammar.
#include "api/rate_limit.h"

#include <gtest/gtest.h>

#include <string>

namespace cognate::api {
namespace {

using namespace std::chrono_literals;
using clock_type = rate_limiter::clock;

rate_limits sign_in_only(rate per_address, rate per_client = {}) {
  rate_limits l;
  l.of(limit_class::sign_in) = {.per_address = per_address, .per_client = per_client};
  return l;
}

int admitted(rate_limiter& limiter, std::string_view address, int tries, clock_type::time_point t) {
  int n = 0;
  for (int i = 0; i < tries; ++i) {
    n += limiter.admit_address(limit_class::sign_in, address, t) ? 1 : 0;
  }
  return n;
}

TEST(RateLimiterTest, AnAddressGetsItsBurstThenItsRate) {
  rate_limiter limiter(sign_in_only({.per_second = 10, .burst = 20}));
  const auto t0 = clock_type::now();
  EXPECT_EQ(admitted(limiter, "192.0.2.1", 50, t0), 20);
  EXPECT_EQ(admitted(limiter, "192.0.2.1", 50, t0 + 500ms), 5);
  EXPECT_EQ(admitted(limiter, "192.0.2.1", 50, t0 + 10s), 20);  // refilled, never above the burst
}

TEST(RateLimiterTest, OneAddressSpendsNothingOfAnothers) {
  rate_limiter limiter(sign_in_only({.per_second = 1, .burst = 3}));
  const auto t0 = clock_type::now();
  EXPECT_EQ(admitted(limiter, "192.0.2.1", 100, t0), 3);
  EXPECT_EQ(admitted(limiter, "192.0.2.2", 100, t0), 3);
}

TEST(RateLimiterTest, ClassesAndScopesAreSeparateAndUnlimitedClassesPass) {
  rate_limits l = sign_in_only({.per_second = 1, .burst = 1}, {.per_second = 1, .burst = 2});
  rate_limiter limiter(l);
  const auto t0 = clock_type::now();
  EXPECT_TRUE(limiter.admit_address(limit_class::sign_in, "x", t0));
  EXPECT_FALSE(limiter.admit_address(limit_class::sign_in, "x", t0));
  constexpr auto ok = rate_limiter::verdict::admitted;
  constexpr auto client_over = rate_limiter::verdict::client_over;
  EXPECT_EQ(limiter.admit_pool(limit_class::sign_in, "p", "x", "x", t0), ok);  // another scope
  EXPECT_EQ(limiter.admit_pool(limit_class::sign_in, "p", "x", "x", t0), ok);
  EXPECT_EQ(limiter.admit_pool(limit_class::sign_in, "p", "x", "x", t0), client_over);
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(limiter.admit_address(limit_class::sign_up, "x", t0));  // no limit set
  }
}

TEST(RateLimiterTest, TheTableIsBoundedAndIdleBucketsMakeRoom) {
  rate_limiter limiter(sign_in_only({.per_second = 1, .burst = 1}), /*max_keys=*/16 * 4);
  const auto t0 = clock_type::now();
  for (int i = 0; i < 10'000; ++i) {
    (void)limiter.admit_address(limit_class::sign_in, "10.0." + std::to_string(i), t0);
  }
  // Four per shard at most, plus each shard's overflow bucket.
  EXPECT_LE(limiter.size(), 16u * 5);
  // Once the buckets have refilled (idle), new addresses get buckets of their own again.
  EXPECT_TRUE(limiter.admit_address(limit_class::sign_in, "192.0.2.77", t0 + 5s));
  EXPECT_FALSE(limiter.admit_address(limit_class::sign_in, "192.0.2.77", t0 + 5s));
  EXPECT_TRUE(limiter.admit_address(limit_class::sign_in, "192.0.2.78", t0 + 5s));
}

TEST(RateLimiterTest, IPv6AddressesShareTheirSlash64) {
  EXPECT_EQ(rate_limiter::address_key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(rate_limiter::address_key("2001:db8:1:2:bbbb::9"), "2001:db8:1:2::/64");
  EXPECT_EQ(rate_limiter::address_key("::ffff:192.0.2.5"), "192.0.2.5");
  EXPECT_EQ(rate_limiter::address_key("192.0.2.5"), "192.0.2.5");
  rate_limiter limiter(sign_in_only({.per_second = 1, .burst = 2}));
  const auto t0 = clock_type::now();
  EXPECT_EQ(
      admitted(limiter, "2001:db8:1:2::1", 1, t0) + admitted(limiter, "2001:db8:1:2::2", 5, t0), 2);
}

TEST(RateLimiterTest, APoolsOwnLimitsHoldForItsCallsAndOnlyThem) {
  auto l = sign_in_only({.per_second = 1, .burst = 2}, {.per_second = 100, .burst = 100});
  ASSERT_TRUE(l.apply("us-east-1_Nat:sign-in.address=5/10"));  // many users behind one address
  ASSERT_TRUE(l.apply("us-east-1_Small:sign-in.client=1/3"));
  ASSERT_TRUE(l.apply("us-east-1_Open:off"));
  EXPECT_EQ(l.for_pool("us-east-1_Nat")[static_cast<std::size_t>(limit_class::sign_in)]
                .per_address.per_second,
            5);
  EXPECT_EQ(l.for_pool("us-east-1_Other")[static_cast<std::size_t>(limit_class::sign_in)]
                .per_address.per_second,
            1);
  rate_limiter limiter(l);
  const auto t0 = clock_type::now();
  constexpr auto ok = rate_limiter::verdict::admitted;
  constexpr auto client_over = rate_limiter::verdict::client_over;
  // Before the pool is known, an address gets the highest any pool allows it… off, here.
  EXPECT_EQ(admitted(limiter, "192.0.2.1", 50, t0), 50);
  rate_limiter no_open([&] {
    auto copy = l;
    copy.pools.erase("us-east-1_Open");
    return copy;
  }());
  EXPECT_EQ(admitted(no_open, "192.0.2.1", 50, t0), 10);  // the Nat pool's burst
  // …then each pool holds it to its own.
  int nat = 0;
  int other = 0;
  int open = 0;
  for (int i = 0; i < 50; ++i) {
    nat += limiter.admit_pool(limit_class::sign_in, "us-east-1_Nat", "c1", "192.0.2.1", t0) == ok;
    other +=
        limiter.admit_pool(limit_class::sign_in, "us-east-1_Other", "c2", "192.0.2.1", t0) == ok;
    open += limiter.admit_pool(limit_class::sign_in, "us-east-1_Open", "c3", "192.0.2.1", t0) == ok;
  }
  EXPECT_EQ(nat, 10);
  EXPECT_EQ(other, 2);
  EXPECT_EQ(open, 50);
  // A pool's per-client rate: its client runs out, another pool's client does not.
  EXPECT_EQ(limiter.admit_pool(limit_class::sign_in, "us-east-1_Small", "s", "192.0.2.9", t0), ok);
  EXPECT_EQ(limiter.admit_pool(limit_class::sign_in, "us-east-1_Small", "s", "192.0.2.10", t0), ok);
  EXPECT_EQ(limiter.admit_pool(limit_class::sign_in, "us-east-1_Small", "s", "192.0.2.11", t0), ok);
  EXPECT_EQ(limiter.admit_pool(limit_class::sign_in, "us-east-1_Small", "s", "192.0.2.12", t0),
            client_over);
  EXPECT_EQ(limiter.admit_pool(limit_class::sign_in, "us-east-1_Other", "o", "192.0.2.12", t0), ok);
}

TEST(RateLimitsTest, SettingsParseAndBadOnesSayWhy) {
  auto l = rate_limits::defaults();
  EXPECT_EQ(l.of(limit_class::sign_in).per_client.per_second, 120);  // Cognito's quota
  EXPECT_EQ(l.of(limit_class::sign_up).per_client.per_second, 50);
  EXPECT_EQ(l.of(limit_class::recovery).per_client.per_second, 30);
  ASSERT_TRUE(l.apply("sign-in.address=3/7"));
  EXPECT_EQ(l.of(limit_class::sign_in).per_address.per_second, 3);
  EXPECT_EQ(l.of(limit_class::sign_in).per_address.burst, 7);
  ASSERT_TRUE(l.apply("recovery.client=0.5"));
  EXPECT_EQ(l.of(limit_class::recovery).per_client.burst, 1);  // twice 0.5
  ASSERT_TRUE(l.apply("off"));
  EXPECT_EQ(l.of(limit_class::sign_in).per_address.per_second, 0);
  ASSERT_TRUE(l.apply("defaults"));
  EXPECT_EQ(l.of(limit_class::sign_in).per_address.per_second, 20);
  for (const char* bad : {"sign-in", "login.address=3", "sign-in.user=3", "sign-in.address=x",
                          "sign-in.address=3/0", "sign-in.address=-1", ":sign-in.address=3",
                          "us-east-1_X:login.address=3", "us-east-1_X:offf"}) {
    auto r = l.apply(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message.find(bad), std::string::npos) << r.error().message;
  }
}

}  // namespace
}  // namespace cognate::api

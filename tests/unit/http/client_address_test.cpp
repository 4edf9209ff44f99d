// The caller's address: the peer, unless the peer is a trusted proxy; then the right-most
// X-Forwarded-For entry that is not one.
#include "http/client_address.h"

#include <gtest/gtest.h>

namespace cognate::http {
namespace {

trusted_proxies parse(std::vector<std::string> entries) {
  auto p = trusted_proxies::parse(entries);
  EXPECT_TRUE(p) << p.error().message;
  return *p;
}

TEST(ClientAddressTest, WithoutTrustedProxiesThePeerIsTheCaller) {
  const trusted_proxies none;
  EXPECT_EQ(none.client_address("192.0.2.1", "203.0.113.9"), "192.0.2.1");
}

TEST(ClientAddressTest, ATrustedPeersForwardedForNamesTheCaller) {
  const auto p = parse({"10.0.0.0/8", "127.0.0.1"});
  EXPECT_EQ(p.client_address("127.0.0.1", "203.0.113.9"), "203.0.113.9");
  EXPECT_EQ(p.client_address("10.1.2.3", "203.0.113.9, 10.0.0.7"), "203.0.113.9");
  // What the client itself wrote (left of the hop the proxy appended) is not believed.
  EXPECT_EQ(p.client_address("127.0.0.1", "6.6.6.6, 203.0.113.9"), "203.0.113.9");
  // An untrusted peer's header is ignored.
  EXPECT_EQ(p.client_address("192.0.2.1", "203.0.113.9"), "192.0.2.1");
  // No header, or garbage: the nearest address known.
  EXPECT_EQ(p.client_address("127.0.0.1", ""), "127.0.0.1");
  EXPECT_EQ(p.client_address("127.0.0.1", "not-an-address"), "127.0.0.1");
  EXPECT_EQ(p.client_address("10.1.2.3", "junk, 10.0.0.7"), "10.0.0.7");
}

TEST(ClientAddressTest, NetworksMatchByPrefixOnBothFamilies) {
  const auto p = parse({"192.0.2.128/25", "2001:db8::/32"});
  EXPECT_TRUE(p.trusts("192.0.2.200"));
  EXPECT_FALSE(p.trusts("192.0.2.100"));
  EXPECT_TRUE(p.trusts("2001:db8:ffff::1"));
  EXPECT_FALSE(p.trusts("2001:db9::1"));
  EXPECT_TRUE(p.trusts("::ffff:192.0.2.129"));
}

TEST(ClientAddressTest, BadEntriesAreRefusedByName) {
  for (std::string bad : {"10.0.0.0/33", "nonsense", "10.0.0.1/x", "::1/129"}) {
    auto p = trusted_proxies::parse({bad});
    ASSERT_FALSE(p) << bad;
    EXPECT_NE(p.error().message.find(bad), std::string::npos);
  }
}

}  // namespace
}  // namespace cognate::http

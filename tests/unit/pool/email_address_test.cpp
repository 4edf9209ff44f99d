#include "pool/email_address.h"

#include <gtest/gtest.h>

namespace cognate::pool {
namespace {

TEST(EmailAddress, AcceptsOrdinaryAddresses) {
  EXPECT_TRUE(looks_like_email("alice@example.com"));
  EXPECT_TRUE(looks_like_email("a.b+tag@sub.example.co.uk"));
}

TEST(EmailAddress, RejectsWhatCannotBeAnAddress) {
  for (const char* bad : {"", "alice", "@example.com", "alice@", "a@b@c", "al ice@example.com",
                          "alice@.example.com", "alice@example..com", "alice@example.com.",
                          "ali\nce@example.com"}) {
    EXPECT_FALSE(looks_like_email(bad)) << bad;
  }
  EXPECT_FALSE(looks_like_email(std::string(65, 'a') + "@example.com"));
}

TEST(EmailAddress, KeyIsCaseInsensitive) {
  EXPECT_EQ(email_key("Alice@Example.COM"), "alice@example.com");
}

TEST(EmailAddress, MaskShowsOnlyFirstLetters) {
  EXPECT_EQ(mask_email("alice@example.com"), "a***@e***");
  EXPECT_EQ(mask_email("nonsense"), "***");
  EXPECT_EQ(mask_email("élise@élan.fr"), "é***@é***");  // whole characters, valid UTF-8
}

}  // namespace
}  // namespace cognate::pool

#include "mail/template.h"

#include <gtest/gtest.h>

namespace cognate::mail {
namespace {

TEST(RenderTemplate, ReplacesEveryCodePlaceholder) {
  EXPECT_EQ(render_template("Code {####}. Again: {####}!", "042917"),
            "Code 042917. Again: 042917!");
}

TEST(RenderTemplate, ReplacesEveryUsernamePlaceholder) {
  EXPECT_EQ(render_template("Hi {username}, your code is {####} ({username})", "123456", "alice"),
            "Hi alice, your code is 123456 (alice)");
}

TEST(RenderTemplate, UsernameDefaultsToEmpty) {
  EXPECT_EQ(render_template("Hi {username}!", "1"), "Hi !");
}

TEST(RenderTemplate, DoesNotExpandSubstitutedText) {
  EXPECT_EQ(render_template("{####}|{username}", "{username}", "{####}"), "{username}|{####}");
}

TEST(RenderTemplate, LeavesOtherBracesAlone) {
  EXPECT_EQ(render_template("{###} {#####} { username } {name} {####", "9"),
            "{###} {#####} { username } {name} {####");
  EXPECT_EQ(render_template("{{####}}", "9"), "{9}");
}

TEST(RenderTemplate, KeepsUtf8Text) {
  EXPECT_EQ(render_template("Bestätigungscode: {####} ✉", "123456"), "Bestätigungscode: 123456 ✉");
}

TEST(RenderTemplate, EmptyTemplateRendersEmpty) { EXPECT_EQ(render_template("", "1", "a"), ""); }

}  // namespace
}  // namespace cognate::mail

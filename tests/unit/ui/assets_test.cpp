#include "ui/assets.h"

#include <gtest/gtest.h>

namespace cognate::ui {
namespace {

TEST(UiAssets, EmbedsThePageAndItsFilesWhole) {
  const auto& all = assets();
  ASSERT_TRUE(all.contains("index.html"));
  ASSERT_TRUE(all.contains("app.js"));
  ASSERT_TRUE(all.contains("app.css"));
  EXPECT_TRUE(all.at("index.html").starts_with("<!doctype html>"));
  EXPECT_NE(all.at("index.html").find("/ui/app.js"), std::string_view::npos);
  EXPECT_NE(all.at("app.js").find("USER_SRP_AUTH"), std::string_view::npos);
  EXPECT_EQ(all.at("app.js").back(), '\n');  // not truncated
}

}  // namespace
}  // namespace cognate::ui

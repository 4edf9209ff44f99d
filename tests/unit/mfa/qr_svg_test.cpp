#include "mfa/qr_svg.h"

#include <gtest/gtest.h>

namespace cognate::mfa {
namespace {

TEST(QrSvg, DrawsAScalableSquareSymbolWithAQuietZone) {
  auto svg = qr_svg("otpauth://totp/My%20App:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=My%20App");
  ASSERT_TRUE(svg);
  EXPECT_TRUE(svg->starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "));
  // Version 3 or larger for this length: width ≥ 29 modules + 8 quiet → viewBox ≥ 37.
  auto box = std::stoi(svg->substr(svg->find("0 0 ") + 4));
  EXPECT_GE(box, 37);
  // The top-left finder pattern starts right after the quiet zone.
  EXPECT_NE(svg->find("M4,4h1v1h-1z"), std::string::npos);
  EXPECT_EQ(svg->find("<script"), std::string::npos);
}

TEST(QrSvg, RefusesEmptyOrOversizedText) {
  EXPECT_FALSE(qr_svg(""));
  EXPECT_FALSE(qr_svg(std::string(5000, 'a')));
}

}  // namespace
}  // namespace cognate::mfa

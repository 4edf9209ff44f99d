// libFuzzer target: every parser that sees a client's request body — the JSON body parser and
// the member validation of api/decoder with every member type an operation declares.
#include "api/decoder.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

using cognate::api::member_rule;
using cognate::api::member_type;

constexpr std::array<member_rule, 6> members{
    member_rule{"ClientId", member_type::string, true, {1, 128, true}},
    member_rule{"Session", member_type::string, false, {20, 2048, true}},
    member_rule{"UserCode", member_type::string, false, {6, 6, true, true}},
    member_rule{"UserAttributes", member_type::attribute_list},
    member_rule{"AuthParameters", member_type::string_map},
    member_rule{"SoftwareTokenMfaSettings", member_type::mfa_setting},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto parsed = cognate::api::parse_body(body);
  if (!parsed) {
    return 0;
  }
  cognate::api::decoder in(*parsed);
  in.validate(members);
  (void)in.string_map("ChallengeResponses");
  (void)in.mfa_setting("EmailMfaSettings");
  return 0;
}

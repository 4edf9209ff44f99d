// libFuzzer target: a request body as every operation reads it — the JSON body parser
// (api::parse_body), then, for each operation of the table (api::cognito_operations()), the
// validation of its declared members and the typed read of each member (what service::run() and
// the handlers do with a body that validated). The handlers themselves are link stubs generated
// by fuzz/build.sh from api/handlers.h: the table is linked, not the domain behind it.
#include "api/decoder.h"
#include "api/operation.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using cognate::api::member_type;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto parsed = cognate::api::parse_body(body);
  if (!parsed) {
    return 0;
  }
  for (const auto& op : cognate::api::cognito_operations()) {
    cognate::api::decoder in(*parsed);
    in.validate(op.members);
    if (in.error()) {
      continue;
    }
    for (const auto& m : op.members) {
      switch (m.type) {
        case member_type::string:
          (void)in.optional_string(m.name, m.rule);
          break;
        case member_type::string_map:
          (void)in.string_map(m.name);
          break;
        case member_type::attribute_list:
          (void)in.attribute_list(m.name);
          break;
        case member_type::mfa_setting:
          (void)in.mfa_setting(m.name);
          break;
        case member_type::string_list:
          (void)in.string_list(m.name, m.rule);
          break;
        case member_type::integer:
          (void)in.optional_integer(m.name, m.rule);
          break;
        case member_type::boolean:
          (void)in.optional_bool(m.name);
          break;
      }
    }
  }
  return 0;
}

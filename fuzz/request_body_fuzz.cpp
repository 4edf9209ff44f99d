// libFuzzer target: every parser that sees a client's request body — the JSON body parser and
// the typed member readers of api/decoder, as one operation would use them.
#include "api/decoder.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto parsed = cognate::api::parse_body(body);
  if (!parsed) {
    return 0;
  }
  cognate::api::decoder in(*parsed);
  (void)in.required_string("ClientId", {1, 128, true});
  (void)in.optional_string("Session", {20, 2048, true});
  (void)in.attribute_list("UserAttributes");
  return 0;
}

// libFuzzer target: the config readers — amplify/auth.json (pool::parse_auth_config, an
// operator's file, also what a Gen 2 backend.ts compiles to) and a pool's settings row as the
// store keeps it (pool::settings_from_json) — and what is built from parsed settings: the change
// summary the sandbox prints and amplify_outputs.json.
//
// Properties checked: settings survive settings_to_json → settings_from_json unchanged, and a
// config compared with itself reports no change.
#include "pool/auth_config.h"
#include "pool/settings_json.h"

#include <boost/json/serialize.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

using namespace cognate;

void must(bool holds, const char* what) {
  if (!holds) {
    std::fprintf(stderr, "config_fuzz: %s\n", what);
    std::abort();
  }
}

void round_trip(const pool::pool_settings& s) {
  const auto back = pool::settings_from_json(pool::settings_to_json(s));
  must(back.has_value(), "settings_from_json refused what settings_to_json wrote");
  must(*back == s, "settings changed through settings_to_json → settings_from_json");
  must(pool::describe_changes(s, s).empty(), "describe_changes(s, s) is not empty");
  (void)pool::describe_changes(pool::pool_settings{}, s);
  (void)boost::json::serialize(pool::amplify_outputs(s, "us-east-1_Ab12Cd34E", "client123"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto s = pool::parse_auth_config(text)) {
    round_trip(*s);
  }
  if (auto s = pool::settings_from_json(text)) {
    round_trip(*s);
  }
  return 0;
}

// libFuzzer target: `cognate import`'s reading of a Cognito user-import CSV — the streaming CSV
// reader (Debian's libcsv under pool::csv_reader), fed in two pieces split where the first byte
// says, then the header and every row checked against a pool with a custom attribute.
//
// Properties checked: records come in the order of their lines, each within the bounds given (no
// more fields than allowed, no field longer than allowed); a row that reads as a user has a
// well-formed email and valid UTF-8 attributes that survive attributes_to_json → from_json.
#include "common/encoding.h"
#include "pool/attributes.h"
#include "pool/csv_reader.h"
#include "pool/email_address.h"
#include "pool/user_import.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

using namespace cognate;

constexpr std::size_t max_field = 512;
constexpr std::size_t max_fields = 32;

void must(bool holds, const char* what) {
  if (!holds) {
    std::fprintf(stderr, "csv_import_fuzz: %s\n", what);
    std::abort();
  }
}

const pool::pool_settings& settings() {
  static const pool::pool_settings s = [] {
    pool::pool_settings p;
    p.attributes.push_back({.name = "custom:plan", .custom = true, .data_type = "String",
                            .min_len = 1, .max_len = 16});
    p.attributes.push_back({.name = "custom:seats", .custom = true, .data_type = "Number",
                            .min = 1, .max = 100});
    return p;
  }();
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t split = std::min<std::size_t>(data[0], text.size());
  pool::csv_reader reader(max_field, max_fields);
  std::vector<pool::csv_record> records;
  if (reader.feed(text.substr(0, split), records) && reader.feed(text.substr(split), records)) {
    (void)reader.finish(records);
  }
  std::size_t last_line = 0;
  std::optional<pool::import_columns> columns;
  for (const auto& r : records) {
    // Non-decreasing: a bare CR ends a record without starting a line.
    must(r.line >= 1 && r.line >= last_line, "records out of line order");
    last_line = r.line;
    must(!r.fields.empty() && r.fields.size() <= max_fields, "a record's field count out of bounds");
    for (const auto& f : r.fields) {
      must(f.size() <= max_field, "a field longer than the bound");
    }
    if (!columns) {
      auto header = pool::read_import_header(settings(), r.fields);
      if (!header) {
        break;
      }
      columns = std::move(*header);
      continue;
    }
    auto user = pool::read_import_row(settings(), *columns, r.fields, r.line);
    if (!user) {
      continue;
    }
    must(pool::looks_like_email(user->email), "an imported email that is not an email");
    must(user->attributes.at("email") == user->email, "the email attribute is not the email");
    for (const auto& [name, value] : user->attributes) {
      must(is_utf8(name) && is_utf8(value), "an imported attribute that is not UTF-8");
    }
    must(pool::attributes_from_json(pool::attributes_to_json(user->attributes)) == user->attributes,
         "imported attributes changed through their JSON");
  }
  return 0;
}

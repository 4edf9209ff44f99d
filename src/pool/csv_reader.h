#pragma once
// A streaming reader of RFC 4180 CSV (Debian's libcsv, strict mode): bytes in, in pieces of any
// size; records out, each with the line it began on (a quoted field may span lines). LF and CRLF
// line ends; blank lines are skipped. Bounded: a field longer than `max_field` bytes (an unclosed
// quote swallowing the file, say) or a record of more than `max_fields` fields is an error
// rather than memory. Not thread-safe.

#include "common/error.h"

#include <csv.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cognate::pool {

struct csv_record {
  std::size_t line = 0;  // 1-based line of the record's first byte
  std::vector<std::string> fields;
};

class csv_reader {
 public:
  explicit csv_reader(std::size_t max_field = 64 * 1024, std::size_t max_fields = 256);
  ~csv_reader();
  csv_reader(const csv_reader&) = delete;
  csv_reader& operator=(const csv_reader&) = delete;

  // Parses `bytes` (the next piece of the input); the records they complete are appended to
  // `out`. Failure (invalid_parameter, naming the line): malformed quoting, a field or record
  // past the bounds. After a failure the reader reads nothing more.
  result<void> feed(std::string_view bytes, std::vector<csv_record>& out);
  // The end of the input: a last record without a final line end goes to `out`. Fails on an
  // unclosed quote.
  result<void> finish(std::vector<csv_record>& out);

 private:
  static void on_field(void* data, std::size_t size, void* self);
  static void on_record(int terminator, void* self);
  result<void> parse(std::string_view bytes);
  failure broken(std::string_view why) const;  // naming the line of the record being read

  csv_parser parser_;
  std::size_t max_field_;
  std::size_t max_fields_;
  std::vector<csv_record>* out_ = nullptr;
  csv_record current_;
  std::optional<std::string> bound_broken_;  // why a record is past the bounds, with its line
  std::size_t line_ = 1;          // the line being parsed
  std::size_t record_line_ = 1;   // where the record being read began
  bool failed_ = false;
};

}  // namespace cognate::pool

#include "pool/csv_reader.h"

#include "common/reasons.h"

#include <fmt/format.h>

namespace cognate::pool {

csv_reader::csv_reader(std::size_t max_field, std::size_t max_fields)
    : max_field_(max_field), max_fields_(max_fields) {
  // Strict: a quote inside an unquoted field, or text after a closing quote, is an error, and so
  // is an unclosed quote at the end. Every line end is reported, so that line numbers stay true
  // across blank lines and CRLF.
  csv_init(&parser_, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL);
}

csv_reader::~csv_reader() { csv_free(&parser_); }

void csv_reader::on_field(void* data, std::size_t size, void* self) {
  auto& r = *static_cast<csv_reader*>(self);
  if (r.bound_broken_) {
    return;
  }
  if (r.current_.fields.size() >= r.max_fields_) {
    r.bound_broken_ = fmt::format("line {}: more than {} fields in one record", r.record_line_,
                                  r.max_fields_);
    return;
  }
  if (size > r.max_field_) {
    r.bound_broken_ = fmt::format("line {}: a field longer than {} bytes", r.record_line_,
                                  r.max_field_);
    return;
  }
  if (r.current_.fields.empty()) {
    r.current_.line = r.record_line_;
  }
  r.current_.fields.emplace_back(static_cast<const char*>(data), size);
}

void csv_reader::on_record(int terminator, void* self) {
  auto& r = *static_cast<csv_reader*>(self);
  // A record ends at a line end (or at the end of the input, -1); the next one begins on the
  // next line when that end was a line feed. A bare line end reports a record of no fields. A
  // record past the bounds is not given.
  if (!r.current_.fields.empty() && !r.bound_broken_ && r.out_ != nullptr) {
    r.out_->push_back(std::move(r.current_));
  }
  r.current_ = csv_record{};
  r.record_line_ = terminator == '\n' ? r.line_ + 1 : r.line_;
}

failure csv_reader::broken(std::string_view why) const {
  return fail(reason::invalid_parameter, fmt::format("line {}: {}", record_line_, why));
}

result<void> csv_reader::parse(std::string_view bytes) {
  if (csv_parse(&parser_, bytes.data(), bytes.size(), on_field, on_record, this) != bytes.size()) {
    failed_ = true;
    return broken("malformed CSV: a quote inside an unquoted field, or text after a closing quote");
  }
  if (bound_broken_) {
    failed_ = true;
    return fail(reason::invalid_parameter, *bound_broken_);
  }
  // The field still open (a quote not closed yet) counts too: libcsv keeps it whole in memory.
  if (parser_.entry_pos > max_field_) {
    failed_ = true;
    return broken(fmt::format("a field longer than {} bytes (an unclosed quote?)", max_field_));
  }
  return {};
}

result<void> csv_reader::feed(std::string_view bytes, std::vector<csv_record>& out) {
  if (failed_) {
    return broken("the input was already found malformed");
  }
  out_ = &out;
  // One line at a time, so that each callback knows the line it fires on.
  while (!bytes.empty()) {
    const auto end = bytes.find('\n');
    const auto piece = end == std::string_view::npos ? bytes : bytes.substr(0, end + 1);
    RETURN_IF_ERROR(parse(piece));
    if (end == std::string_view::npos) {
      break;
    }
    ++line_;
    bytes.remove_prefix(piece.size());
  }
  out_ = nullptr;
  return {};
}

result<void> csv_reader::finish(std::vector<csv_record>& out) {
  if (failed_) {
    return broken("the input was already found malformed");
  }
  out_ = &out;
  const int done = csv_fini(&parser_, on_field, on_record, this);
  out_ = nullptr;
  failed_ = true;  // nothing more may be read
  if (done != 0) {
    return broken("malformed CSV: a quote is not closed");
  }
  if (bound_broken_) {
    return fail(reason::invalid_parameter, *bound_broken_);
  }
  return {};
}

}  // namespace cognate::pool

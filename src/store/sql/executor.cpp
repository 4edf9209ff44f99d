#include "store/sql/executor.h"

#include <charconv>

namespace cognate::store::sql {

std::int64_t row::integer(std::size_t i) const {
  const auto& v = columns.at(i);
  if (const auto* n = std::get_if<std::int64_t>(&v)) {
    return *n;
  }
  if (const auto* s = std::get_if<std::string>(&v)) {
    std::int64_t n = 0;
    std::from_chars(s->data(), s->data() + s->size(), n);
    return n;
  }
  return 0;
}

const std::string& row::text(std::size_t i) const {
  static const std::string empty;
  const auto* v = std::get_if<std::string>(&columns.at(i));
  return v ? *v : empty;
}

bool row::is_null(std::size_t i) const {
  return std::holds_alternative<std::nullptr_t>(columns.at(i));
}

}  // namespace cognate::store::sql

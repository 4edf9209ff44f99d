#include "store/sql/executor.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace cognate::store::sql {

const value& row::at(std::string_view column) const {
  const auto found = std::find(names_->begin(), names_->end(), column);
  if (found == names_->end()) {
    throw std::logic_error("the statement selected no column named " + std::string(column));
  }
  return columns_[static_cast<std::size_t>(found - names_->begin())];
}

std::int64_t row::integer(std::string_view column) const {
  const auto& v = at(column);
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

const std::string& row::text(std::string_view column) const {
  static const std::string empty;
  const auto* v = std::get_if<std::string>(&at(column));
  return v ? *v : empty;
}

bool row::is_null(std::string_view column) const {
  return std::holds_alternative<std::nullptr_t>(at(column));
}

}  // namespace cognate::store::sql

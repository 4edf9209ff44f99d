#include "pool/srp_timestamp.h"

#include <fmt/format.h>

#include <array>
#include <chrono>

namespace cognate::pool {
namespace {

constexpr std::array<std::string_view, 7> weekdays = {"Sun", "Mon", "Tue", "Wed",
                                                      "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Reads exactly `digits` digits (or 1–2 when digits == 0) and advances `text`.
std::optional<int> number(std::string_view& text, int digits) {
  int n = 0;
  int read = 0;
  const int max = digits == 0 ? 2 : digits;
  while (read < max && !text.empty() && text.front() >= '0' && text.front() <= '9') {
    n = n * 10 + (text.front() - '0');
    text.remove_prefix(1);
    ++read;
  }
  if (read == 0 || (digits != 0 && read != digits)) {
    return std::nullopt;
  }
  return n;
}

bool literal(std::string_view& text, std::string_view expected) {
  if (!text.starts_with(expected)) {
    return false;
  }
  text.remove_prefix(expected.size());
  return true;
}

template <std::size_t N>
std::optional<int> name(std::string_view& text, const std::array<std::string_view, N>& names) {
  for (std::size_t i = 0; i < N; ++i) {
    if (literal(text, names[i])) {
      return static_cast<int>(i);
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<time_point> parse_srp_timestamp(std::string_view text) {
  using namespace std::chrono;
  auto weekday_index = name(text, weekdays);
  if (!weekday_index || !literal(text, " ")) return std::nullopt;
  auto month = name(text, months);
  if (!month || !literal(text, " ")) return std::nullopt;
  if (text.starts_with("0")) return std::nullopt;  // day is never zero-padded
  auto day = number(text, 0);
  if (!day || !literal(text, " ")) return std::nullopt;
  auto hh = number(text, 2);
  if (!hh || !literal(text, ":")) return std::nullopt;
  auto mm = number(text, 2);
  if (!mm || !literal(text, ":")) return std::nullopt;
  auto ss = number(text, 2);
  if (!ss || !literal(text, " UTC ")) return std::nullopt;
  auto yyyy = number(text, 4);
  // Years outside 1970–2200 are never a fresh claim, and beyond 2262 the clock type overflows.
  if (!yyyy || !text.empty() || *hh > 23 || *mm > 59 || *ss > 59 || *yyyy < 1970 ||
      *yyyy > 2200) {
    return std::nullopt;
  }

  year_month_day date{year{*yyyy}, std::chrono::month{static_cast<unsigned>(*month + 1)},
                      std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok()) return std::nullopt;
  sys_days days{date};
  if (weekday{days}.c_encoding() != static_cast<unsigned>(*weekday_index)) return std::nullopt;
  return time_point{days} + hours{*hh} + minutes{*mm} + seconds{*ss};
}

std::string format_srp_timestamp(time_point t) {
  using namespace std::chrono;
  auto days = floor<std::chrono::days>(t);
  year_month_day date{days};
  hh_mm_ss<seconds> time{floor<seconds>(t - days)};
  return fmt::format("{} {} {} {:02}:{:02}:{:02} UTC {}", weekdays[weekday{days}.c_encoding()],
                     months[static_cast<unsigned>(date.month()) - 1],
                     static_cast<unsigned>(date.day()), time.hours().count(),
                     time.minutes().count(), time.seconds().count(), static_cast<int>(date.year()));
}

}  // namespace cognate::pool

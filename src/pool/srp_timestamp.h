#pragma once
// The TIMESTAMP of an SRP password claim: "EEE MMM d HH:mm:ss UTC yyyy" in English, day of month
// not zero-padded (e.g. "Tue Mar 5 09:04:01 UTC 2024"), exactly as Cognito's clients send it.
// Pure.

#include "common/clock.h"

#include <optional>
#include <string>
#include <string_view>

namespace cognate::pool {

// The instant, or nullopt unless `text` is in exactly that form with a weekday that matches the
// date (a zero-padded day or a wrong weekday is refused, as Cognito does).
std::optional<time_point> parse_srp_timestamp(std::string_view text);

// The same format, for clients written in C++ (tests, benchmarks).
std::string format_srp_timestamp(time_point t);

}  // namespace cognate::pool

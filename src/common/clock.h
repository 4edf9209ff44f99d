#pragma once
// Injected time. Everything that expires (codes, sessions, tokens, lockouts) asks a `clock`, so
// tests advance a `manual_clock` instead of sleeping.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace cognate {

using time_point = std::chrono::system_clock::time_point;

// Seconds since the Unix epoch, the unit stored in the database and used in JWT claims.
inline std::int64_t to_unix(time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
inline time_point from_unix(std::int64_t s) { return time_point{std::chrono::seconds{s}}; }

// Safe for concurrent use.
class clock {
 public:
  virtual ~clock() = default;
  virtual time_point now() const = 0;
};

class system_clock final : public clock {
 public:
  time_point now() const override { return std::chrono::system_clock::now(); }
};

// A clock that moves only when told to; for tests. Safe for concurrent use.
class manual_clock final : public clock {
 public:
  explicit manual_clock(time_point start = from_unix(1'700'000'000)) : now_(start.time_since_epoch().count()) {}
  time_point now() const override { return time_point{time_point::duration{now_.load()}}; }
  void advance(std::chrono::nanoseconds d) {
    now_ += std::chrono::duration_cast<time_point::duration>(d).count();
  }
  void set(time_point t) { now_ = t.time_since_epoch().count(); }

 private:
  std::atomic<time_point::rep> now_;
};

}  // namespace cognate

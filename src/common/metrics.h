#pragma once
// What a node counts for Prometheus (`/metrics` on --metrics-listen): counters and histograms
// kept in memory by the code that sees the event, and gauges read when scraped. One registry per
// process (metrics::process()), as Prometheus client libraries do: the events happen deep in the
// store, the mail worker and the HTTP layer, and threading a registry through every constructor
// would buy nothing. Series are created on first use and never removed; their label values come
// from closed sets (operation names, exception names, reasons), so the count stays bounded.
// Rendering follows the text exposition format 0.0.4. Safe for concurrent use; an increment is
// a lock-free atomic add once its series exists.

#include "common/reasons.h"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cognate::metrics {

class counter {
 public:
  void add(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// Observations in fixed buckets (upper bounds, ascending), with their sum and count.
class histogram {
 public:
  explicit histogram(std::span<const double> bounds);
  void observe(double value);

  std::span<const double> bounds() const { return bounds_; }
  // Cumulative counts, one per bound and a last one for +Inf (= the count).
  std::vector<std::uint64_t> cumulative() const;
  double sum() const;

 private:
  std::span<const double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // per bucket, not cumulative; +Inf last
  std::atomic<std::uint64_t> sum_micros_{0};              // the sum, in millionths
};

// Buckets for latencies in seconds (1 ms … 10 s) and for sizes (1 … 1024).
std::span<const double> latency_buckets();
std::span<const double> size_buckets();

// A family of series told apart by label values (names fixed at construction).
template <class Series>
class family {
 public:
  family(std::string name, std::string help, std::vector<std::string> labels,
         std::function<std::unique_ptr<Series>()> make)
      : name_(std::move(name)),
        help_(std::move(help)),
        labels_(std::move(labels)),
        make_(std::move(make)) {}

  // The series with these label values (as many as the family has labels), made on first use.
  Series& with(const std::vector<std::string>& values) {
    {
      std::shared_lock lock(mutex_);
      if (auto it = series_.find(values); it != series_.end()) {
        return *it->second;
      }
    }
    std::unique_lock lock(mutex_);
    auto& slot = series_[values];
    if (!slot) {
      slot = make_();
    }
    return *slot;
  }

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& labels() const { return labels_; }
  // Calls `f(values, series)` for each series, in label order.
  template <class F>
  void each(F f) const {
    std::shared_lock lock(mutex_);
    for (const auto& [values, series] : series_) {
      f(values, *series);
    }
  }

 private:
  std::string name_;
  std::string help_;
  std::vector<std::string> labels_;
  std::function<std::unique_ptr<Series>()> make_;
  mutable std::shared_mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<Series>> series_;
};

// A value read at scrape time, with its labels.
struct sample {
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
};
struct gauge_reading {
  std::string name;
  std::string help;
  std::string type = "gauge";  // or "counter" (e.g. process CPU seconds)
  std::vector<sample> samples;
};

// Every metric a node keeps. Names follow Prometheus conventions: cognate_ prefix, base units,
// _total for counters, _seconds for times.
class registry {
 public:
  registry();
  registry(const registry&) = delete;
  registry& operator=(const registry&) = delete;

  // API calls, by operation (X-Amz-Target's operation, "unknown" for others) and outcome
  // ("success" or the exception name).
  family<counter> requests;
  family<histogram> request_seconds;  // by operation
  // InitiateAuth / RespondToAuthChallenge (and Admin…), by outcome (sign_in_outcome()).
  family<counter> sign_ins;
  family<counter> mfa_enrolments;      // by kind: totp, email
  family<counter> rate_limited;        // by class and scope (address, client)
  family<counter> overloaded;          // refused because the worker queue was full
  family<counter> emails;              // by event: queued, sent, retried, failed
  family<counter> store_transactions;  // by kind (write, read) and outcome (ok, failed)
  family<histogram> store_transaction_seconds;
  family<counter> store_retries;              // PostgreSQL serialization failures re-run
  family<histogram> store_group_commit_size;  // SQLite: units of work per commit

  // Gauges read at scrape time (outbox depth, key ages, …), registered by whoever knows them;
  // the returned id unregisters them (remove_gauges) before what they read goes away.
  int add_gauges(std::function<std::vector<gauge_reading>()> read);
  void remove_gauges(int id);

  // The text exposition format.
  std::string render() const;

 private:
  mutable std::mutex gauges_mutex_;
  int next_gauges_id_ = 0;
  std::map<int, std::function<std::vector<gauge_reading>()>> gauges_;
};

// The process's registry.
registry& process();

// The sign-in outcome label of an answer to a sign-in call: "success" (tokens), "challenge"
// (another step asked for), or the reason of a failure (wrong_password, locked, wrong_mfa_code,
// replayed_mfa_code, …, "other").
std::string_view sign_in_outcome(bool tokens, bool challenge, std::optional<reason> why);

// Counts one store transaction of `kind` ("write", "read") that began at `started`.
void note_transaction(std::string_view kind, std::chrono::steady_clock::time_point started,
                      bool ok);

// The process's own resource readings from /proc (CPU seconds, RSS, open files, start time).
std::vector<gauge_reading> process_readings();

}  // namespace cognate::metrics

#include "common/metrics.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace cognate::metrics {
namespace {

// When the process started (close enough: static initialisation, before main); /proc/uptime,
// which would date it exactly, is hidden by systemd's ProcSubset=pid.
const double started_at = static_cast<double>(std::time(nullptr));

constexpr std::array<double, 13> latency_bounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                   0.25,  0.5,    1,     2.5,  5,     10};
constexpr std::array<double, 11> size_bounds = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

std::unique_ptr<counter> make_counter() { return std::make_unique<counter>(); }
std::function<std::unique_ptr<histogram>()> make_histogram(std::span<const double> bounds) {
  return [bounds] { return std::make_unique<histogram>(bounds); };
}

// A label value escaped for the text format: backslash, double quote and newline.
std::string escape(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string label_text(const std::vector<std::string>& names,
                       const std::vector<std::string>& values, std::string_view extra = {}) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
    out += fmt::format("{}{}=\"{}\"", out.empty() ? "" : ",", names[i], escape(values[i]));
  }
  if (!extra.empty()) {
    out += out.empty() ? "" : ",";
    out += extra;
  }
  return out.empty() ? std::string() : "{" + out + "}";
}

std::string number(double v) {
  if (std::isinf(v)) {
    return v > 0 ? "+Inf" : "-Inf";
  }
  return fmt::format("{}", v);
}

void header(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void render_counters(std::string& out, const family<counter>& f) {
  header(out, f.name(), f.help(), "counter");
  f.each([&](const std::vector<std::string>& values, const counter& c) {
    out += fmt::format("{}{} {}\n", f.name(), label_text(f.labels(), values), c.value());
  });
}

void render_histograms(std::string& out, const family<histogram>& f) {
  header(out, f.name(), f.help(), "histogram");
  f.each([&](const std::vector<std::string>& values, const histogram& h) {
    const auto counts = h.cumulative();
    const auto bounds = h.bounds();
    for (std::size_t i = 0; i < counts.size(); ++i) {
      const double le = i < bounds.size() ? bounds[i] : INFINITY;
      out += fmt::format("{}_bucket{} {}\n", f.name(),
                         label_text(f.labels(), values, fmt::format("le=\"{}\"", number(le))),
                         counts[i]);
    }
    out += fmt::format("{}_sum{} {}\n", f.name(), label_text(f.labels(), values), number(h.sum()));
    out += fmt::format("{}_count{} {}\n", f.name(), label_text(f.labels(), values), counts.back());
  });
}

}  // namespace

histogram::histogram(std::span<const double> bounds)
    : bounds_(bounds), counts_(new std::atomic<std::uint64_t>[bounds.size() + 1]) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    counts_[i].store(0, std::memory_order_relaxed);
  }
}

void histogram::observe(double value) {
  std::size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) {
    ++i;
  }
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  if (value > 0) {
    sum_micros_.fetch_add(static_cast<std::uint64_t>(std::llround(value * 1e6)),
                          std::memory_order_relaxed);
  }
}

std::vector<std::uint64_t> histogram::cumulative() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    out[i] = total;
  }
  return out;
}

double histogram::sum() const {
  return static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6;
}

std::span<const double> latency_buckets() { return latency_bounds; }
std::span<const double> size_buckets() { return size_bounds; }

registry::registry()
    : requests("cognate_requests_total", "API calls answered, by operation and outcome.",
               {"operation", "outcome"}, make_counter),
      request_seconds("cognate_request_duration_seconds",
                      "Time from a call's arrival to its answer, by operation.", {"operation"},
                      make_histogram(latency_buckets())),
      sign_ins("cognate_sign_ins_total",
               "Sign-in calls (InitiateAuth, RespondToAuthChallenge and their Admin forms), by "
               "outcome.",
               {"outcome"}, make_counter),
      mfa_enrolments("cognate_mfa_enrolments_total", "MFA factors set up, by kind.", {"kind"},
                     make_counter),
      rate_limited(
          "cognate_rate_limited_total",
          "Calls refused with TooManyRequestsException by a rate limit, by class and scope.",
          {"class", "scope"}, make_counter),
      overloaded("cognate_overloaded_total",
                 "Calls refused because this node's worker queue was full.", {}, make_counter),
      emails("cognate_emails_total", "Emails, by event: queued, sent, retried, failed (given up).",
             {"event"}, make_counter),
      store_transactions("cognate_store_transactions_total",
                         "Database transactions, by kind (write, read) and outcome (ok, failed).",
                         {"kind", "outcome"}, make_counter),
      store_transaction_seconds(
          "cognate_store_transaction_duration_seconds",
          "Time a transaction took, retries and waiting for a commit included.", {"kind"},
          make_histogram(latency_buckets())),
      store_retries("cognate_store_serialization_retries_total",
                    "PostgreSQL transactions re-run after a serialization failure.", {},
                    make_counter),
      store_group_commit_size("cognate_store_group_commit_size",
                              "SQLite: units of work committed together, per commit.", {},
                              make_histogram(size_buckets())) {}

int registry::add_gauges(std::function<std::vector<gauge_reading>()> read) {
  std::lock_guard lock(gauges_mutex_);
  gauges_.emplace(next_gauges_id_, std::move(read));
  return next_gauges_id_++;
}

void registry::remove_gauges(int id) {
  std::lock_guard lock(gauges_mutex_);
  gauges_.erase(id);
}

std::string registry::render() const {
  std::string out;
  for (const auto* f : {&requests, &sign_ins, &mfa_enrolments, &rate_limited, &overloaded, &emails,
                        &store_transactions, &store_retries}) {
    render_counters(out, *f);
  }
  for (const auto* f : {&request_seconds, &store_transaction_seconds, &store_group_commit_size}) {
    render_histograms(out, *f);
  }
  std::vector<gauge_reading> readings;
  {
    std::lock_guard lock(gauges_mutex_);
    for (const auto& [id, read] : gauges_) {
      auto r = read();
      readings.insert(readings.end(), std::make_move_iterator(r.begin()),
                      std::make_move_iterator(r.end()));
    }
  }
  for (const auto& g : readings) {
    header(out, g.name, g.help, g.type);
    for (const auto& s : g.samples) {
      std::vector<std::string> names;
      std::vector<std::string> values;
      for (const auto& [n, v] : s.labels) {
        names.push_back(n);
        values.push_back(v);
      }
      out += fmt::format("{}{} {}\n", g.name, label_text(names, values), number(s.value));
    }
  }
  return out;
}

registry& process() {
  static registry r;
  return r;
}

std::string_view sign_in_outcome(bool tokens, bool challenge, std::optional<reason> why) {
  if (tokens) {
    return "success";
  }
  if (challenge) {
    return "challenge";
  }
  if (!why) {
    return "error";
  }
  return sign_in_failure_name(*why);
}

void note_transaction(std::string_view kind, std::chrono::steady_clock::time_point started,
                      bool ok) {
  auto& r = process();
  const std::string k(kind);
  r.store_transactions.with({k, ok ? "ok" : "failed"}).add();
  r.store_transaction_seconds.with({k}).observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

std::vector<gauge_reading> process_readings() {
  std::vector<gauge_reading> out;
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  std::ifstream stat_file("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const auto close = stat.rfind(')');
  if (close != std::string::npos) {
    std::istringstream fields(stat.substr(close + 2));
    std::vector<std::string> f;
    for (std::string x; fields >> x;) {
      f.push_back(x);
    }
    // Counting from field 3 (state) at index 0: utime 14 → 11, stime 15 → 12, rss 24 → 21.
    if (f.size() > 21) {
      const double cpu = (std::stod(f[11]) + std::stod(f[12])) / ticks;
      out.push_back({"process_cpu_seconds_total",
                     "User and system CPU time spent, in seconds.",
                     "counter",
                     {{{}, cpu}}});
      out.push_back({"process_resident_memory_bytes",
                     "Resident memory size, in bytes.",
                     "gauge",
                     {{{}, std::stod(f[21]) * page}}});
      out.push_back({"process_start_time_seconds",
                     "Start time of the process since the Unix epoch, in seconds.",
                     "gauge",
                     {{{}, started_at}}});
    }
  }
  std::error_code ec;
  double open = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++open;
  }
  out.push_back({"process_open_fds", "Open file descriptors.", "gauge", {{{}, open}}});
  return out;
}

}  // namespace cognate::metrics

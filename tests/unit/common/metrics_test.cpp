// The metrics registry: counters and histograms by label, the text format (escaping, cumulative
// buckets, +Inf), gauges read at render time, and the sign-in outcome names.
#include "common/metrics.h"

#include <gtest/gtest.h>

namespace cognate::metrics {
namespace {

TEST(Metrics, HistogramBucketsAreCumulativeWithASumAndACount) {
  histogram h(latency_buckets());
  h.observe(0.0005);
  h.observe(0.003);
  h.observe(0.003);
  h.observe(60);
  const auto c = h.cumulative();
  ASSERT_EQ(c.size(), latency_buckets().size() + 1);
  EXPECT_EQ(c[0], 1u);      // ≤ 1 ms
  EXPECT_EQ(c[1], 1u);      // ≤ 2.5 ms
  EXPECT_EQ(c[2], 3u);      // ≤ 5 ms
  EXPECT_EQ(c.back(), 4u);  // +Inf: the count
  EXPECT_NEAR(h.sum(), 60.0065, 1e-6);
}

TEST(Metrics, RenderingFollowsTheTextFormat) {
  registry r;
  r.requests.with({"InitiateAuth", "success"}).add(3);
  r.requests.with({"Initiate\"Auth\\", "x\ny"}).add();  // hostile label values are escaped
  r.request_seconds.with({"InitiateAuth"}).observe(0.002);
  const int id = r.add_gauges([] {
    return std::vector<gauge_reading>{
        {"cognate_test_gauge", "A gauge.", "gauge", {{{{"pool", "p1"}}, 2.5}}}};
  });
  const auto text = r.render();
  EXPECT_NE(text.find("# TYPE cognate_requests_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("cognate_requests_total{operation=\"InitiateAuth\",outcome=\"success\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find(R"(operation="Initiate\"Auth\\",outcome="x\ny")"), std::string::npos) << text;
  EXPECT_NE(
      text.find(
          "cognate_request_duration_seconds_bucket{operation=\"InitiateAuth\",le=\"0.001\"} 0\n"),
      std::string::npos);
  EXPECT_NE(
      text.find(
          "cognate_request_duration_seconds_bucket{operation=\"InitiateAuth\",le=\"0.0025\"} 1\n"),
      std::string::npos);
  EXPECT_NE(
      text.find(
          "cognate_request_duration_seconds_bucket{operation=\"InitiateAuth\",le=\"+Inf\"} 1\n"),
      std::string::npos);
  EXPECT_NE(text.find("cognate_request_duration_seconds_count{operation=\"InitiateAuth\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("cognate_test_gauge{pool=\"p1\"} 2.5\n"), std::string::npos);
  r.remove_gauges(id);
  EXPECT_EQ(r.render().find("cognate_test_gauge"), std::string::npos);
}

TEST(Metrics, SignInOutcomesNameWhatHappened) {
  EXPECT_EQ(sign_in_outcome(true, false, std::nullopt), "success");
  EXPECT_EQ(sign_in_outcome(false, true, std::nullopt), "challenge");
  EXPECT_EQ(sign_in_outcome(false, false, reason::incorrect_credentials), "wrong_password");
  EXPECT_EQ(sign_in_outcome(false, false, reason::password_attempts_exceeded), "locked");
  EXPECT_EQ(sign_in_outcome(false, false, reason::mfa_code_mismatch), "wrong_mfa_code");
  EXPECT_EQ(sign_in_outcome(false, false, reason::mfa_code_replayed), "replayed_mfa_code");
  EXPECT_EQ(sign_in_outcome(false, false, reason::client_not_found), "other");
  EXPECT_EQ(sign_in_outcome(false, false, std::nullopt), "error");
}

TEST(Metrics, TheProcessReadsItsOwnResources) {
  const auto readings = process_readings();
  std::vector<std::string> names;
  for (const auto& g : readings) {
    names.push_back(g.name);
    ASSERT_FALSE(g.samples.empty()) << g.name;
    // CPU time counts in clock ticks: a fresh test process may not have spent one yet.
    EXPECT_GE(g.samples.front().value, g.name == "process_cpu_seconds_total" ? 0 : 1) << g.name;
  }
  for (const char* want : {"process_cpu_seconds_total", "process_resident_memory_bytes",
                           "process_start_time_seconds", "process_open_fds"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
  }
}

}  // namespace
}  // namespace cognate::metrics

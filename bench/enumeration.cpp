// cognate-enumeration: can a caller tell a known user name from an unknown one by how long the
// server takes to answer? For each public operation that takes a user name and answers both
// alike (PreventUserExistenceErrors ENABLED), it times the call for known and unknown names side
// by side in one run and reports the difference of the medians against the run's noise.
//
// Each sample spends a fresh name — a seeded user of `cognate seed`, an UNCONFIRMED user signed
// up (untimed) by this run, or a name nobody has — because the server counts wrong passwords and
// sent codes per name, known or not (5 of each), and a count in force changes the work done.
// Known and unknown samples come in pairs on one thread and one keep-alive connection, so the
// machine's noise falls on both kinds alike; which of a pair goes first is a coin's toss. What a
// sample needs first (an SRP challenge) is done untimed just before it; then, with --database,
// the run waits until the sandbox's outbox is empty (the mail worker has written and recorded
// every email, so that work overlaps no timed call), pauses --gap-us on average, and times the
// one call.
//
// Noise: the 95 % bootstrap interval of the difference of medians (known − unknown), resampling
// the pairs in blocks of 10 consecutive ones (2000 replicates, fixed seed); the verdict is
// "within noise" when the interval holds 0. The split column is a cruder gauge beside it: how far
// apart the medians of two interleaved halves of one kind's samples are (the larger of the two
// kinds). --a-a gives both sides of each pair unknown names, so that every difference is noise:
// about 1 row in 20 should then come out OUTSIDE NOISE. Every pair must get the same answer
// (status and __type) for both names, or the run fails: a different answer tells the names
// apart without a clock.
//
// Usage: cognate-enumeration --endpoint http://127.0.0.1:PORT --client-id ID --pool-id ID
//          --seeded N [--first-user I] [--samples 300] [--warmup 10] [--gap-us 2000]
//          [--ops A,B] [--database FILE] [--json FILE] [--raw FILE] [--a-a]
// --seeded/--first-user: the pool holds N users of `cognate seed`; the run spends them from I on,
// (samples + warmup) for each operation on confirmed users (6 of the 8).
// --database: the sandbox's SQLite file (read only); --raw appends every sample.
// Exit status: 0 when every call was answered alike for both names, 1 otherwise, 2 on bad
// usage/setup. A difference outside noise is reported, not an error: this is a benchmark.

#include "http_client.h"
#include "support/srp_client.h"

#include "common/encoding.h"
#include "common/random.h"
#include "pool/seed.h"
#include "pool/srp_timestamp.h"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <fmt/core.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <vector>

namespace json = boost::json;
using steady = std::chrono::steady_clock;

namespace cognate::bench {
namespace {

constexpr const char* wrong_password = "Wrong-Passw0rd!";
constexpr const char* new_password = "Newer-Passw0rd!";
constexpr const char* wrong_code = "000000";
constexpr int bootstrap_replicates = 2000;
constexpr std::size_t bootstrap_block = 10;  // consecutive pairs resampled together

struct options {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string client_id;
  std::string pool_id;
  long seeded = 0;
  long first_user = 0;
  int samples = 300;
  int warmup = 10;
  int gap_us = 2000;
  std::vector<std::string> ops;
  std::string database;  // the sandbox's SQLite file
  std::string json_file;
  std::string raw_file;  // every sample: operation, pair, kind, µs
  bool a_a = false;      // both sides of each pair unknown names: a check of the noise estimate
};


// The part of an answer both names must share: status and error type.
struct answer {
  int status = 0;
  std::string type;  // __type, empty on success
  bool operator==(const answer&) const = default;
  std::string text() const {
    return type.empty() ? std::to_string(status) : fmt::format("{} {}", status, type);
  }
};

answer answer_of(const api_response& r) {
  answer a{.status = r.status};
  if (r.status != 200 && r.status != 0) {
    std::error_code ec;
    json::value v = json::parse(r.body, ec);
    if (!ec && v.is_object()) {
      if (const auto* t = v.as_object().if_contains("__type"); t && t->is_string()) {
        a.type = std::string(t->as_string());
      }
    }
  }
  if (r.status == 0) a.type = r.body;  // the connection failed
  return a;
}

// ---- the outbox ---------------------------------------------------------------------------------

// The sandbox's SQLite file, opened read-only, to see whether emails wait in its outbox. Not
// thread-safe.
class outbox_probe {
 public:
  // Opens `file`; throws failure when it cannot be read.
  explicit outbox_probe(const std::string& file) {
    if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK ||
        sqlite3_busy_timeout(db_, 1000) != SQLITE_OK ||
        sqlite3_prepare_v2(db_, "SELECT count(*) FROM outbox WHERE status = 'pending'", -1,
                           &pending_, nullptr) != SQLITE_OK) {
      const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw failure{fmt::format("--database {}: {}", file, why)};
    }
  }
  ~outbox_probe() {
    sqlite3_finalize(pending_);
    sqlite3_close(db_);
  }
  outbox_probe(const outbox_probe&) = delete;
  outbox_probe& operator=(const outbox_probe&) = delete;

  // Blocks until no email is pending: the mail worker has written each one (a file and its
  // fsync in the sandbox) and committed it as sent. Throws failure after 60 s.
  void wait_until_idle() {
    const auto deadline = steady::now() + std::chrono::seconds(60);
    for (;;) {
      const bool read = sqlite3_step(pending_) == SQLITE_ROW;
      const bool idle = read && sqlite3_column_int64(pending_, 0) == 0;
      sqlite3_reset(pending_);  // ends the read transaction: no snapshot held between polls
      if (idle) return;
      if (steady::now() > deadline) {
        throw failure{read ? "emails still pending in the outbox after 60 s"
                           : fmt::format("reading the outbox: {}", sqlite3_errmsg(db_))};
      }
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* pending_ = nullptr;
};

// ---- the operations -----------------------------------------------------------------------------

// What a known name is: a confirmed seeded user, or an UNCONFIRMED user signed up (untimed) by
// this run. Unknown names are names nobody has.
enum class known_kind { seeded, unconfirmed };

// One timed call.
struct timed_call {
  std::string operation;
  json::object body;
};

using name_list = std::vector<std::string>;

struct operation {
  std::string short_name;  // for --ops
  std::string name;
  known_kind known;
  // Builds one sample's call; may call the server first (untimed).
  std::function<timed_call(http_client&, const options&, const std::string& username)> prepare;
  // Untimed work for all of the operation's names before its first sample (known, unknown).
  std::function<void(http_client&, const options&, const name_list&, const name_list&)> prepare_all;
};

json::object srp_initiate_body(const options& o, const std::string& username,
                               const testing::srp_client& srp) {
  return {{"ClientId", o.client_id},
          {"AuthFlow", "USER_SRP_AUTH"},
          {"AuthParameters", {{"USERNAME", username}, {"SRP_A", srp.A_hex()}}}};
}

json::object username_body(const options& o, const std::string& username) {
  return {{"ClientId", o.client_id}, {"Username", username}};
}

timed_call password_auth(http_client&, const options& o, const std::string& name) {
  return {"InitiateAuth",
          {{"ClientId", o.client_id},
           {"AuthFlow", "USER_PASSWORD_AUTH"},
           {"AuthParameters", {{"USERNAME", name}, {"PASSWORD", wrong_password}}}}};
}

timed_call srp_challenge(http_client&, const options& o, const std::string& name) {
  const testing::srp_client srp;  // A costs the client a modexp: made before the clock starts
  return {"InitiateAuth", srp_initiate_body(o, name, srp)};
}

// The challenge (untimed), then the proof a client with the wrong password sends.
timed_call password_verifier(http_client& c, const options& o, const std::string& name) {
  testing::srp_client srp;
  json::object challenge = call_ok(c, "InitiateAuth", srp_initiate_body(o, name, srp));
  const json::object& params = challenge.at("ChallengeParameters").as_object();
  const std::string user_id = str(params, "USER_ID_FOR_SRP");
  const std::string block = str(params, "SECRET_BLOCK");
  const std::string timestamp = pool::format_srp_timestamp(std::chrono::system_clock::now());
  const std::string pool_name = o.pool_id.substr(o.pool_id.find('_') + 1);
  const std::string signature =
      srp.signature(pool_name, user_id, wrong_password, str(params, "SALT"), str(params, "SRP_B"),
                    block, timestamp);
  return {"RespondToAuthChallenge",
          {{"ClientId", o.client_id},
           {"ChallengeName", "PASSWORD_VERIFIER"},
           {"Session", str(challenge, "Session")},
           {"ChallengeResponses",
            {{"USERNAME", user_id},
             {"PASSWORD_CLAIM_SECRET_BLOCK", block},
             {"PASSWORD_CLAIM_SIGNATURE", signature},
             {"TIMESTAMP", timestamp}}}}};
}

timed_call forgot_password(http_client&, const options& o, const std::string& name) {
  return {"ForgotPassword", username_body(o, name)};
}

timed_call confirm_forgot_password(http_client&, const options& o, const std::string& name) {
  return {"ConfirmForgotPassword",
          {{"ClientId", o.client_id},
           {"Username", name},
           {"ConfirmationCode", wrong_code},
           {"Password", new_password}}};
}

// A code for every name (none goes out to unknown ones).
void send_reset_codes(http_client& c, const options& o, const name_list& known,
                      const name_list& unknown) {
  for (std::size_t i = 0; i < known.size(); ++i) {
    call_ok(c, "ForgotPassword", username_body(o, known[i]));
    call_ok(c, "ForgotPassword", username_body(o, unknown[i]));
  }
}

timed_call confirm_sign_up(http_client&, const options& o, const std::string& name) {
  return {"ConfirmSignUp",
          {{"ClientId", o.client_id}, {"Username", name}, {"ConfirmationCode", wrong_code}}};
}

timed_call resend_confirmation_code(http_client&, const options& o, const std::string& name) {
  return {"ResendConfirmationCode", username_body(o, name)};
}

const std::vector<operation>& all_operations() {
  static const std::vector<operation> ops{
      {.short_name = "UserPasswordAuth",
       .name = "InitiateAuth USER_PASSWORD_AUTH, wrong password",
       .known = known_kind::seeded,
       .prepare = password_auth},
      {.short_name = "SrpChallenge",
       .name = "InitiateAuth USER_SRP_AUTH",
       .known = known_kind::seeded,
       .prepare = srp_challenge},
      {.short_name = "PasswordVerifier",
       .name = "RespondToAuthChallenge PASSWORD_VERIFIER, wrong proof",
       .known = known_kind::seeded,
       .prepare = password_verifier},
      {.short_name = "ForgotPassword",
       .name = "ForgotPassword",
       .known = known_kind::seeded,
       .prepare = forgot_password},
      {.short_name = "ConfirmForgotPassword",
       .name = "ConfirmForgotPassword, wrong code, none sent",
       .known = known_kind::seeded,
       .prepare = confirm_forgot_password},
      {.short_name = "ConfirmForgotPasswordSent",
       .name = "ConfirmForgotPassword, wrong code, one sent",
       .known = known_kind::seeded,
       .prepare = confirm_forgot_password,
       .prepare_all = send_reset_codes},
      {.short_name = "ConfirmSignUp",
       .name = "ConfirmSignUp, wrong code",
       .known = known_kind::unconfirmed,
       .prepare = confirm_sign_up},
      {.short_name = "ResendConfirmationCode",
       .name = "ResendConfirmationCode",
       .known = known_kind::unconfirmed,
       .prepare = resend_confirmation_code},
  };
  return ops;
}

// ---- statistics ---------------------------------------------------------------------------------

// The p-quantile of sorted values, interpolated between the nearest ranks.
double quantile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const double at = p * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(at));
  const auto above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (at - static_cast<double>(below)) * (sorted[above] - sorted[below]);
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return quantile(values, 0.5);
}

struct comparison {
  std::string op;
  int samples = 0;
  double known_p50 = 0, known_p90 = 0, unknown_p50 = 0, unknown_p90 = 0;  // µs
  double diff = 0;                 // known p50 − unknown p50, µs
  double ci_low = 0, ci_high = 0;  // 95 % bootstrap interval of diff
  double split = 0;                // the larger of the kinds' split_half, µs
  bool within_noise = true;
  std::string answer;
};

// |median(half A) − median(half B)| of one kind's samples, the halves interleaved two by two
// (pairs 0, 1, 4, 5 … against 2, 3, 6, 7 …) so that each holds both ABBA orders alike.
double split_half(const std::vector<double>& values) {
  std::vector<double> a, b;
  for (std::size_t i = 0; i < values.size(); ++i) (i % 4 < 2 ? a : b).push_back(values[i]);
  return std::abs(median(a) - median(b));
}

comparison compare(const std::string& op, const std::vector<double>& known,
                   const std::vector<double>& unknown) {
  comparison c{.op = op, .samples = static_cast<int>(known.size())};
  auto k = known, u = unknown;
  std::sort(k.begin(), k.end());
  std::sort(u.begin(), u.end());
  c.known_p50 = quantile(k, 0.5);
  c.known_p90 = quantile(k, 0.9);
  c.unknown_p50 = quantile(u, 0.5);
  c.unknown_p90 = quantile(u, 0.9);
  c.diff = c.known_p50 - c.unknown_p50;
  c.split = std::max(split_half(known), split_half(unknown));
  // Pairs are resampled together (a pair's two samples were taken a moment apart), in runs of
  // bootstrap_block consecutive pairs (circular): the machine's noise comes in spells longer than
  // a pair, and resampling single pairs would take the spells for independent luck.
  const std::size_t n = known.size();
  std::mt19937_64 rng(20261128);
  std::uniform_int_distribution<std::size_t> pick(0, n - 1);
  std::vector<double> diffs, ks(n), us(n);
  for (int r = 0; r < bootstrap_replicates; ++r) {
    for (std::size_t i = 0; i < n;) {
      for (std::size_t j = pick(rng), end = i + bootstrap_block; i < n && i < end; ++i, ++j) {
        ks[i] = known[j % n];
        us[i] = unknown[j % n];
      }
    }
    diffs.push_back(median(ks) - median(us));
  }
  std::sort(diffs.begin(), diffs.end());
  c.ci_low = quantile(diffs, 0.025);
  c.ci_high = quantile(diffs, 0.975);
  c.within_noise = c.ci_low <= 0 && 0 <= c.ci_high;
  return c;
}

// ---- the run ------------------------------------------------------------------------------------

// Names nobody has, shaped like the seeded ones; `tag` is this run's.
name_list unknown_names(const std::string& tag, long first, long count) {
  name_list names;
  for (long i = first; i < first + count; ++i) {
    names.push_back(fmt::format("nouser{}-{}@seed.example", tag, i));
  }
  return names;
}

// Signs up `count` users (untimed, 4 connections), leaving them UNCONFIRMED.
name_list sign_up_unconfirmed(const options& o, const std::string& tag, long count) {
  name_list names;
  for (long i = 0; i < count; ++i) names.push_back(fmt::format("unconf{}-{}@seed.example", tag, i));
  std::atomic<long> next{0};
  std::optional<failure> first;
  std::mutex mutex;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      http_client client(o.host, o.port);
      for (long i; (i = next++) < count;) {
        const std::string& name = names[static_cast<std::size_t>(i)];
        try {
          call_ok(
              client, "SignUp",
              {{"ClientId", o.client_id},
               {"Username", name},
               {"Password", pool::seed_options{}.password},
               {"UserAttributes", json::array{json::object{{"Name", "email"}, {"Value", name}}}}});
        } catch (const failure& f) {
          std::lock_guard lock(mutex);
          if (!first) first = f;
          return;
        } catch (const std::exception& e) {  // an answer of an unexpected shape
          std::lock_guard lock(mutex);
          if (!first) first = failure{e.what()};
          return;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  if (first) throw *first;
  return names;
}

struct op_result {
  comparison figures;
  long mismatches = 0;  // pairs answered differently, or answered unlike the first pair
  std::string first_mismatch;
};

// Times `op` for known[i] against unknown[i] on one connection; the first `o.warmup` pairs are not
// counted.
op_result run_operation(const options& o, outbox_probe* outbox, const operation& op,
                        const name_list& known, const name_list& unknown) {
  http_client client(o.host, o.port);
  if (op.prepare_all) op.prepare_all(client, o, known, unknown);
  // The pause is drawn from [gap/2, 3·gap/2]: with a fixed one, samples would come at a steady
  // beat that a periodic disturbance (the scheduler's time slices for other processes) can lock
  // onto, slowing every known sample or every unknown one for seconds at a time.
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> pause(o.gap_us / 2, o.gap_us + o.gap_us / 2);
  std::uniform_int_distribution<int> coin(0, 1);
  auto sample = [&](const std::string& name) {
    const timed_call call = op.prepare(client, o, name);
    const std::string body = json::serialize(call.body);
    if (outbox) outbox->wait_until_idle();
    std::this_thread::sleep_for(std::chrono::microseconds(pause(rng)));
    const auto t0 = steady::now();
    const api_response r = client.call(call.operation, body);
    const auto t1 = steady::now();
    return std::pair{std::chrono::duration<double, std::micro>(t1 - t0).count(), answer_of(r)};
  };
  std::vector<double> known_us, unknown_us;
  std::optional<answer> expected;
  op_result out;
  for (std::size_t i = 0; i < known.size(); ++i) {
    // Which of the pair goes first is a coin's toss: on a busy machine, latencies alternate slow
    // and fast with the scheduler's fairness (a fast call leaves this process group in debt), and
    // a fixed order (K U, or ABBA) can fall in step with that and slow one kind throughout.
    std::pair<double, answer> k, u;
    if (coin(rng) == 0) {
      k = sample(known[i]);
      u = sample(unknown[i]);
    } else {
      u = sample(unknown[i]);
      k = sample(known[i]);
    }
    const auto& [k_us, k_answer] = k;
    const auto& [u_us, u_answer] = u;
    if (!expected) expected = k_answer;
    if (k_answer != u_answer || k_answer != *expected || k_answer.status == 0) {
      if (out.mismatches++ == 0) {
        out.first_mismatch =
            fmt::format("pair {}: known {}, unknown {}", i, k_answer.text(), u_answer.text());
      }
    }
    if (i >= static_cast<std::size_t>(o.warmup)) {
      known_us.push_back(k_us);
      unknown_us.push_back(u_us);
    }
  }
  if (!o.raw_file.empty()) {
    std::ofstream raw(o.raw_file, std::ios::app);
    for (std::size_t i = 0; i < known_us.size(); ++i) {
      raw << fmt::format("{}\t{}\tknown\t{:.1f}\n{}\t{}\tunknown\t{:.1f}\n", op.short_name, i,
                         known_us[i], op.short_name, i, unknown_us[i]);
    }
  }
  out.figures = compare(op.name, known_us, unknown_us);
  out.figures.answer = expected ? expected->text() : "";
  return out;
}

void print_header() {
  fmt::print("{:<53} {:>4} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>16} {:>6}  {:<13} {}\n",
             "operation (known vs unknown name)", "n", "K p50", "K p90", "U p50", "U p90", "Δp50",
             "Δ%", "95% CI of Δp50", "split", "verdict", "answer (both)");
}

void print_row(const comparison& c) {
  fmt::print(
      "{:<53} {:>4} {:>7.0f} {:>7.0f} {:>7.0f} {:>7.0f} {:>+7.0f} {:>+6.1f}% {:>16} {:>6.0f}  "
      "{:<13} {}\n",
      c.op, c.samples, c.known_p50, c.known_p90, c.unknown_p50, c.unknown_p90, c.diff,
      100.0 * c.diff / c.unknown_p50, fmt::format("[{:+.0f}, {:+.0f}]", c.ci_low, c.ci_high),
      c.split, c.within_noise ? "within noise" : "OUTSIDE NOISE", c.answer);
  std::fflush(stdout);
}

json::object to_json(const comparison& c) {
  return {{"op", c.op},
          {"samples", c.samples},
          {"known_p50_us", c.known_p50},
          {"known_p90_us", c.known_p90},
          {"unknown_p50_us", c.unknown_p50},
          {"unknown_p90_us", c.unknown_p90},
          {"diff_p50_us", c.diff},
          {"diff_ci95_low_us", c.ci_low},
          {"diff_ci95_high_us", c.ci_high},
          {"split_half_us", c.split},
          {"within_noise", c.within_noise},
          {"answer", c.answer}};
}

}  // namespace
}  // namespace cognate::bench

int main(int argc, char** argv) {
  using namespace cognate::bench;
  options o;
  std::string endpoint;
  std::string op_names;
  for (const auto& op : all_operations()) {
    op_names += (op_names.empty() ? "" : ", ") + op.short_name;
  }
  CLI::App cli{"cognate-enumeration: known against unknown user names, timed side by side"};
  cli.add_option("--endpoint", endpoint, "http://127.0.0.1:PORT")->required();
  cli.add_option("--client-id", o.client_id, "app client id (PreventUserExistenceErrors ENABLED)")
      ->required();
  cli.add_option("--pool-id", o.pool_id, "user pool id")->required();
  cli.add_option("--seeded", o.seeded, "the pool has this many `cognate seed` users")
      ->required()
      ->check(CLI::Range(1L, 100'000'000L));
  cli.add_option("--first-user", o.first_user, "the first seeded user this run spends")
      ->check(CLI::Range(0L, 100'000'000L));
  cli.add_option("--samples", o.samples, "timed samples per kind and operation (default 300)")
      ->check(CLI::Range(2, 1'000'000));
  cli.add_option("--warmup", o.warmup, "untimed pairs first, per operation (default 10)")
      ->check(CLI::Range(0, 1000));
  cli.add_option("--gap-us", o.gap_us, "mean pause before each timed call, µs (default 2000)")
      ->check(CLI::Range(0, 1'000'000));
  cli.add_option("--ops", o.ops, "operations, a comma list of: " + op_names)->delimiter(',');
  cli.add_option("--database", o.database,
                 "the sandbox's SQLite file: before each timed call, wait for its outbox to empty");
  cli.add_option("--json", o.json_file, "append one JSON line per operation to this file");
  cli.add_option("--raw", o.raw_file,
                 "append every sample (operation, pair, kind, µs) to this file");
  cli.add_flag("--a-a", o.a_a,
               "an A/A run: the known side gets unknown names too, so every difference is noise");
  CLI11_PARSE(cli, argc, argv);

  const auto where = parse_endpoint(endpoint);
  if (!where) {
    fmt::print(stderr, "cognate-enumeration: --endpoint must be http://IPv4:PORT\n");
    return 2;
  }
  std::tie(o.host, o.port) = *where;

  std::vector<const operation*> ops;
  for (const auto& op : all_operations()) {
    if (o.ops.empty() || std::find(o.ops.begin(), o.ops.end(), op.short_name) != o.ops.end()) {
      ops.push_back(&op);
    }
  }
  if (!o.ops.empty() && ops.size() != o.ops.size()) {
    fmt::print(stderr, "cognate-enumeration: --ops takes {}\n", op_names);
    return 2;
  }
  auto count = [&](known_kind kind) {
    return static_cast<long>(std::count_if(ops.begin(), ops.end(),
                                           [&](const operation* op) { return op->known == kind; }));
  };
  const long pairs = o.warmup + o.samples;
  const long seeded_needed = o.a_a ? 0 : pairs * count(known_kind::seeded);
  if (o.first_user + seeded_needed > o.seeded) {
    fmt::print(stderr,
               "cognate-enumeration: the pool has {} seeded users; this run needs {} from user {} "
               "on (one per known sample): seed more\n",
               o.seeded, seeded_needed, o.first_user);
    return 2;
  }

  const std::string tag = cognate::hex_encode(cognate::random_bytes(3));
  const auto started = steady::now();
  bool all_alike = true;
  try {
    std::optional<outbox_probe> outbox;
    if (!o.database.empty()) outbox.emplace(o.database);
    // Signed up first, so that most of their emails are written while other operations run.
    const name_list unconfirmed =
        sign_up_unconfirmed(o, tag, o.a_a ? 0 : pairs * count(known_kind::unconfirmed));
    std::ifstream loadavg("/proc/loadavg");
    std::string load1, load5;
    loadavg >> load1 >> load5;
    fmt::print(
        "cognate-enumeration: {} samples per kind and operation after {} warm-up pairs, the "
        "two names of a pair in random order,\n"
        "a pause of {} µs on average before each timed call; load average {} {} at the start. "
        "Times in µs, Δ = known − unknown.\n"
        "Noise: the 95 % bootstrap interval of Δp50 ({} resamples of the pairs, in blocks of {}); "
        "within noise when it holds 0.\n"
        "split: |p50(half A) − p50(half B)| within one kind, the larger of the two kinds.\n",
        o.samples, o.warmup, o.gap_us, load1, load5, bootstrap_replicates, bootstrap_block);
    if (o.a_a) fmt::print("A/A run: the K columns are unknown names too\n");
    print_header();
    long next_seeded = o.first_user;
    long next_unconfirmed = 0;
    long next_unknown = 0;
    for (const operation* op : ops) {
      name_list known;
      if (o.a_a) {
        known = unknown_names(tag + "a", next_unknown, pairs);
      } else if (op->known == known_kind::seeded) {
        for (long i = 0; i < pairs; ++i) {
          known.push_back(cognate::pool::seed_email(cognate::pool::seed_options{}, next_seeded++));
        }
      } else {
        known.assign(unconfirmed.begin() + next_unconfirmed,
                     unconfirmed.begin() + next_unconfirmed + pairs);
        next_unconfirmed += pairs;
      }
      const op_result r = run_operation(o, outbox ? &*outbox : nullptr, *op, known,
                                        unknown_names(tag, next_unknown, pairs));
      next_unknown += pairs;
      print_row(r.figures);
      if (r.mismatches > 0) {
        all_alike = false;
        fmt::print("  answered differently in {} pairs; first: {}\n", r.mismatches,
                   r.first_mismatch);
      }
      if (!o.json_file.empty()) {
        std::ofstream(o.json_file, std::ios::app) << json::serialize(to_json(r.figures)) << '\n';
      }
    }
  } catch (const failure& f) {
    fmt::print(stderr, "cognate-enumeration: setup failed: {}\n", f.what);
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "cognate-enumeration: setup failed: {}\n", e.what());
    return 2;
  }
  fmt::print("({:.0f} s)\n", std::chrono::duration<double>(steady::now() - started).count());
  return all_alike ? 0 : 1;
}

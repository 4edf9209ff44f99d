// cognate-bench: a closed-loop load generator for one Cognito JSON API operation against a
// running server. For each concurrency level it prepares the users the operation needs (untimed:
// sign-up, confirmation with the code read from the sandbox outbox, TOTP enrolment, sign-in for
// tokens), then runs N virtual users — one thread and one keep-alive connection each — and
// reports requests/s, p50/p90/p99 latency, errors, the server's CPU time per operation and its
// peak RSS. The client side of SRP and TOTP reuses Cognate's own code (src/), so multi-step
// sign-ins cost the client little.
//
// With --seeded N the pool holds the N users of `cognate seed` (user0@seed.example …, their
// password, with --totp their derived TOTP secrets; pool/seed.h): the sign-in operations then
// use those instead of preparing users, so a 10 000 or 1 000 000 user pool is measured as it
// is. A TOTP sign-in spends its user's current time step, so each uses a user of its own, taken
// in order from --first-user (give each run of the same pool its own range).
//
// Usage: cognate-bench --endpoint http://127.0.0.1:PORT --client-id ID --pool-id ID --op NAME
//          --concurrency 1,16,64 --requests N [--duration S] --server-pid PID
//          (--outbox DIR | --code CODE) [--label NAME] [--json FILE] [--no-header]
//          [--seeded N [--first-user I]]
// --code: every confirmation code is CODE (cognito-local started with CODE set, see
// bench/cognito-local/start.sh); --label names the server in the rows.
// Columns: cpu ms/op is the server's CPU time per operation, rss MiB its peak RSS (VmHWM),
// client ms the load generator's own CPU time per operation.
// Exit status: 0 when every timed request succeeded, 1 when any failed, 2 on bad usage/setup.

#include "http_client.h"
#include "support/srp_client.h"

#include "common/encoding.h"
#include "common/random.h"
#include "mfa/totp.h"
#include "pool/seed.h"
#include "pool/srp_timestamp.h"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <fmt/core.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

namespace json = boost::json;
namespace fs = std::filesystem;
using steady = std::chrono::steady_clock;

namespace cognate::bench {
namespace {

constexpr const char* bench_password = "Bench-Passw0rd!";

struct options {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string client_id;
  std::string pool_id;
  std::string op;
  std::vector<int> concurrency{1};
  long requests = 0;    // total timed operations per level (0: bounded by duration only)
  double duration = 0;  // seconds per level (0: bounded by requests only)
  int server_pid = 0;
  std::string outbox;
  std::string code;               // every confirmation code, instead of an outbox
  std::string label = "cognate";  // the server column
  long seeded = 0;                // users of `cognate seed` in the pool
  long first_user = 0;            // the first seeded user TOTP sign-ins use
  std::string json_file;
  bool header = true;
};

struct user {
  std::string name;
  std::string password = bench_password;
  bytes totp_secret;
  int totp_steps_ahead = 0;  // 1 when enrolment just spent the current step
  std::string access_token;
  std::string refresh_token;
};


// ---- the steps ---------------------------------------------------------------------------------

void sign_up(http_client& client, const options& o, const user& u) {
  call_ok(client, "SignUp",
       {{"ClientId", o.client_id},
        {"Username", u.name},
        {"Password", u.password},
        {"UserAttributes", json::array{json::object{{"Name", "email"}, {"Value", u.name}}}}});
}

void confirm(http_client& client, const options& o, const user& u, const std::string& code) {
  call_ok(client, "ConfirmSignUp",
       {{"ClientId", o.client_id}, {"Username", u.name}, {"ConfirmationCode", code}});
}

json::object password_auth(http_client& client, const options& o, const user& u) {
  return call_ok(client, "InitiateAuth",
              {{"ClientId", o.client_id},
               {"AuthFlow", "USER_PASSWORD_AUTH"},
               {"AuthParameters", {{"USERNAME", u.name}, {"PASSWORD", u.password}}}});
}

void keep_tokens(user& u, const json::object& answer) {
  const json::object& result = answer.at("AuthenticationResult").as_object();
  u.access_token = str(result, "AccessToken");
  u.refresh_token = str(result, "RefreshToken");
}

// Answers MFA_SETUP: associates a TOTP secret and verifies it with the current step's code. The
// next sign-in must offer a later step's code (the server accepts each step once per user).
void enrol_totp(http_client& client, const options& o, user& u) {
  json::object challenge = password_auth(client, o, u);
  if (str(challenge, "ChallengeName") != "MFA_SETUP") throw failure{"expected MFA_SETUP"};
  json::object associated =
      call_ok(client, "AssociateSoftwareToken", {{"Session", str(challenge, "Session")}});
  u.totp_secret = base32_decode(str(associated, "SecretCode")).value_or(bytes{});
  json::object verified =
      call_ok(client, "VerifySoftwareToken",
           {{"Session", str(associated, "Session")},
            {"UserCode", mfa::totp_code(u.totp_secret, std::chrono::system_clock::now())}});
  u.totp_steps_ahead = 1;
  keep_tokens(u, call_ok(client, "RespondToAuthChallenge",
                      {{"ClientId", o.client_id},
                       {"ChallengeName", "MFA_SETUP"},
                       {"Session", str(verified, "Session")},
                       {"ChallengeResponses", {{"USERNAME", u.name}}}}));
}

// Answers a SOFTWARE_TOKEN_MFA challenge with the code of the current step, or the next one when
// enrolment just spent the current one (the server accepts ±1 step, each once).
void answer_totp(http_client& client, const options& o, user& u, const json::object& challenge,
                 const std::string& username) {
  if (str(challenge, "ChallengeName") != "SOFTWARE_TOKEN_MFA")
    throw failure{"expected SOFTWARE_TOKEN_MFA"};
  const auto at = std::chrono::system_clock::now() + std::chrono::seconds(30 * u.totp_steps_ahead);
  keep_tokens(u, call_ok(client, "RespondToAuthChallenge",
                      {{"ClientId", o.client_id},
                       {"ChallengeName", "SOFTWARE_TOKEN_MFA"},
                       {"Session", str(challenge, "Session")},
                       {"ChallengeResponses",
                        {{"USERNAME", username},
                         {"SOFTWARE_TOKEN_MFA_CODE", mfa::totp_code(u.totp_secret, at)}}}}));
}

// The seed sign-in: USER_SRP_AUTH → PASSWORD_VERIFIER → SOFTWARE_TOKEN_MFA → tokens.
void srp_mfa_sign_in(http_client& client, const options& o, user& u) {
  testing::srp_client srp;
  json::object verifier =
      call_ok(client, "InitiateAuth",
           {{"ClientId", o.client_id},
            {"AuthFlow", "USER_SRP_AUTH"},
            {"AuthParameters", {{"USERNAME", u.name}, {"SRP_A", srp.A_hex()}}}});
  const json::object& params = verifier.at("ChallengeParameters").as_object();
  const std::string user_id = str(params, "USER_ID_FOR_SRP");
  const std::string block = str(params, "SECRET_BLOCK");
  const std::string timestamp = pool::format_srp_timestamp(std::chrono::system_clock::now());
  const std::string pool_name = o.pool_id.substr(o.pool_id.find('_') + 1);
  const std::string signature = srp.signature(pool_name, user_id, u.password, str(params, "SALT"),
                                              str(params, "SRP_B"), block, timestamp);
  json::object mfa = call_ok(client, "RespondToAuthChallenge",
                          {{"ClientId", o.client_id},
                           {"ChallengeName", "PASSWORD_VERIFIER"},
                           {"Session", str(verifier, "Session")},
                           {"ChallengeResponses",
                            {{"USERNAME", user_id},
                             {"PASSWORD_CLAIM_SECRET_BLOCK", block},
                             {"PASSWORD_CLAIM_SIGNATURE", signature},
                             {"TIMESTAMP", timestamp}}}});
  answer_totp(client, o, u, mfa, user_id);
}

// USER_PASSWORD_AUTH → SOFTWARE_TOKEN_MFA → tokens (two requests).
void password_mfa_sign_in(http_client& client, const options& o, user& u) {
  answer_totp(client, o, u, password_auth(client, o, u), u.name);
}

// ---- the outbox --------------------------------------------------------------------------------

std::string decode_quoted_printable(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=' || i + 1 >= text.size()) {
      out += text[i];
    } else if (text[i + 1] == '\n') {
      i += 1;
    } else if (text[i + 1] == '\r' && i + 2 < text.size() && text[i + 2] == '\n') {
      i += 2;
    } else if (i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    }
  }
  return out;
}

// The confirmation code of one .eml: the 6 digits after "account: " in the decoded body, else
// the body's first 6-digit run.
std::optional<std::string> code_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream raw;
  raw << in.rdbuf();
  const std::string text = raw.str();
  std::size_t head_end = text.find("\r\n\r\n");
  if (head_end == std::string::npos) head_end = text.find("\n\n");
  if (head_end == std::string::npos) return std::nullopt;
  const std::string body = decode_quoted_printable(std::string_view(text).substr(head_end));
  static const std::regex after_prompt("account: (\\d{6})(?!\\d)");
  static const std::regex any_code("(?:^|\\D)(\\d{6})(?!\\d)");
  std::smatch m;
  if (std::regex_search(body, m, after_prompt) || std::regex_search(body, m, any_code)) {
    return m[1].str();
  }
  return std::nullopt;
}

// The newest code sent to each address, keyed by the file-name form of the address.
std::map<std::string, std::string> read_outbox(const std::string& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".eml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());  // names start with the date and time
  std::map<std::string, std::string> codes;
  for (const auto& file : files) {
    const std::string name = file.stem().string();
    const std::size_t at = name.find("bench-");
    if (at == std::string::npos) continue;
    if (auto code = code_of(file)) codes[name.substr(at)] = *code;
  }
  return codes;
}

std::string file_name_form(const std::string& address) {
  std::string out = address;
  for (char& c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
  }
  return out;
}

// ---- running many virtual users ----------------------------------------------------------------

// Runs fn(client, index) for index in [0, count) on `threads` threads, each with its own
// connection. Throws the first failure.
void parallel_for(const options& o, int threads, std::size_t count,
                  const std::function<void(http_client&, std::size_t)>& fn) {
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::optional<failure> first;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      http_client client(o.host, o.port);
      for (std::size_t i; (i = next++) < count;) {
        try {
          fn(client, i);
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
  for (auto& t : pool) t.join();
  if (first) throw *first;
}

std::vector<user> make_users(const std::string& prefix, std::size_t count) {
  std::vector<user> users(count);
  for (std::size_t i = 0; i < count; ++i) {
    users[i].name = fmt::format("bench-{}-{}@example.com", prefix, i);
  }
  return users;
}

// Seeded user i (pool/seed.h): its email, password and derived TOTP secret.
user seeded_user(long i) {
  const pool::seed_options seed;
  user u;
  u.name = pool::seed_email(seed, i);
  u.password = seed.password;
  u.totp_secret = pool::seed_totp_secret(u.name);
  return u;
}

// The `count` seeded users from `first` on, for one-time use (TOTP sign-ins).
std::vector<user> take_seeded_users(const options& o, long first, std::size_t count) {
  long next = first;
  if (next + static_cast<long>(count) > o.seeded) {
    throw failure{fmt::format("the pool has {} seeded users; users {}..{} are needed (a TOTP "
                              "sign-in spends its user's time step): seed more",
                              o.seeded, next, next + static_cast<long>(count) - 1)};
  }
  std::vector<user> users;
  for (std::size_t i = 0; i < count; ++i) users.push_back(seeded_user(next++));
  return users;
}

std::map<std::string, std::string> wait_for_codes(const options& o,
                                                  const std::vector<user>& users) {
  if (!o.code.empty()) {  // cognito-local with CODE set
    std::map<std::string, std::string> codes;
    for (const user& u : users) codes[file_name_form(u.name)] = o.code;
    return codes;
  }
  for (int attempt = 0;; ++attempt) {
    auto codes = read_outbox(o.outbox);
    const bool all = std::all_of(users.begin(), users.end(), [&](const user& u) {
      return codes.count(file_name_form(u.name)) > 0;
    });
    if (all) return codes;
    if (attempt == 100) throw failure{"confirmation emails missing from " + o.outbox};
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

void sign_up_and_confirm(const options& o, int threads, std::vector<user>& users) {
  parallel_for(o, threads, users.size(),
               [&](http_client& c, std::size_t i) { sign_up(c, o, users[i]); });
  auto codes = wait_for_codes(o, users);
  parallel_for(o, threads, users.size(), [&](http_client& c, std::size_t i) {
    confirm(c, o, users[i], codes.at(file_name_form(users[i].name)));
  });
}

// ---- measuring the server ----------------------------------------------------------------------

double server_cpu_seconds(int pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) {
      stime = std::stoull(field);
      break;
    }
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// This process's CPU time: with client and server on one machine, the load generator's own cost
// (mostly the client's SRP modexps) shares the cores with the server's.
double client_cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

long server_peak_rss_kib(int pid) {
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

struct result {
  std::string server;
  std::string op;
  int concurrency = 0;
  long ok = 0;
  long errors = 0;
  double seconds = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0;
  double cpu_ms_per_op = 0;
  double client_cpu_ms_per_op = 0;
  long peak_rss_kib = 0;
  std::string first_error;
};

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto i = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(i, sorted.size() - 1)];
}

// The timed loop: `step(client, index, thread)` is one operation.
using timed_step = std::function<void(http_client&, std::size_t, int)>;

result measure(const options& o, int concurrency, long requests, const timed_step& step) {
  std::atomic<long> next{0};
  std::mutex mutex;
  std::vector<double> latencies;
  result r;
  r.server = o.label;
  r.op = o.op;
  r.concurrency = concurrency;
  const double cpu_before = server_cpu_seconds(o.server_pid);
  const double client_before = client_cpu_seconds();
  const auto start = steady::now();
  const auto deadline = o.duration > 0 ? start + std::chrono::duration_cast<steady::duration>(
                                                     std::chrono::duration<double>(o.duration))
                                       : steady::time_point::max();
  std::vector<std::thread> threads;
  for (int t = 0; t < concurrency; ++t) {
    threads.emplace_back([&, t] {
      http_client client(o.host, o.port);
      std::vector<double> mine;
      long errors = 0;
      std::string first_error;
      for (;;) {
        const long i = next++;
        if ((requests > 0 && i >= requests) || steady::now() >= deadline) break;
        const auto t0 = steady::now();
        try {
          step(client, static_cast<std::size_t>(i), t);
          mine.push_back(std::chrono::duration<double, std::milli>(steady::now() - t0).count());
        } catch (const failure& f) {
          if (errors++ == 0) first_error = f.what;
        } catch (const std::exception& e) {  // an answer of an unexpected shape
          if (errors++ == 0) first_error = e.what();
        }
      }
      std::lock_guard lock(mutex);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
      r.errors += errors;
      if (r.first_error.empty()) r.first_error = first_error;
    });
  }
  for (auto& t : threads) t.join();
  r.seconds = std::chrono::duration<double>(steady::now() - start).count();
  const double cpu = server_cpu_seconds(o.server_pid) - cpu_before;
  const double client_cpu = client_cpu_seconds() - client_before;
  std::sort(latencies.begin(), latencies.end());
  r.ok = static_cast<long>(latencies.size());
  r.p50_ms = percentile(latencies, 0.50);
  r.p90_ms = percentile(latencies, 0.90);
  r.p99_ms = percentile(latencies, 0.99);
  const long total = r.ok + r.errors;
  r.cpu_ms_per_op = total > 0 ? cpu * 1000.0 / static_cast<double>(total) : 0;
  r.client_cpu_ms_per_op = total > 0 ? client_cpu * 1000.0 / static_cast<double>(total) : 0;
  r.peak_rss_kib = server_peak_rss_kib(o.server_pid);
  return r;
}

// Prepares what `o.op` needs for one level, then measures it.
// `level` counts the levels run before this one: TOTP sign-ins of level k use the seeded users
// after those of levels 0..k-1.
result run_level(const options& o, int concurrency, int level) {
  const int setup_threads = std::max(concurrency, 8);
  const std::string prefix = fmt::format("{}-c{}", hex_encode(random_bytes(4)), concurrency);
  const long n = o.requests;
  auto need_requests = [&] {
    if (n <= 0) throw failure{o.op + " uses one user per request: give --requests"};
  };
  if (o.op == "SignUp") {
    need_requests();
    auto users = make_users(prefix, static_cast<std::size_t>(n));
    return measure(o, concurrency, n,
                   [&](http_client& c, std::size_t i, int) { sign_up(c, o, users[i]); });
  }
  if (o.op == "ConfirmSignUp") {
    need_requests();
    auto users = make_users(prefix, static_cast<std::size_t>(n));
    parallel_for(o, setup_threads, users.size(),
                 [&](http_client& c, std::size_t i) { sign_up(c, o, users[i]); });
    auto codes = wait_for_codes(o, users);
    return measure(o, concurrency, n, [&](http_client& c, std::size_t i, int) {
      confirm(c, o, users[i], codes.at(file_name_form(users[i].name)));
    });
  }
  if (o.op == "SrpTotpSignIn" || o.op == "PasswordTotpSignIn") {
    // One user per sign-in: seeded ones, or new ones enrolled at MFA_SETUP (untimed).
    need_requests();
    std::vector<user> users;
    if (o.seeded > 0) {
      users = take_seeded_users(o, o.first_user + level * n, static_cast<std::size_t>(n));
    } else {
      users = make_users(prefix, static_cast<std::size_t>(n));
      sign_up_and_confirm(o, setup_threads, users);
      parallel_for(o, setup_threads, users.size(),
                   [&](http_client& c, std::size_t i) { enrol_totp(c, o, users[i]); });
    }
    const bool srp = o.op == "SrpTotpSignIn";
    return measure(o, concurrency, n, [&](http_client& c, std::size_t i, int) {
      if (srp) {
        srp_mfa_sign_in(c, o, users[i]);
      } else {
        password_mfa_sign_in(c, o, users[i]);
      }
    });
  }
  // The rest reuse one user per virtual user, signed in once (an MFA OFF pool): new ones, or
  // seeded ones spread over the pool.
  std::vector<user> users;
  if (o.seeded > 0) {
    for (int t = 0; t < concurrency; ++t) {
      users.push_back(seeded_user((o.first_user + t * 7919L) % o.seeded));
    }
  } else {
    users = make_users(prefix, static_cast<std::size_t>(concurrency));
    sign_up_and_confirm(o, setup_threads, users);
  }
  parallel_for(o, setup_threads, users.size(), [&](http_client& c, std::size_t i) {
    keep_tokens(users[i], password_auth(c, o, users[i]));
  });
  if (o.op == "UserPasswordAuth") {
    if (o.seeded > 0) {  // a different user each time, all over the pool
      return measure(o, concurrency, n, [&](http_client& c, std::size_t i, int) {
        password_auth(c, o, seeded_user((o.first_user + static_cast<long>(i) * 7919L) % o.seeded));
      });
    }
    return measure(o, concurrency, n, [&](http_client& c, std::size_t, int t) {
      password_auth(c, o, users[static_cast<std::size_t>(t)]);
    });
  }
  if (o.op == "GetTokensFromRefreshToken") {
    return measure(o, concurrency, n, [&](http_client& c, std::size_t, int t) {
      call_ok(c, "GetTokensFromRefreshToken",
           {{"ClientId", o.client_id},
            {"RefreshToken", users[static_cast<std::size_t>(t)].refresh_token}});
    });
  }
  if (o.op == "RefreshTokenAuth") {
    return measure(o, concurrency, n, [&](http_client& c, std::size_t, int t) {
      call_ok(c, "InitiateAuth",
           {{"ClientId", o.client_id},
            {"AuthFlow", "REFRESH_TOKEN_AUTH"},
            {"AuthParameters",
             {{"REFRESH_TOKEN", users[static_cast<std::size_t>(t)].refresh_token}}}});
    });
  }
  if (o.op == "GetUser") {
    return measure(o, concurrency, n, [&](http_client& c, std::size_t, int t) {
      call_ok(c, "GetUser", {{"AccessToken", users[static_cast<std::size_t>(t)].access_token}});
    });
  }
  throw failure{"unknown --op " + o.op};
}

// ---- output ------------------------------------------------------------------------------------

void print_header() {
  fmt::print("{:<13} {:<26} {:>4} {:>7} {:>6} {:>9} {:>9} {:>9} {:>9} {:>10} {:>9} {:>10}\n",
             "server", "operation", "c", "ok", "errors", "req/s", "p50 ms", "p90 ms", "p99 ms",
             "cpu ms/op", "rss MiB", "client ms");
}

void print_row(const result& r) {
  fmt::print(
      "{:<13} {:<26} {:>4} {:>7} {:>6} {:>9.1f} {:>9.2f} {:>9.2f} {:>9.2f} {:>10.2f} {:>9.1f} "
      "{:>10.2f}\n",
      r.server, r.op, r.concurrency, r.ok, r.errors, static_cast<double>(r.ok) / r.seconds,
      r.p50_ms, r.p90_ms, r.p99_ms, r.cpu_ms_per_op, static_cast<double>(r.peak_rss_kib) / 1024.0,
      r.client_cpu_ms_per_op);
  if (!r.first_error.empty()) fmt::print("  first error: {}\n", r.first_error);
  std::fflush(stdout);
}

json::object to_json(const result& r) {
  return {{"server", r.server},
          {"op", r.op},
          {"concurrency", r.concurrency},
          {"ok", r.ok},
          {"errors", r.errors},
          {"seconds", r.seconds},
          {"requests_per_second", static_cast<double>(r.ok) / r.seconds},
          {"p50_ms", r.p50_ms},
          {"p90_ms", r.p90_ms},
          {"p99_ms", r.p99_ms},
          {"server_cpu_ms_per_op", r.cpu_ms_per_op},
          {"server_peak_rss_kib", r.peak_rss_kib},
          {"client_cpu_ms_per_op", r.client_cpu_ms_per_op}};
}

}  // namespace
}  // namespace cognate::bench

int main(int argc, char** argv) {
  using namespace cognate::bench;
  options o;
  std::string endpoint;
  bool no_header = false;
  CLI::App cli{"cognate-bench: load generator for the Cognito User Pools JSON API"};
  cli.add_option("--endpoint", endpoint, "http://127.0.0.1:PORT")->required();
  cli.add_option("--client-id", o.client_id, "app client id")->required();
  cli.add_option("--pool-id", o.pool_id, "user pool id")->required();
  cli.add_option("--op", o.op,
                 "SignUp, ConfirmSignUp, UserPasswordAuth, PasswordTotpSignIn, SrpTotpSignIn, "
                 "GetTokensFromRefreshToken, RefreshTokenAuth, GetUser")
      ->required();
  cli.add_option("--concurrency", o.concurrency, "virtual users, a comma list: 1,16,64")
      ->delimiter(',')
      ->check(CLI::Range(1, 1024));
  cli.add_option("--requests", o.requests, "timed operations per concurrency level");
  cli.add_option("--duration", o.duration, "seconds per concurrency level (reusable ops)");
  cli.add_option("--server-pid", o.server_pid, "the server process (CPU time, peak RSS)")
      ->required();
  CLI::Option* outbox =
      cli.add_option("--outbox", o.outbox, "the sandbox outbox (confirmation codes)");
  cli.add_option("--code", o.code, "every confirmation code (cognito-local's CODE)")
      ->excludes(outbox);
  cli.add_option("--label", o.label, "the server's name in the rows (default cognate)");
  cli.add_option("--seeded", o.seeded, "the pool has this many `cognate seed` users: use them")
      ->check(CLI::Range(0L, 100'000'000L));
  cli.add_option("--first-user", o.first_user, "the first seeded user TOTP sign-ins use")
      ->check(CLI::Range(0L, 100'000'000L));
  cli.add_option("--json", o.json_file, "append one JSON line per level to this file");
  cli.add_flag("--no-header", no_header, "print rows only");
  CLI11_PARSE(cli, argc, argv);
  o.header = !no_header;

  const auto where = parse_endpoint(endpoint);
  if (!where) {
    fmt::print(stderr, "cognate-bench: --endpoint must be http://IPv4:PORT\n");
    return 2;
  }
  std::tie(o.host, o.port) = *where;
  if (o.outbox.empty() == o.code.empty()) {
    fmt::print(stderr, "cognate-bench: give --outbox or --code\n");
    return 2;
  }
  if (o.requests <= 0 && o.duration <= 0) {
    fmt::print(stderr, "cognate-bench: give --requests or --duration\n");
    return 2;
  }

  if (o.header) print_header();
  bool any_errors = false;
  for (std::size_t level = 0; level < o.concurrency.size(); ++level) {
    const int c = o.concurrency[level];
    result r;
    try {
      r = run_level(o, c, static_cast<int>(level));
    } catch (const failure& f) {
      fmt::print(stderr, "cognate-bench: {} (c={}) setup failed: {}\n", o.op, c, f.what);
      return 2;
    } catch (const std::exception& e) {
      fmt::print(stderr, "cognate-bench: {} (c={}) setup failed: {}\n", o.op, c, e.what());
      return 2;
    }
    print_row(r);
    any_errors = any_errors || r.errors > 0 || r.ok == 0;
    if (!o.json_file.empty()) {
      std::ofstream(o.json_file, std::ios::app) << boost::json::serialize(to_json(r)) << '\n';
    }
  }
  return any_errors ? 1 : 0;
}

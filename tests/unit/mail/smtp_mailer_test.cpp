#include "mail/smtp_mailer.h"

#include "common/random.h"
#include "eml.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace cognate::mail {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// ---- helpers --------------------------------------------------------------------------------

struct temp_dir {
  fs::path path = fs::temp_directory_path() / ("cognate-smtp-" + random_uuid());
  temp_dir() { fs::create_directory(path); }
  ~temp_dir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  return a;
}

// A loopback port nothing listens on (the kernel picked it for a socket we then closed).
std::uint16_t free_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  auto a = loopback(0);
  socklen_t size = sizeof a;
  if (::bind(s, reinterpret_cast<sockaddr*>(&a), size) != 0 ||
      ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &size) != 0) {
    ::close(s);
    throw std::runtime_error("cannot pick a free port");
  }
  ::close(s);
  return ntohs(a.sin_port);
}

bool accepts_connections(std::uint16_t port) {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  const auto a = loopback(port);
  const bool ok = ::connect(s, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0;
  ::close(s);
  return ok;
}

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A real SMTP server (Python's aiosmtpd) on a loopback port, delivering into a Maildir. The
// child is killed when this goes out of scope, and by the kernel if the test process dies.
class smtp_server {
 public:
  // `script` is passed to `python3 -c` with the port and the maildir as arguments; empty runs
  // the stock `python3 -m aiosmtpd` with its Mailbox handler.
  explicit smtp_server(const std::string& script = {}) {
    const std::string port = std::to_string(port_);
    const std::string dir = maildir().string();
    const std::string listen = "127.0.0.1:" + port;
    std::vector<std::string> args{"python3", "-c", script, port, dir};
    if (script.empty()) {
      args = {"python3", "-m", "aiosmtpd", "-n", "-l", listen, "-c", "aiosmtpd.handlers.Mailbox",
              dir};
    }
    std::vector<char*> argv;
    for (auto& a : args) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    const std::string log = log_file().string();
    pid_ = ::fork();
    if (pid_ == 0) {  // child: async-signal-safe calls only
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
      ::execv("/usr/bin/python3", argv.data());
      ::_exit(127);
    }
  }
  ~smtp_server() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  smtp_server(const smtp_server&) = delete;
  smtp_server& operator=(const smtp_server&) = delete;

  // Waits (at most 10 s) until the server accepts connections; false if it died or never did.
  bool wait_until_ready() {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (pid_ > 0 && std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      if (accepts_connections(port_)) {
        return true;
      }
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  // The texts of the messages delivered so far, in no particular order.
  std::vector<std::string> delivered() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(maildir() / "new", ec)) {
      out.push_back(read(entry.path()));
    }
    return out;
  }

  std::string url(std::string_view credentials = {}) const {
    return "smtp://" + std::string(credentials) + "127.0.0.1:" + std::to_string(port_);
  }
  std::string log() const { return read(log_file()); }

 private:
  fs::path maildir() const { return dir_.path / "maildir"; }
  fs::path log_file() const { return dir_.path / "server.log"; }

  temp_dir dir_;
  std::uint16_t port_ = free_port();
  pid_t pid_ = -1;
};

// aiosmtpd requiring AUTH (PLAIN or LOGIN, allowed without TLS on loopback) as
// "mail user" / "p@ss:w%rd".
constexpr const char* authenticating_server = R"(
import signal, sys
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult

def check(server, session, envelope, mechanism, auth_data):
    ok = (auth_data.login, auth_data.password) == (b"mail user", b"p@ss:w%rd")
    return AuthResult(success=ok, handled=False)

Controller(Mailbox(sys.argv[2]), hostname="127.0.0.1", port=int(sys.argv[1]),
           authenticator=check, auth_required=True, auth_require_tls=False).start()
signal.pause()
)";

message sample(std::string subject) {
  return message{.from = "Cognate <no-reply@cognate.test>",
                 .to = "Alice <alice@example.com>",
                 .reply_to = {},
                 .subject = std::move(subject),
                 .body =
                     "Thanks for signing up! Use this code to verify your account: 123456\n"
                     ".a line starting with a dot\n.\nGrüße ✉\n" +
                     std::string(120, '=') + "\n",
                 .message_id = "<" + random_uuid() + "@cognate.test>",
                 .date = from_unix(1795812509),
                 .code = "123456"};
}

// The delivered message whose decoded subject is `subject`, parsed; fails the test if absent.
std::optional<test::eml> find_delivered(const smtp_server& server, const std::string& subject) {
  for (const auto& text : server.delivered()) {
    auto parsed = test::parse_eml(text);
    if (test::decode_words(parsed.header("Subject")) == subject) {
      return parsed;
    }
  }
  ADD_FAILURE() << "no delivered message with subject " << subject;
  return std::nullopt;
}

// ---- parse_smtp_url -------------------------------------------------------------------------

TEST(SmtpUrl, AcceptsSmtpAndSmtpsUrls) {
  for (const char* url : {"smtp://mail.example.com", "smtp://mail.example.com:587",
                          "smtps://user:p%40ss@mail.example.com:465", "SMTP://127.0.0.1:2525",
                          "smtp://[::1]:25", "smtps://apikey:abc@smtp.example.com/client.test"}) {
    const auto options = smtp_mailer::parse_smtp_url(url);
    ASSERT_TRUE(options.has_value()) << url << ": " << options.error().message;
    EXPECT_EQ(options->url, url);
    EXPECT_EQ(options->timeout, 30s);
  }
}

TEST(SmtpUrl, RejectsOtherSchemesWithAHelpfulMessage) {
  for (const char* url : {"", "mail.example.com:587", "http://mail.example.com",
                          "https://user:hunter2@mail.example.com", "smtp:/mail.example.com",
                          "smtpx://mail.example.com"}) {
    const auto options = smtp_mailer::parse_smtp_url(url);
    ASSERT_FALSE(options.has_value()) << url;
    EXPECT_EQ(options.error().code, errc::invalid_parameter);
    EXPECT_NE(options.error().message.find("smtps://"), std::string::npos);
    EXPECT_EQ(options.error().message.find("hunter2"), std::string::npos);
  }
}

TEST(SmtpUrl, RejectsUrlsWithoutAHostOrWithABadPort) {
  for (const char* url : {"smtp://", "smtps://user:hunter2@", "smtp://mail.example.com:99999",
                          "smtp://mail.example.com:port", "smtp://mail example.com"}) {
    const auto options = smtp_mailer::parse_smtp_url(url);
    ASSERT_FALSE(options.has_value()) << url;
    EXPECT_EQ(options.error().code, errc::invalid_parameter);
    EXPECT_TRUE(options.error().message.starts_with("invalid SMTP URL: "))
        << options.error().message;
    EXPECT_EQ(options.error().message.find("hunter2"), std::string::npos);
  }
}

TEST(SmtpMailer, ConstructorRejectsAnInvalidUrl) {
  EXPECT_THROW(smtp_mailer(smtp_options{.url = "http://mail.example.com"}), std::invalid_argument);
}

// ---- delivery -------------------------------------------------------------------------------

TEST(SmtpMailer, DeliversToARealSmtpServer) {
  smtp_server server;
  ASSERT_TRUE(server.wait_until_ready()) << server.log();
  smtp_mailer mailer(smtp_options{.url = server.url(), .timeout = 10s});

  const auto first = sample("Welcome to Our Workshop App");
  const auto second = sample("Bestätigen Sie Ihre E-Mail-Adresse ✉ — Überprüfung für Zoë 🎉");
  for (const auto& m : {first, second}) {  // the second send reuses the connection
    const auto sent = mailer.send(m);
    ASSERT_TRUE(sent.has_value()) << sent.error().message << "\n" << server.log();
  }

  for (const auto& m : {first, second}) {
    const auto got = find_delivered(server, m.subject);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->header("X-MailFrom"), "no-reply@cognate.test");  // the envelope
    EXPECT_EQ(got->header("X-RcptTo"), "alice@example.com");
    EXPECT_EQ(got->header("To"), "Alice <alice@example.com>");
    EXPECT_EQ(got->header("Message-ID"), m.message_id);
    EXPECT_EQ(test::qp_decode(got->body), m.body);
  }
}

TEST(SmtpMailer, AuthenticatesWithPercentDecodedCredentials) {
  smtp_server server(authenticating_server);
  ASSERT_TRUE(server.wait_until_ready()) << server.log();
  smtp_mailer mailer(
      smtp_options{.url = server.url("mail%20user:p%40ss%3Aw%25rd@"), .timeout = 10s});
  const auto m = sample("Authenticated");
  const auto sent = mailer.send(m);
  ASSERT_TRUE(sent.has_value()) << sent.error().message << "\n" << server.log();
  EXPECT_TRUE(find_delivered(server, m.subject).has_value());
}

TEST(SmtpMailer, RefusedLoginFailsWithoutRevealingThePassword) {
  smtp_server server(authenticating_server);
  ASSERT_TRUE(server.wait_until_ready()) << server.log();
  smtp_mailer mailer(smtp_options{.url = server.url("mail%20user:hunter2@"), .timeout = 10s});
  const auto sent = mailer.send(sample("Refused"));
  ASSERT_FALSE(sent.has_value());
  EXPECT_EQ(sent.error().code, errc::code_delivery_failure);
  EXPECT_EQ(sent.error().message.find("hunter2"), std::string::npos) << sent.error().message;
  EXPECT_TRUE(server.delivered().empty());
}

TEST(SmtpMailer, FailsQuicklyWhenNothingListens) {
  const auto url = "smtp://user:hunter2@127.0.0.1:" + std::to_string(free_port());
  smtp_mailer mailer(smtp_options{.url = url, .timeout = 5s});
  const auto start = std::chrono::steady_clock::now();
  const auto sent = mailer.send(sample("Nobody home"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  ASSERT_FALSE(sent.has_value());
  EXPECT_EQ(sent.error().code, errc::code_delivery_failure);
  EXPECT_TRUE(sent.error().message.starts_with("SMTP delivery failed: ")) << sent.error().message;
  EXPECT_EQ(sent.error().message.find("hunter2"), std::string::npos) << sent.error().message;
}

}  // namespace
}  // namespace cognate::mail

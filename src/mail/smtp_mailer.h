#pragma once
// Delivery over SMTP with libcurl: STARTTLS when offered (smtp://) or implicit TLS (smtps://),
// AUTH with the credentials from the URL when the server offers it. An smtp:// server that offers
// AUTH but not STARTTLS gets the credentials in clear text: prefer smtps:// off loopback.

#include "common/error.h"
#include "mail/mailer.h"

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace cognate::mail {

struct smtp_options {
  // smtp://[user:password@]host[:port] or smtps://…, user and password percent-encoded.
  std::string url;
  std::chrono::seconds timeout{30};  // for a whole send, connecting included; 0 means none
};

// Not thread-safe: use one instance from one thread at a time (it keeps the connection open
// between sends for reuse).
class smtp_mailer final : public mailer {
 public:
  // Checks `url` (e.g. the --smtp-url flag): fails with errc::invalid_parameter and a message
  // fit for the user when it is not an smtp:// or smtps:// URL with a host. The message never
  // repeats the URL, which may hold a password. On success returns options with that URL and
  // the default timeout.
  static result<smtp_options> parse_smtp_url(std::string_view url);

  // Throws std::invalid_argument (with parse_smtp_url's message) when the URL is invalid, and
  // std::runtime_error if libcurl cannot be initialised. Does not connect.
  explicit smtp_mailer(smtp_options options);
  ~smtp_mailer() override;
  smtp_mailer(const smtp_mailer&) = delete;
  smtp_mailer& operator=(const smtp_mailer&) = delete;

  // Blocks for at most the configured timeout. The envelope sender and recipient are the bare
  // addresses of m.from and m.to. Fails with errc::code_delivery_failure and libcurl's
  // explanation (never the password) when the server cannot be reached, refuses the login,
  // the sender or the recipient, or times out.
  result<void> send(const message& m) override;
  // The configured timeout (the default of mailer when it is 0, none).
  std::chrono::seconds max_send_time() const override {
    return timeout_.count() > 0 ? timeout_ : mailer::max_send_time();
  }

 private:
  struct easy_cleanup {
    void operator()(void* easy) const noexcept;
  };

  std::string url_;  // without credentials
  std::string username_;
  std::string password_;
  std::chrono::seconds timeout_;
  std::unique_ptr<void, easy_cleanup> easy_;  // CURL*; keeps the connection cache
};

}  // namespace cognate::mail

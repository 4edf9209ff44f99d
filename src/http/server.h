#pragma once
// The HTTP front: Boost.Beast over Asio with C++20 coroutines. The only code that includes
// Beast/Asio (server.cpp).
//
// Serves: OPTIONS on any path → CORS preflight; GET / and /ui/* → the built-in page; everything
// else goes to api::router with a request context (headers, peer address, request id, clock),
// which says where it runs. Every body has a size limit and every read a deadline: a request's
// header must arrive within `header_timeout` of its first byte (of the connection, for the first
// request), its body within `body_timeout`, and a kept-alive connection that sends nothing for
// `idle_timeout` is closed — so slow clients (slowloris) hold a connection for a bounded time.
// Beyond `max_connections` open connections, new ones are closed at once. API calls run on a
// bounded worker pool, never on the I/O threads; a call over its address's rate limit is refused
// before it takes a place there (router::refuse_over_limit), and when `max_in_flight` calls are
// already running or queued, the answer is TooManyRequestsException at once.
//
// With `tls_cert_file`/`tls_key_file` it speaks HTTPS only; reload_tls() swaps the certificate
// without dropping a connection.
//
// Thread model: `io_threads` threads run the I/O context (parsing, routing, encoding);
// `workers` threads run API calls, except read-only ones (the operation table says which), which
// run on `readers` threads of their own: calls that write wait on commits, so their pool is
// large, while a quick read is cheapest on a small pool whose threads are rarely asleep. Small
// routes (health, JWKS, the page's helpers) are answered on the I/O thread. start()/stop() from
// one controlling thread.

#include "api/router.h"
#include "common/error.h"
#include "http/client_address.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace cognate::http {

struct server_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 9339;  // 0 picks a free port; port() tells which
  int io_threads = 1;
  int workers = 2;
  int readers = 4;  // threads for read-only calls
  int max_in_flight = 256;
  std::size_t body_limit = 64 * 1024;
  int max_connections = 10000;
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};
  trusted_proxies proxies;  // whose X-Forwarded-For names the caller (client_address.h)
  // HTTPS with this certificate chain and key (PEM files), TLS 1.2 and 1.3 only, forward-secret
  // AEAD ciphers only; both empty: plain HTTP.
  std::string tls_cert_file;
  std::string tls_key_file;
};

class server {
 public:
  explicit server(server_options options);
  ~server();  // stops

  // Binds the listening socket and returns its port (connections queue until start()). Throws
  // std::runtime_error if the address cannot be bound.
  std::uint16_t listen();
  // Starts serving `router`, which must outlive the server (binding first if listen() was not
  // called).
  void start(const api::router& router);
  // Stops accepting, closes connections, joins the threads. Idempotent.
  void stop();
  std::uint16_t port() const;
  bool tls() const;
  // API calls running or queued for a worker now.
  int in_flight() const;
  // Reads the certificate and key files again (SIGHUP): new connections get the new ones, open
  // connections keep theirs. On failure (message in the error), the old ones stay in use.
  result<void> reload_tls();

  struct state;  // implementation detail (server.cpp)

 private:
  std::shared_ptr<state> state_;
};

}  // namespace cognate::http

#include "http/server.h"

#include "common/metrics.h"

#include "common/reasons.h"
#include "common/random.h"
#include "ui/assets.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <mutex>
#include <optional>
#include <type_traits>
#include <stdexcept>
#include <thread>
#include <vector>

namespace cognate::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;
using request = bhttp::request<bhttp::string_body>;
using response = bhttp::response<bhttp::string_body>;

struct server::state {
  explicit state(server_options o)
      : options(std::move(o)),
        workers(static_cast<std::size_t>(options.workers)),
        readers(static_cast<std::size_t>(std::max(1, options.readers))),
        acceptor(io) {}

  server_options options;
  const api::router* router = nullptr;  // set by start(), before any request is served
  system_clock clock;
  asio::io_context io;
  asio::thread_pool workers;
  asio::thread_pool readers;
  tcp::acceptor acceptor;
  std::vector<std::thread> io_threads;
  std::atomic<int> in_flight{0};
  std::atomic<int> connections{0};
  std::atomic<std::int64_t> refused_connections{0};
  std::atomic<std::uint16_t> port{0};
  bool stopped = false;

  // The TLS context new connections get (null: plain HTTP). Swapped by reload_tls(); each
  // connection keeps the one it started with alive.
  std::shared_ptr<ssl::context> current_tls() const {
    std::lock_guard lock(tls_mutex);
    return tls;
  }
  void set_tls(std::shared_ptr<ssl::context> context) {
    std::lock_guard lock(tls_mutex);
    tls = std::move(context);
  }

 private:
  mutable std::mutex tls_mutex;
  std::shared_ptr<ssl::context> tls;
};

namespace {

constexpr std::string_view json_type = "application/x-amz-json-1.1";

constexpr std::string_view exposed_headers =
    "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date";
// What the Cognito clients send (Amplify adds pragma and cache-control; SigV4 callers the
// x-amz-* and authorization headers); a preflight asking for more gets this list, and the browser
// refuses the request.
constexpr std::string_view allowed_headers =
    "content-type,x-amz-target,x-amz-user-agent,cache-control,pragma,amz-sdk-invocation-id,"
    "amz-sdk-request,authorization,x-amz-date,x-amz-security-token,x-amz-content-sha256";

// TLS 1.2's forward-secret AEAD suites (Mozilla's "intermediate" list); TLS 1.3 keeps OpenSSL's
// defaults, all of which are.
constexpr const char* tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

result<std::shared_ptr<ssl::context>> make_tls_context(const std::string& cert_file,
                                                       const std::string& key_file) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  auto* native = context->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                  SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
  if (SSL_CTX_set_cipher_list(native, tls12_ciphers) != 1) {
    return internal_failure("OpenSSL refused the TLS 1.2 cipher list");
  }
  boost::system::error_code ec;
  context->use_certificate_chain_file(cert_file, ec);
  if (ec) {
    return fail(reason::invalid_parameter,
                "cannot read the TLS certificate chain " + cert_file + ": " + ec.message());
  }
  context->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) {
    return fail(reason::invalid_parameter,
                "cannot read the TLS private key " + key_file + ": " + ec.message());
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    return fail(reason::invalid_parameter,
                "the TLS private key " + key_file + " does not match the certificate " + cert_file);
  }
  return context;
}

// Header values echoed back must be plain tokens: no CR/LF or other control characters.
bool safe_header_value(std::string_view v) {
  return v.size() <= 2048 && std::all_of(v.begin(), v.end(), [](char c) {
           auto u = static_cast<unsigned char>(c);
           return u >= 0x20 && u != 0x7f;
         });
}

// RFC 1123: "Sun, 29 Nov 2026 01:12:45 GMT".
std::string http_date(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char out[40];
  std::strftime(out, sizeof out, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return out;
}

void add_cors(response& res, const request& req) {

  const std::string_view origin = req[bhttp::field::origin];
  if (!origin.empty() && safe_header_value(origin)) {
    res.set(bhttp::field::access_control_allow_origin, origin);
    res.set(bhttp::field::vary, "Origin");
  } else {
    res.set(bhttp::field::access_control_allow_origin, "*");
  }
  res.set(bhttp::field::access_control_expose_headers, exposed_headers);
}

// On every answer: no content sniffing, no referrer, never framed. (The page adds its CSP.)
void add_security_headers(response& res) {
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.set("X-Frame-Options", "DENY");
}

response make_reply(const request& req, const api::reply& r, const std::string& request_id) {
  response res{static_cast<bhttp::status>(r.status), req.version()};
  res.set(bhttp::field::content_type, r.content_type.empty() ? json_type : r.content_type);
  res.set("x-amzn-RequestId", request_id);
  // SDK v3 corrects its clock from every answer's Date (SigV4's 5-minute window).
  res.set(bhttp::field::date, http_date(std::chrono::system_clock::now()));
  if (!r.error_type.empty()) {
    res.set("x-amzn-ErrorType", r.error_type);
    if (safe_header_value(r.error_message)) {
      res.set("x-amzn-ErrorMessage", r.error_message);
    }
  }
  add_cors(res, req);
  add_security_headers(res);
  // Answers carry tokens and codes' destinations: no cache may keep them.
  res.set(bhttp::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = r.body;
  res.prepare_payload();
  return res;
}

response preflight(const request& req) {
  response res{bhttp::status::no_content, req.version()};
  add_cors(res, req);
  add_security_headers(res);
  res.set(bhttp::field::access_control_allow_methods, "POST, GET, OPTIONS");
  res.set(bhttp::field::access_control_allow_headers, allowed_headers);
  res.set(bhttp::field::access_control_max_age, "86400");
  res.keep_alive(req.keep_alive());
  res.prepare_payload();
  return res;
}

// The built-in Authenticator page: "/" and its files under /ui/.
std::optional<response> static_page(const request& req, std::string_view path,
                                    const std::string& request_id) {
  std::string_view name;
  if (path == "/" || path == "/index.html") {
    name = "index.html";
  } else if (path.starts_with("/ui/")) {
    name = path.substr(4);
  } else {
    return std::nullopt;
  }
  const auto& all = ui::assets();
  auto it = all.find(name);
  if (it == all.end()) {
    return std::nullopt;
  }
  std::string_view type = "application/octet-stream";
  if (name.ends_with(".html")) type = "text/html; charset=utf-8";
  else if (name.ends_with(".js")) type = "text/javascript; charset=utf-8";
  else if (name.ends_with(".css")) type = "text/css; charset=utf-8";
  else if (name.ends_with(".svg")) type = "image/svg+xml";
  response res{bhttp::status::ok, req.version()};
  res.set(bhttp::field::content_type, type);
  res.set("x-amzn-RequestId", request_id);
  res.set(bhttp::field::cache_control, "no-cache");
  add_security_headers(res);
  res.set("Content-Security-Policy",
          "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
          "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  res.keep_alive(req.keep_alive());
  if (req.method() != bhttp::verb::head) {
    res.body() = std::string(it->second);
  }
  res.prepare_payload();
  return res;
}

std::string_view path_of(const request& req) {
  const std::string_view target = req.target();
  return target.substr(0, target.find('?'));
}

std::string_view query_of(const request& req) {
  const std::string_view target = req.target();
  const auto q = target.find('?');
  return q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
}

// Hands `req` to the router with its context. Blocking for API calls.
api::reply answer(const request& req, const server::state& st, std::string_view request_id,
                  std::string_view peer) {
  api::header_list headers;
  for (const auto& field : req) {
    headers.add(field.name_string(), field.value());
  }
  const api::request_context context{.method = req.method_string(),
                                     .path = path_of(req),
                                     .query = query_of(req),
                                     .target = req["X-Amz-Target"],
                                     .body = req.body(),
                                     .headers = headers,
                                     .peer = peer,
                                     .request_id = request_id,
                                     .clock = st.clock};
  return st.router->handle(context);
}

// Runs on a worker thread: the API call blocks on the store and on CPU work.
asio::awaitable<api::reply> call_api(server::state* st, std::shared_ptr<const request> req,
                                     std::string request_id, std::string peer) {
  co_return answer(*req, *st, request_id, peer);
}

asio::awaitable<response> route(request req, server::state* st, std::string socket_peer) {
  const std::string request_id = random_uuid();
  const std::string peer =
      st->options.proxies.client_address(socket_peer, req["X-Forwarded-For"]);
  if (req.method() == bhttp::verb::options) {
    co_return preflight(req);
  }
  const auto path = path_of(req);
  const bool get = req.method() == bhttp::verb::get || req.method() == bhttp::verb::head;
  if (get) {
    if (auto page = static_page(req, path, request_id)) {
      co_return std::move(*page);
    }
  }
  const std::string target(req["X-Amz-Target"]);
  const auto where = st->router->place(req.method_string(), path, target);
  if (where == api::placement::io || where == api::placement::none) {
    auto res = make_reply(req, answer(req, *st, request_id, peer), request_id);
    if (get) {
      res.set(bhttp::field::cache_control, "no-cache");
    }
    co_return res;
  }

  const auto started = std::chrono::steady_clock::now();
  const auto since = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  if (auto refused = st->router->refuse_over_limit(target, peer)) {
    // Answered here, on the I/O thread: a flood never queues before anyone else's calls.
    st->router->finished(request_id, target, peer, *refused, since());
    co_return make_reply(req, *refused, request_id);
  }
  api::reply reply;
  // Shared with the worker, which reads it while this coroutine waits.
  auto shared = std::make_shared<const request>(std::move(req));
  if (st->in_flight.fetch_add(1) >= st->options.max_in_flight) {
    reply = api::error_reply(fail(reason::too_many_requests));
    metrics::process().overloaded.with({}).add();
  } else {
    try {
      auto& pool = where == api::placement::read_call ? st->readers : st->workers;
      reply = co_await asio::co_spawn(pool, call_api(st, shared, request_id, peer),
                                      asio::use_awaitable);
    } catch (const std::exception& e) {
      reply = api::error_reply(internal_failure(std::string("unhandled exception: ") + e.what()));
    }
  }
  st->in_flight.fetch_sub(1);
  st->router->finished(request_id, target, peer, reply, since());
  co_return make_reply(*shared, reply, request_id);
}

// After refusing an oversized body, read and discard what the client is still sending (bounded)
// so it sees our answer instead of a connection reset.
asio::awaitable<void> drain(beast::tcp_stream& stream) {
  stream.expires_after(std::chrono::seconds(2));
  std::array<char, 16384> sink{};
  std::size_t total = 0;
  while (total < 16 * 1024 * 1024) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink),
                                                   asio::as_tuple(asio::use_awaitable));
    if (ec) {
      break;
    }
    total += n;
  }
}

// Counts the connection open for as long as its coroutine lives (until it returns, or is
// destroyed with the io_context at shutdown).
struct connection_count {
  explicit connection_count(server::state* s) : st(s) {}
  connection_count(const connection_count&) = delete;
  connection_count& operator=(const connection_count&) = delete;
  ~connection_count() { st->connections.fetch_sub(1); }
  server::state* st;
};

bool closed_by_peer_or_clock(const beast::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
         ec == beast::error::timeout || ec == asio::error::connection_reset ||
         ec == asio::error::operation_aborted || ec == ssl::error::stream_truncated;
}

// The requests of one connection, plain or TLS, until it closes, idles or times out.
template <class Stream>
asio::awaitable<void> serve_requests(Stream& stream, server::state* st) {
  constexpr bool plain = std::is_same_v<Stream, beast::tcp_stream>;
  auto& tcp_layer = beast::get_lowest_layer(stream);
  beast::error_code peer_error;
  const auto remote = tcp_layer.socket().remote_endpoint(peer_error);
  const std::string peer = peer_error ? std::string() : remote.address().to_string();
  beast::flat_buffer buffer;
  for (bool first = true;; first = false) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(st->options.body_limit);
    if (!first && buffer.size() == 0) {
      // Kept alive: wait for the next request's first byte, at most idle_timeout.
      tcp_layer.expires_after(st->options.idle_timeout);
      auto [idle_ec, n] = co_await stream.async_read_some(buffer.prepare(4096),
                                                          asio::as_tuple(asio::use_awaitable));
      if (idle_ec) {
        break;
      }
      buffer.commit(n);
    }
    tcp_layer.expires_after(st->options.header_timeout);
    auto [ec, read] = co_await bhttp::async_read_header(stream, buffer, parser,
                                                        asio::as_tuple(asio::use_awaitable));
    if (!ec && !parser.is_done()) {
      tcp_layer.expires_after(st->options.body_timeout);
      std::tie(ec, read) = co_await bhttp::async_read(stream, buffer, parser,
                                                      asio::as_tuple(asio::use_awaitable));
    }
    if (closed_by_peer_or_clock(ec)) {
      break;
    }
    if (ec) {
      // A malformed or oversized request: answer once, then close.
      const bool too_big = ec == bhttp::error::body_limit;
      request fake;
      fake.version(11);
      auto r = api::error_reply(too_big ? fail(reason::body_too_large, st->options.body_limit)
                                        : fail(reason::malformed_http, ec.message()));
      r.status = too_big ? 413 : 400;
      auto res = make_reply(fake, r, random_uuid());
      res.keep_alive(false);
      tcp_layer.expires_after(std::chrono::seconds(5));
      co_await bhttp::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
      if constexpr (plain) {
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        co_await drain(stream);
      }
      co_return;
    }
    auto res = co_await route(parser.release(), st, peer);
    const bool keep_alive = res.keep_alive();
    tcp_layer.expires_after(st->options.body_timeout);
    auto [write_ec, written] =
        co_await bhttp::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
    if (write_ec || !keep_alive) {
      break;
    }
  }
}

asio::awaitable<void> serve_plain(beast::tcp_stream stream, server::state* st) {
  const connection_count counted(st);
  co_await serve_requests(stream, st);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

// `context` stays alive for the connection, whatever reload_tls() swaps in meanwhile. The
// handshake must end within the header time.
asio::awaitable<void> serve_tls(beast::tcp_stream tcp, server::state* st,
                                std::shared_ptr<ssl::context> context) {
  const connection_count counted(st);
  tls_stream stream(std::move(tcp), *context);
  beast::get_lowest_layer(stream).expires_after(st->options.header_timeout);
  auto [ec] = co_await stream.async_handshake(ssl::stream_base::server,
                                              asio::as_tuple(asio::use_awaitable));
  if (ec) {
    co_return;  // not TLS, an old protocol or cipher, or too slow: nothing to answer
  }
  co_await serve_requests(stream, st);
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
  auto [shutdown_ec] = co_await stream.async_shutdown(asio::as_tuple(asio::use_awaitable));
  (void)shutdown_ec;
}

// The coroutines take the server's state by plain pointer: it outlives every one that runs (stop()
// joins the threads first), and a coroutine still suspended when the server goes is destroyed
// with the io_context inside the state. A shared_ptr there would make a cycle (state → pending
// operation → coroutine frame → state) that nothing ever frees.
asio::awaitable<void> accept_loop(server::state* st) {
  for (;;) {
    auto [ec, socket] = co_await st->acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted || !st->acceptor.is_open()) {
      co_return;
    }
    if (ec) {
      // E.g. out of file descriptors: back off briefly instead of spinning.
      spdlog::warn("accept failed: {}", ec.message());
      asio::steady_timer pause(st->io, std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    if (st->connections.fetch_add(1) >= st->options.max_connections) {
      st->connections.fetch_sub(1);
      // Over the limit: close at once. One line per thousand, not one per connection.
      if (st->refused_connections.fetch_add(1) % 1000 == 0) {
        spdlog::warn("connection limit ({}) reached: closing new connections",
                     st->options.max_connections);
      }
      socket.close(ec);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    if (auto context = st->current_tls()) {
      asio::co_spawn(st->io, serve_tls(beast::tcp_stream(std::move(socket)), st, std::move(context)),
                     asio::detached);
    } else {
      asio::co_spawn(st->io, serve_plain(beast::tcp_stream(std::move(socket)), st),
                     asio::detached);
    }
  }
}

}  // namespace

server::server(server_options options) : state_(std::make_shared<state>(std::move(options))) {}

bool server::tls() const { return !state_->options.tls_cert_file.empty(); }

result<void> server::reload_tls() {
  auto& st = *state_;
  if (!tls()) {
    return {};
  }
  ASSIGN_OR_RETURN(auto context, make_tls_context(st.options.tls_cert_file, st.options.tls_key_file));
  st.set_tls(std::move(context));
  return {};
}

server::~server() { stop(); }

std::uint16_t server::listen() {
  auto& st = *state_;
  if (tls() && !st.current_tls()) {
    if (auto loaded = reload_tls(); !loaded) {
      throw std::runtime_error(loaded.error().message);
    }
  }
  boost::system::error_code ec;
  auto address = asio::ip::make_address(st.options.host, ec);
  if (ec) {
    throw std::runtime_error("invalid listen address " + st.options.host);
  }
  tcp::endpoint endpoint(address, st.options.port);
  st.acceptor.open(endpoint.protocol(), ec);
  if (!ec) st.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) st.acceptor.bind(endpoint, ec);
  if (!ec) st.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + st.options.host + ":" +
                             std::to_string(st.options.port) + ": " + ec.message());
  }
  st.port = st.acceptor.local_endpoint().port();
  return st.port;
}

void server::start(const api::router& router) {
  auto& st = *state_;
  st.router = &router;
  if (!st.acceptor.is_open()) {
    listen();
  }
  asio::co_spawn(st.io, accept_loop(state_.get()), asio::detached);
  for (int i = 0; i < std::max(1, st.options.io_threads); ++i) {
    st.io_threads.emplace_back([s = state_] { s->io.run(); });
  }
}

void server::stop() {
  auto& st = *state_;
  if (st.stopped) {
    return;
  }
  st.stopped = true;
  st.io.stop();
  for (auto& t : st.io_threads) {
    if (t.joinable()) {
      t.join();
    }
  }
  // No I/O thread runs now: close the acceptor here (a handler posted for it would stay queued
  // in the stopped io_context, holding the state, and never run).
  boost::system::error_code ignored;
  st.acceptor.close(ignored);
  st.workers.join();
  st.readers.join();
}

std::uint16_t server::port() const { return state_->port; }

int server::in_flight() const { return state_->in_flight.load(); }

}  // namespace cognate::http

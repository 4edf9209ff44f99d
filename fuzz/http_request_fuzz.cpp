// libFuzzer target: the bytes of one client connection, read as src/http/server.cpp reads them —
// Beast's request_parser<string_body> with the server's header limit (16 KiB) and body limit
// (server_options::body_limit, 64 KiB), the header first and then the body (Content-Length or
// chunked), request after request while the client keeps the connection alive (pipelining).
// Each request that parses then goes through the project's pure code that reads its headers:
// the caller's address from X-Forwarded-For (http/client_address.h, the peer being a trusted
// proxy), the header list the API layer gets (api/request.h), the SigV4 check of admin
// operations (auth/operator_guard.h against an in-memory store holding the access key of the
// protocol doc's captures, its clock at their time, so a captured AWS CLI request verifies) and
// the JSON body parser (api/decoder.h).
//
// The input is what the socket delivers; the stream hands the parser at most 1 + size % 1500
// bytes per read, so headers, chunk sizes and bodies also arrive split at varied points.
#include "api/decoder.h"
#include "api/request.h"
#include "auth/operator_guard.h"
#include "common/clock.h"
#include "common/encoding.h"
#include "crypto/sealer.h"
#include "fake_store.h"
#include "http/client_address.h"
#include "http/server.h"

#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using namespace cognate;

constexpr std::size_t header_limit = 16 * 1024;  // serve_connection() in src/http/server.cpp
const std::size_t body_limit = http::server_options{}.body_limit;

// cognito-admin-api.md §2.6: the captures' credential and the time they were made.
constexpr std::string_view access_key_id = "AKIDEXAMPLE";
constexpr std::string_view secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::int64_t captured_at = 1795914765;  // 2026-11-29T01:12:45Z
constexpr std::string_view socket_peer = "10.0.0.2";

// The operator's trusted proxies; socket_peer is one of them, so X-Forwarded-For is read.
http::trusted_proxies make_proxies() {
  auto parsed = http::trusted_proxies::parse({"10.0.0.0/8", "127.0.0.1", "fd00::/8"});
  if (!parsed) {
    std::fprintf(stderr, "trusted_proxies::parse refused the fixture\n");
    std::abort();
  }
  return std::move(*parsed);
}

struct fixture {
  crypto::sealer sealer{crypto::master_key::from_bytes(bytes(crypto::master_key::size, 7))};
  fuzz::fake_store store;
  manual_clock clock{from_unix(captured_at)};
  auth::operator_guard guard{store, sealer, clock};
  std::vector<std::string> regions{"us-east-1"};
  http::trusted_proxies proxies = make_proxies();
  boost::asio::io_context io;

  fixture() {
    const std::string id(access_key_id);
    store.credential_rows.rows.push_back(
        store::credential_record{.access_key_id = id,
                                 .name = "fuzz",
                                 .secret_sealed = sealer.seal(as_bytes(secret), "credential:" + id),
                                 .created_at = from_unix(captured_at - 86400)});
  }
};

fixture& the_fixture() {
  static fixture f;
  return f;
}

// What route() and service::run() do with a request's headers and body, minus the store.
result<auth::operator_principal> handle(fixture& f, const bhttp::request<bhttp::string_body>& req) {
  (void)f.proxies.client_address(socket_peer, req["X-Forwarded-For"]);
  const std::string_view target = req.target();
  const auto q = target.find('?');
  const auto path = target.substr(0, q);
  const auto query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);

  api::header_list headers;
  for (const auto& field : req) {
    headers.add(field.name_string(), field.value());
  }
  (void)headers.get("X-Amz-Target");
  const auto entries = headers.entries();
  const auth::signed_request signed_request{.method = req.method_string(),
                                            .path = path,
                                            .query = query,
                                            .headers = entries,
                                            .body = req.body()};
  auto principal = f.guard.check(signed_request, f.regions);
  (void)api::parse_body(req.body());
  return principal;
}

// Reads requests from `bytes` as serve_connection() does; calls `each` on every one that parses.
template <class Each>
void read_connection(fixture& f, std::string_view bytes, Each&& each) {
  beast::test::stream stream(f.io, bytes);
  stream.read_size(1 + bytes.size() % 1500);
  stream.close_remote();  // the client sends nothing more: reads past the end see EOF
  beast::flat_buffer buffer;
  for (bool first = true;; first = false) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(header_limit);
    parser.body_limit(body_limit);
    beast::error_code ec;
    if (!first && buffer.size() == 0) {
      const auto n = stream.read_some(buffer.prepare(4096), ec);
      if (ec) {
        return;
      }
      buffer.commit(n);
    }
    bhttp::read_header(stream, buffer, parser, ec);
    if (!ec && !parser.is_done()) {
      bhttp::read(stream, buffer, parser, ec);
    }
    if (ec) {
      return;  // the server answers 400/413 once and closes, or the client is gone
    }
    auto req = parser.release();
    each(req);
    if (!req.keep_alive()) {
      return;
    }
  }
}

}  // namespace

// The harness checks itself once: the AWS CLI capture of cognito-admin-api.md §2.6 (A) must
// parse and verify, or the fixture (key, sealing context, clock, region) is wrong and the fuzzer
// would never reach the signature comparison.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  auto& f = the_fixture();
  const std::string cli =
      "POST / HTTP/1.1\r\n"
      "Host: 127.0.0.1:18765\r\n"
      "Accept-Encoding: identity\r\n"
      "X-Amz-Target: AWSCognitoIdentityProviderService.AdminGetUser\r\n"
      "Content-Type: application/x-amz-json-1.1\r\n"
      "X-Amz-Date: 20261129T011242Z\r\n"
      "Authorization: AWS4-HMAC-SHA256 "
      "Credential=AKIDEXAMPLE/20261129/us-east-1/cognito-idp/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
      "Signature=69a165e5f6a6c8931486d1cf3ad147e6251319e9a1e3eb3c96b89186e98908e0\r\n"
      "Content-Length: 58\r\n"
      "\r\n"
      R"({"UserPoolId": "us-east-1_Ab12Cd34E", "Username": "alice"})";
  int verified = 0;
  read_connection(f, cli + cli, [&](const auto& req) { verified += handle(f, req).has_value(); });
  if (verified != 2) {
    std::fprintf(stderr, "http_request_fuzz: the CLI capture verified %d times of 2\n", verified);
    std::abort();
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& f = the_fixture();
  read_connection(f, std::string_view(reinterpret_cast<const char*>(data), size),
                  [&](const auto& req) { (void)handle(f, req); });
  return 0;
}

#pragma once
// A blocking HTTP/1.1 client for the Cognito JSON API: one keep-alive connection, POST only,
// responses read by Content-Length. One instance per virtual user; not thread-safe. Also what the
// load generators share around it: JSON calls that must succeed, and the --endpoint form.

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace cognate::bench {

struct api_response {
  int status = 0;    // 0: the connection failed (body holds the reason)
  std::string body;  // the JSON answer
};

class http_client {
 public:
  // `host` is an IPv4 address; nothing connects until the first call.
  http_client(std::string host, int port);
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  // POSTs `body` with X-Amz-Target: AWSCognitoIdentityProviderService.<operation>. Reconnects
  // once when the kept-alive connection was closed by the server. Blocks until the answer.
  api_response call(const std::string& operation, const std::string& body);

 private:
  bool connect_once();
  void close_socket();
  bool send_all(const std::string& data);
  api_response read_response();

  std::string host_;
  int port_;
  int fd_ = -1;
  std::string buffer_;  // bytes read past the previous response
};

// A step that did not go as set up: which operation, the HTTP status and the start of the answer.
struct failure {
  std::string what;
};

// Calls `operation` with `body` and returns its JSON answer; throws failure unless it is a 200.
boost::json::object call_ok(http_client& client, const std::string& operation,
                            const boost::json::object& body);
// The string member `key` of an answer; throws failure when there is none.
std::string str(const boost::json::object& o, std::string_view key);
// "http://IPv4:PORT" (an optional trailing slash) → host and port; nothing for any other form.
std::optional<std::pair<std::string, int>> parse_endpoint(const std::string& endpoint);

}  // namespace cognate::bench

#pragma once
// A blocking HTTP/1.1 client for the Cognito JSON API: one keep-alive connection, POST only,
// responses read by Content-Length. One instance per virtual user; not thread-safe.

#include <string>

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

}  // namespace cognate::bench

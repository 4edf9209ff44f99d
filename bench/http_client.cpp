#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/core.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <regex>
#include <utility>

namespace cognate::bench {

http_client::http_client(std::string host, int port) : host_(std::move(host)), port_(port) {}

http_client::~http_client() { close_socket(); }

void http_client::close_socket() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
}

bool http_client::connect_once() {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port_));
  ::inet_pton(AF_INET, host_.c_str(), &addr.sin_addr);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close_socket();
    return false;
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return true;
}

bool http_client::send_all(const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

api_response http_client::read_response() {
  auto fill = [&] {
    char chunk[16384];
    ssize_t n;
    do n = ::recv(fd_, chunk, sizeof chunk, 0);
    while (n < 0 && errno == EINTR);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  };
  std::size_t head_end;
  while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return {0, "connection closed before the response head"};
  }
  const std::string head = buffer_.substr(0, head_end);
  api_response out;
  if (head.size() < 12 || head.compare(0, 5, "HTTP/") != 0) return {0, "not an HTTP response"};
  out.status = std::atoi(head.c_str() + 9);
  std::size_t length = 0;
  for (std::size_t pos = head.find("\r\n"); pos != std::string::npos;
       pos = head.find("\r\n", pos + 2)) {
    static constexpr char name[] = "content-length:";
    if (::strncasecmp(head.c_str() + pos + 2, name, sizeof name - 1) == 0) {
      length = std::strtoull(head.c_str() + pos + 2 + sizeof name - 1, nullptr, 10);
    }
  }
  const std::size_t body_start = head_end + 4;
  while (buffer_.size() < body_start + length) {
    if (!fill()) return {0, "connection closed in the response body"};
  }
  out.body = buffer_.substr(body_start, length);
  buffer_.erase(0, body_start + length);
  return out;
}

api_response http_client::call(const std::string& operation, const std::string& body) {
  std::string request = "POST / HTTP/1.1\r\nHost: " + host_ + ":" + std::to_string(port_) +
                        "\r\nContent-Type: application/x-amz-json-1.1\r\n"
                        "X-Amz-Target: AWSCognitoIdentityProviderService." +
                        operation + "\r\nContent-Length: " + std::to_string(body.size()) +
                        "\r\n\r\n" + body;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = fd_ >= 0;
    if (!reused && !connect_once()) return {0, std::string("connect: ") + std::strerror(errno)};
    if (send_all(request)) {
      api_response r = read_response();
      if (r.status != 0) return r;
      if (!reused) return r;
    } else if (!reused) {
      close_socket();
      return {0, "send failed"};
    }
    close_socket();  // the server closed an idle connection: retry once on a new one
  }
  return {0, "connection failed twice"};
}

boost::json::object call_ok(http_client& client, const std::string& operation,
                            const boost::json::object& body) {
  api_response r = client.call(operation, boost::json::serialize(body));
  if (r.status != 200) {
    throw failure{fmt::format("{}: HTTP {} {}", operation, r.status, r.body.substr(0, 200))};
  }
  return boost::json::parse(r.body).as_object();
}

std::string str(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  if (!v || !v->is_string()) throw failure{fmt::format("answer without {}", key)};
  return std::string(v->as_string());
}

std::optional<std::pair<std::string, int>> parse_endpoint(const std::string& endpoint) {
  static const std::regex form(R"(http://([0-9.]+):(\d+)/?)");
  std::smatch m;
  if (!std::regex_match(endpoint, m, form)) {
    return std::nullopt;
  }
  return std::pair{m[1].str(), std::stoi(m[2].str())};
}

}  // namespace cognate::bench

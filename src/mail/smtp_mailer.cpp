#include "mail/smtp_mailer.h"

#include "common/reasons.h"
#include "mail/curl_handles.h"
#include "mail/rfc5322.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <stdexcept>

namespace cognate::mail {
namespace {

struct url_cleanup {
  void operator()(CURLU* u) const noexcept { curl_url_cleanup(u); }
};

struct endpoint {
  std::string url;  // without credentials
  std::string username;
  std::string password;
};

// A URL part, percent-decoded when `flags` say so; empty when absent.
std::string url_part(CURLU* u, CURLUPart part, unsigned flags) {
  char* value = nullptr;
  if (curl_url_get(u, part, &value, flags) != CURLUE_OK) {
    return {};
  }
  std::string out(value);
  curl_free(value);
  return out;
}

result<endpoint> split_url(std::string_view url) {
  std::string lower(url.substr(0, std::min<std::size_t>(url.size(), 8)));
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!lower.starts_with("smtp://") && !lower.starts_with("smtps://")) {
    return fail(reason::smtp_url_form);
  }
  ensure_curl();
  std::unique_ptr<CURLU, url_cleanup> u(curl_url());
  if (!u) {
    return fail(reason::smtp_url_invalid, "out of memory");
  }
  if (const auto rc = curl_url_set(u.get(), CURLUPART_URL, std::string(url).c_str(), 0);
      rc != CURLUE_OK) {
    return fail(reason::smtp_url_invalid, curl_url_strerror(rc));
  }
  auto username = url_part(u.get(), CURLUPART_USER, CURLU_URLDECODE);
  auto password = url_part(u.get(), CURLUPART_PASSWORD, CURLU_URLDECODE);
  curl_url_set(u.get(), CURLUPART_USER, nullptr, 0);
  curl_url_set(u.get(), CURLUPART_PASSWORD, nullptr, 0);
  return endpoint{url_part(u.get(), CURLUPART_URL, 0), std::move(username), std::move(password)};
}

endpoint checked(std::string_view url) {
  auto e = split_url(url);
  if (!e) {
    throw std::invalid_argument(e.error().message);
  }
  return *std::move(e);
}

// CURLOPT_READFUNCTION over the std::string_view of what is left to upload.
std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* rest) {
  auto& left = *static_cast<std::string_view*>(rest);
  const std::size_t n = std::min(size * count, left.size());
  std::memcpy(buffer, left.data(), n);
  left.remove_prefix(n);
  return n;
}

}  // namespace

void smtp_mailer::easy_cleanup::operator()(void* easy) const noexcept { curl_easy_cleanup(easy); }

result<smtp_options> smtp_mailer::parse_smtp_url(std::string_view url) {
  RETURN_IF_ERROR(split_url(url));
  return smtp_options{.url = std::string(url)};
}

smtp_mailer::smtp_mailer(smtp_options options) : timeout_(options.timeout) {
  auto e = checked(options.url);
  url_ = std::move(e.url);
  username_ = std::move(e.username);
  password_ = std::move(e.password);
  easy_.reset(curl_easy_init());
  if (!easy_) {
    throw std::runtime_error("libcurl failed to create a handle");
  }
}

smtp_mailer::~smtp_mailer() = default;

result<void> smtp_mailer::send(const message& m) {
  CURL* easy = easy_.get();
  const std::string text = to_rfc5322(m);
  const std::string from = addr_spec(m.from);
  std::string_view left = text;
  curl_slist_ptr rcpt(
      curl_slist_append(nullptr, addr_spec(m.to).c_str()));
  char error[CURL_ERROR_SIZE] = "";

  curl_easy_setopt(easy, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  if (!username_.empty() || !password_.empty()) {
    curl_easy_setopt(easy, CURLOPT_USERNAME, username_.c_str());
    curl_easy_setopt(easy, CURLOPT_PASSWORD, password_.c_str());
  }
  // STARTTLS when the server offers it; smtps:// is TLS from the start and ignores this.
  curl_easy_setopt(easy, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  curl_easy_setopt(easy, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(easy, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(easy, CURLOPT_READDATA, &left);
  curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(text.size()));
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT, static_cast<long>(timeout_.count()));
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error);

  const CURLcode rc = curl_easy_perform(easy);
  curl_easy_reset(easy);  // forget pointers to the locals above; keeps the open connection
  if (rc != CURLE_OK) {
    return fail(reason::smtp_delivery_failed,
                std::string_view(*error ? error : curl_easy_strerror(rc)));
  }
  return {};
}

}  // namespace cognate::mail

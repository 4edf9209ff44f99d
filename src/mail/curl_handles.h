#pragma once
// libcurl, shared by the SMTP mailer and the lazy migration's HTTP calls (auth/user_migration):
// its global initialisation, once per process, and owners for its handles. Thread-safe.

#include <curl/curl.h>

#include <memory>

namespace cognate::mail {

// Initialises libcurl the first time it is called; throws std::runtime_error when it cannot.
void ensure_curl();

struct curl_easy_deleter {
  void operator()(CURL* easy) const noexcept { curl_easy_cleanup(easy); }
};
struct curl_slist_deleter {
  void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};
using curl_easy_ptr = std::unique_ptr<CURL, curl_easy_deleter>;
using curl_slist_ptr = std::unique_ptr<curl_slist, curl_slist_deleter>;

}  // namespace cognate::mail

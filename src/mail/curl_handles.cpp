#include "mail/curl_handles.h"

#include <stdexcept>

namespace cognate::mail {

void ensure_curl() {
  struct global_init {
    global_init() {
      if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        throw std::runtime_error("libcurl failed to initialise");
      }
    }
  };
  static const global_init once;
}

}  // namespace cognate::mail

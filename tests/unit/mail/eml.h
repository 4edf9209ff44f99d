#pragma once
// Test-side reader for the messages src/mail writes: headers (unfolded, RFC 2047 B words decoded
// on request) and quoted-printable bodies. Independent of the code under test on purpose.

#include "common/encoding.h"

#include <cctype>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cognate::mail::test {

struct eml {
  std::vector<std::pair<std::string, std::string>> headers;  // in order, values unfolded
  std::string body;                                          // still encoded, \n line breaks

  // The first header called `name` (case-insensitive), "" when absent.
  std::string header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (same_name(n, name)) {
        return v;
      }
    }
    return {};
  }
  std::size_t count(std::string_view name) const {
    std::size_t n = 0;
    for (const auto& h : headers) {
      n += same_name(h.first, name) ? 1 : 0;
    }
    return n;
  }

 private:
  static bool same_name(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(a[i])) !=
          std::tolower(static_cast<unsigned char>(b[i]))) {
        return false;
      }
    }
    return true;
  }
};

// Accepts CRLF or LF line breaks.
inline eml parse_eml(std::string_view text) {
  std::string lf;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      lf += text[i];
    }
  }
  eml out;
  std::size_t pos = 0;
  while (pos < lf.size()) {
    const auto end = lf.find('\n', pos);
    const std::string line = lf.substr(pos, end - pos);
    pos = end == std::string::npos ? lf.size() : end + 1;
    if (line.empty()) {
      break;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !out.headers.empty()) {
      out.headers.back().second += line;  // unfold: drop the line break only
    } else {
      const auto colon = line.find(':');
      out.headers.emplace_back(line.substr(0, colon),
                               colon + 1 < line.size() && line[colon + 1] == ' '
                                   ? line.substr(colon + 2)
                                   : line.substr(colon + 1));
    }
  }
  out.body = lf.substr(pos);
  return out;
}

// Decodes =?UTF-8?B?…?= words; whitespace between two adjacent encoded words is dropped.
inline std::string decode_words(std::string_view value) {
  std::string out;
  bool previous_encoded = false;
  bool first = true;
  for (std::size_t start = 0;;) {
    const auto end = value.find(' ', start);
    const auto word = value.substr(start, end - start);
    const bool encoded = word.starts_with("=?UTF-8?B?") && word.ends_with("?=");
    if (!first && !(encoded && previous_encoded)) {
      out += ' ';
    }
    if (encoded) {
      const auto bytes = base64_decode(word.substr(10, word.size() - 12));
      out += bytes ? std::string(bytes->begin(), bytes->end()) : "<bad base64>";
    } else {
      out += word;
    }
    previous_encoded = encoded;
    first = false;
    if (end == std::string_view::npos) {
      return out;
    }
    start = end + 1;
  }
}

// Decodes a quoted-printable body with \n line breaks (soft breaks "=\n" removed).
inline std::string qp_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=') {
      out += text[i];
    } else if (i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;
    } else if (i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += "<bad escape>";
    }
  }
  return out;
}

}  // namespace cognate::mail::test

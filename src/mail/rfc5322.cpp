#include "mail/rfc5322.h"

#include "common/encoding.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <vector>

namespace cognate::mail {
namespace {

constexpr std::size_t max_header_line = 78;
constexpr std::size_t max_body_line = 76;

bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }
bool is_ascii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return false;
    }
  }
  return true;
}

// RFC 5322 atext: what may appear in a display name without quoting.
bool is_atext(char c) {
  static constexpr std::string_view symbols = "!#$%&'*+-/=?^_`{|}~";
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         symbols.find(c) != std::string_view::npos;
}

// Header injection defence: no CR, LF or other control character survives into a header.
std::string one_line(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (is_control(c)) {
      c = ' ';
    }
  }
  return out;
}

// Splits on single spaces, keeping empty words, so joining with spaces gives `s` back.
std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> words;
  for (std::size_t start = 0;;) {
    const auto end = s.find(' ', start);
    words.emplace_back(s.substr(start, end - start));
    if (end == std::string_view::npos) {
      return words;
    }
    start = end + 1;
  }
}

// RFC 2047 B encoded-words, each holding whole UTF-8 characters and short enough (≤ 68 columns)
// to share a line with any header name used here.
std::vector<std::string> encoded_words(std::string_view text) {
  static constexpr std::size_t max_chunk = 42;  // 56 base64 characters
  std::vector<std::string> words;
  while (!text.empty()) {
    std::size_t n = std::min(max_chunk, text.size());
    while (n > 0 && n < text.size() && (static_cast<unsigned char>(text[n]) & 0xc0) == 0x80) {
      --n;  // do not split a multi-byte character
    }
    if (n == 0) {
      n = std::min(max_chunk, text.size());  // not UTF-8 after all; split anywhere
    }
    words.push_back("=?UTF-8?B?" + base64_encode(as_bytes(text.substr(0, n))) + "?=");
    text.remove_prefix(n);
  }
  return words;
}

// Non-ASCII text, text that a reader would decode, and words too long to fold become encoded-words.
bool needs_encoding(std::string_view text) {
  if (!is_ascii(text) || text.find("=?") != std::string_view::npos) {
    return true;
  }
  for (const auto& w : split_words(text)) {
    if (w.size() > max_header_line - std::string_view("Subject: ").size()) {
      return true;
    }
  }
  return false;
}

std::vector<std::string> text_words(std::string_view text) {
  return needs_encoding(text) ? encoded_words(text) : split_words(text);
}

std::vector<std::string> display_name_words(std::string_view name) {
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    std::string unquoted;
    for (std::size_t i = 1; i + 1 < name.size(); ++i) {
      if (name[i] == '\\' && i + 2 < name.size()) {
        ++i;
      }
      unquoted += name[i];
    }
    return display_name_words(unquoted);
  }
  if (needs_encoding(name)) {
    return encoded_words(name);
  }
  bool plain = true;
  for (char c : name) {
    plain = plain && (c == ' ' || is_atext(c));
  }
  if (plain) {
    return split_words(name);
  }
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
    }
    quoted += c;
  }
  return {quoted + '"'};
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') {
    s.remove_prefix(1);
  }
  while (!s.empty() && s.back() == ' ') {
    s.remove_suffix(1);
  }
  return s;
}

std::vector<std::string> mailbox_words(std::string_view mailbox) {
  const std::string line = one_line(mailbox);
  const auto open = line.rfind('<');
  const std::string address = addr_spec(line);
  const std::string_view name =
      open == std::string::npos ? std::string_view{} : trim(std::string_view(line).substr(0, open));
  if (name.empty()) {
    return {address};
  }
  auto words = display_name_words(name);
  words.push_back("<" + address + ">");
  return words;
}

// "Name: w1 w2 …" + CRLF, folding (CRLF SP) before a word that would pass column 78. Empty words
// (runs of spaces) never start a continuation line, so no line is blank.
std::string header(std::string_view name, const std::vector<std::string>& words) {
  std::string out = std::string(name) + ":";
  std::size_t column = out.size();
  bool first = true;
  for (const auto& w : words) {
    if (!first && !w.empty() && column + 1 + w.size() > max_header_line) {
      out += "\r\n";
      column = 0;
    }
    out += ' ';
    out += w;
    column += 1 + w.size();
    first = false;
  }
  return out + "\r\n";
}

std::string rfc5322_date(time_point t) {
  static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds = to_unix(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000", days[tm.tm_wday], tm.tm_mday,
                     months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void append_quoted_printable_line(std::string_view line, std::string& out) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::size_t column = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    const bool last = i + 1 == line.size();
    // Whitespace is literal unless it ends the line, where transports may strip it.
    const bool literal = (c > ' ' && c < 0x7f && c != '=') || ((c == ' ' || c == '\t') && !last);
    const std::size_t width = literal ? 1 : 3;
    if (column + width > (last ? max_body_line : max_body_line - 1)) {
      out += "=\r\n";  // soft line break; the '=' needs the last column
      column = 0;
    }
    if (literal) {
      out += static_cast<char>(c);
    } else {
      out += '=';
      out += hex[c >> 4];
      out += hex[c & 0x0f];
    }
    column += width;
  }
}

std::string quoted_printable(std::string_view body) {
  std::string out;
  for (std::size_t start = 0;;) {
    const auto end = body.find_first_of("\r\n", start);
    append_quoted_printable_line(body.substr(start, end - start), out);
    if (end == std::string_view::npos) {
      return out;
    }
    out += "\r\n";
    start = body.compare(end, 2, "\r\n") == 0 ? end + 2 : end + 1;
  }
}

}  // namespace

std::string addr_spec(std::string_view mailbox) {
  const auto open = mailbox.rfind('<');
  if (open != std::string_view::npos) {
    const auto close = mailbox.find('>', open);
    mailbox = mailbox.substr(open + 1, close == std::string_view::npos ? close : close - open - 1);
  }
  std::string out;
  for (char c : mailbox) {
    if (!is_control(c) && c != ' ' && c != '<' && c != '>') {
      out += c;
    }
  }
  return out;
}

std::string to_rfc5322(const message& m) {
  std::string out = header("Date", {rfc5322_date(m.date)});
  out += header("From", mailbox_words(m.from));
  out += header("To", mailbox_words(m.to));
  if (!m.reply_to.empty()) {
    out += header("Reply-To", mailbox_words(m.reply_to));
  }
  out += header("Subject", text_words(one_line(m.subject)));
  if (!m.message_id.empty()) {
    out += header("Message-ID", {"<" + addr_spec(m.message_id) + ">"});
  }
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: quoted-printable\r\n";
  out += "\r\n";
  return out + quoted_printable(m.body);
}

}  // namespace cognate::mail

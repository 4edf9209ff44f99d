#include "mail/file_mailer.h"

#include "common/reasons.h"
#include "common/random.h"
#include "mail/rfc5322.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <optional>
#include <system_error>

namespace cognate::mail {
namespace {

failure io_failure(std::string_view action, const std::filesystem::path& path,
                   std::error_code ec = {errno, std::generic_category()}) {
  return fail(reason::mail_file_failed, action, path.string(), ec.message());
}

std::string file_name(const message& m, std::string_view text) {
  std::uint32_t hash = 2166136261u;  // FNV-1a
  for (char c : text) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
  }
  std::string recipient = addr_spec(m.to).substr(0, 64);
  for (char& c : recipient) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '-';
    if (!safe) {
      c = '_';
    }
  }
  const std::time_t seconds = to_unix(m.date);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}{:02}{:02}-{:02}{:02}{:02}-{:08x}-{}.eml", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, hash, recipient);
}

result<void> write_atomically(const std::filesystem::path& path, std::string_view text) {
  const auto temp =
      std::filesystem::path(path).concat("." + random_string(8, "0123456789abcdef") + ".tmp");
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    return io_failure("create", temp);
  }
  std::optional<failure> error;
  while (!text.empty() && !error) {
    const auto n = ::write(fd, text.data(), text.size());
    if (n >= 0) {
      text.remove_prefix(static_cast<std::size_t>(n));
    } else if (errno != EINTR) {
      error = io_failure("write", temp);
    }
  }
  if (!error && ::fsync(fd) != 0) {
    error = io_failure("sync", temp);
  }
  if (::close(fd) != 0 && !error) {
    error = io_failure("close", temp);
  }
  if (!error && ::rename(temp.c_str(), path.c_str()) != 0) {
    error = io_failure("rename", temp);
  }
  if (error) {
    ::unlink(temp.c_str());
    return *error;
  }
  return {};
}

// Message text on the console: control characters (e.g. escape sequences) become spaces.
std::string printable(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      c = ' ';
    }
  }
  return out;
}

std::string_view first_line(std::string_view body) {
  while (!body.empty()) {
    const auto end = body.find_first_of("\r\n");
    if (end != 0) {
      return body.substr(0, end);
    }
    body.remove_prefix(1);
  }
  return body;
}

}  // namespace

file_mailer::file_mailer(std::filesystem::path outbox_dir, std::FILE* console, bool color)
    : outbox_dir_(std::move(outbox_dir)), console_(console), color_(color) {}

result<void> file_mailer::send(const message& m) {
  const std::string text = to_rfc5322(m);
  std::error_code ec;
  std::filesystem::create_directories(outbox_dir_, ec);
  if (ec) {
    return io_failure("create folder", outbox_dir_, ec);
  }
  const auto path = outbox_dir_ / file_name(m, text);
  RETURN_IF_ERROR(write_atomically(path, text));
  if (console_ != nullptr) {
    std::string detail = printable(first_line(m.body));
    if (!m.code.empty()) {
      const std::string code = printable(m.code);
      detail = "code: " + (color_ ? "\x1b[1;92m" + code + "\x1b[0m" : code);  // bold bright green
    }
    const std::string notice =
        fmt::format("✉  email to {} — \"{}\"\n   {}   ({})\n", addr_spec(m.to),
                    printable(m.subject), detail, path.string());
    std::fputs(notice.c_str(), console_);
    std::fflush(console_);
  }
  return {};
}

}  // namespace cognate::mail

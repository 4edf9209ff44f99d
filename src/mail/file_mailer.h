#pragma once
// The developer sandbox's mailer: each email becomes a .eml file in an outbox folder, and a short
// notice with the one-time code is printed to the console.

#include "mail/mailer.h"

#include <cstdio>
#include <filesystem>

namespace cognate::mail {

// Safe for concurrent use. `console` (e.g. stdout) is borrowed and must outlive the mailer; null
// prints nothing.
class file_mailer final : public mailer {
 public:
  // `color` highlights the code with ANSI escapes. Does not touch the disk.
  file_mailer(std::filesystem::path outbox_dir, std::FILE* console, bool color);

  // Blocks on local disk I/O. Creates the folder if missing, then writes to_rfc5322(m) atomically
  // (temporary file, fsync, rename) as "<YYYYMMDD-HHMMSS of m.date, UTC>-<8 hex digits of a hash
  // of the text>-<recipient address, characters outside [A-Za-z0-9._-] as '_'>.eml", so sending
  // the same message twice rewrites one file. Then prints
  //   ✉  email to alice@example.com — "Subject"
  //      code: 123456   (<path>)
  // with the first non-empty body line instead of the code line when m.code is empty; control
  // characters from the message are printed as spaces. Fails with errc::code_delivery_failure and
  // the OS reason when the folder or file cannot be written (nothing is printed then).
  result<void> send(const message& m) override;
  // A local write; should one take longer, a second send of the message rewrites the same file.
  std::chrono::seconds max_send_time() const override { return std::chrono::seconds(5); }

 private:
  std::filesystem::path outbox_dir_;
  std::FILE* console_;
  bool color_;
};

}  // namespace cognate::mail

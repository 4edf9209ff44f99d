#include "mail/file_mailer.h"

#include "common/random.h"
#include "eml.h"
#include "mail/rfc5322.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <vector>

namespace cognate::mail {
namespace {

namespace fs = std::filesystem;

// A fresh folder under the system temp dir, removed with everything in it.
struct temp_dir {
  fs::path path = fs::temp_directory_path() / ("cognate-mail-" + random_uuid());
  temp_dir() { fs::create_directory(path); }
  ~temp_dir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

// A FILE* writing to memory, standing in for stdout.
struct console {
  char* data = nullptr;
  std::size_t size = 0;
  std::FILE* file = open_memstream(&data, &size);
  ~console() {
    std::fclose(file);
    std::free(data);
  }
  std::string text() {
    std::fflush(file);
    return std::string(data, size);
  }
};

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    out.push_back(entry.path());
  }
  return out;
}

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

message sample() {
  return message{.from = "Cognate <no-reply@cognate.test>",
                 .to = "alice@example.com",
                 .reply_to = {},
                 .subject = "Welcome to Our Workshop App",
                 .body = "Thanks for signing up! Use this code to verify your account: 123456\n",
                 .message_id = "<3c1b2a90-1111-4222-8333-444455556666@cognate.test>",
                 .date = from_unix(1795812509),
                 .code = "123456"};
}

TEST(FileMailer, WritesTheRenderedMessageAsAnEmlFile) {
  temp_dir dir;
  console out;
  file_mailer mailer(dir.path, out.file, false);
  ASSERT_TRUE(mailer.send(sample()).has_value());

  const auto files = files_in(dir.path);
  ASSERT_EQ(files.size(), 1u);  // no temporary file left behind
  EXPECT_TRUE(
      std::regex_match(files[0].filename().string(),
                       std::regex(R"(20261127-204829-[0-9a-f]{8}-alice_example\.com\.eml)")))
      << files[0];
  const auto text = read(files[0]);
  EXPECT_EQ(text, to_rfc5322(sample()));
  const auto parsed = test::parse_eml(text);
  EXPECT_EQ(parsed.header("To"), "alice@example.com");
  EXPECT_EQ(parsed.header("Subject"), "Welcome to Our Workshop App");
  EXPECT_EQ(test::qp_decode(parsed.body), sample().body);
}

TEST(FileMailer, CreatesTheOutboxFolderWhenMissing) {
  temp_dir dir;
  file_mailer mailer(dir.path / ".cognate" / "outbox", nullptr, false);
  ASSERT_TRUE(mailer.send(sample()).has_value());
  EXPECT_EQ(files_in(dir.path / ".cognate" / "outbox").size(), 1u);
}

TEST(FileMailer, SendingTheSameMessageTwiceRewritesOneFile) {
  temp_dir dir;
  file_mailer mailer(dir.path, nullptr, false);
  ASSERT_TRUE(mailer.send(sample()).has_value());
  ASSERT_TRUE(mailer.send(sample()).has_value());
  EXPECT_EQ(files_in(dir.path).size(), 1u);
  auto other = sample();
  other.message_id = "<other@cognate.test>";
  ASSERT_TRUE(mailer.send(other).has_value());
  EXPECT_EQ(files_in(dir.path).size(), 2u);
}

TEST(FileMailer, PrintsRecipientSubjectCodeAndPath) {
  temp_dir dir;
  console out;
  file_mailer mailer(dir.path, out.file, false);
  ASSERT_TRUE(mailer.send(sample()).has_value());
  const auto text = out.text();
  const auto path = files_in(dir.path).at(0).string();
  EXPECT_EQ(text,
            "✉  email to alice@example.com — \"Welcome to Our Workshop App\"\n"
            "   code: 123456   (" +
                path + ")\n");
}

TEST(FileMailer, HighlightsTheCodeWhenColourIsOn) {
  temp_dir dir;
  console out;
  file_mailer mailer(dir.path, out.file, true);
  ASSERT_TRUE(mailer.send(sample()).has_value());
  EXPECT_NE(out.text().find("code: \x1b[1;92m123456\x1b[0m"), std::string::npos) << out.text();
}

TEST(FileMailer, PrintsTheFirstBodyLineWhenThereIsNoCode) {
  temp_dir dir;
  console out;
  file_mailer mailer(dir.path, out.file, true);
  auto m = sample();
  m.code = "";
  m.body = "\r\nYour password was changed.\nIf this was not you, contact support.";
  ASSERT_TRUE(mailer.send(m).has_value());
  const auto text = out.text();
  EXPECT_NE(text.find("\n   Your password was changed.   ("), std::string::npos) << text;
  EXPECT_EQ(text.find("code:"), std::string::npos) << text;
  EXPECT_EQ(text.find("contact support"), std::string::npos) << text;
}

TEST(FileMailer, KeepsTerminalEscapesOutOfTheConsole) {
  temp_dir dir;
  console out;
  file_mailer mailer(dir.path, out.file, false);
  auto m = sample();
  m.subject = "Hi\x1b[2J\r\nthere";
  ASSERT_TRUE(mailer.send(m).has_value());
  EXPECT_EQ(out.text().find_first_of("\x1b\r"), std::string::npos) << out.text();
}

TEST(FileMailer, FileNamesHoldOnlySafeCharacters) {
  temp_dir dir;
  file_mailer mailer(dir.path, nullptr, false);
  auto m = sample();
  m.to = "Eve <../../etc/pass wd\x01*?:$@evil.test>";
  ASSERT_TRUE(mailer.send(m).has_value());
  const auto files = files_in(dir.path);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_TRUE(std::regex_match(files[0].filename().string(), std::regex(R"([A-Za-z0-9._@-]+)")))
      << files[0];
}

TEST(FileMailer, FailsWithCodeDeliveryFailureWhenTheFolderCannotBeCreated) {
  temp_dir dir;
  std::ofstream(dir.path / "file") << "not a folder";
  console out;
  file_mailer mailer(dir.path / "file" / "outbox", out.file, false);
  const auto sent = mailer.send(sample());
  ASSERT_FALSE(sent.has_value());
  EXPECT_EQ(sent.error().code, errc::code_delivery_failure);
  EXPECT_NE(sent.error().message.find("outbox"), std::string::npos) << sent.error().message;
  EXPECT_EQ(out.text(), "");
}

}  // namespace
}  // namespace cognate::mail

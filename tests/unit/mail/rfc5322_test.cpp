#include "mail/rfc5322.h"

#include "eml.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cognate::mail {
namespace {

using test::decode_words;
using test::parse_eml;
using test::qp_decode;

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

// The raw lines of `text`, split at CRLF.
std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t start = 0; start < text.size();) {
    const auto end = text.find("\r\n", start);
    out.push_back(text.substr(start, end - start));
    start = end == std::string::npos ? text.size() : end + 2;
  }
  return out;
}

std::vector<std::string> header_lines(const std::string& text) {
  return lines(text.substr(0, text.find("\r\n\r\n")));
}

std::vector<std::string> body_lines(const std::string& text) {
  return lines(text.substr(text.find("\r\n\r\n") + 4));
}

std::string round_trip_body(std::string body) {
  auto m = sample();
  m.body = std::move(body);
  return qp_decode(parse_eml(to_rfc5322(m)).body);
}

TEST(Rfc5322, WritesTheHeadersInOrder) {
  const auto parsed = parse_eml(to_rfc5322(sample()));
  std::vector<std::string> names;
  for (const auto& h : parsed.headers) {
    names.push_back(h.first);
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"Date", "From", "To", "Subject", "Message-ID", "MIME-Version",
                                      "Content-Type", "Content-Transfer-Encoding"}));
  EXPECT_EQ(parsed.header("Date"), "Fri, 27 Nov 2026 20:48:29 +0000");
  EXPECT_EQ(parsed.header("From"), "Cognate <no-reply@cognate.test>");
  EXPECT_EQ(parsed.header("To"), "alice@example.com");
  EXPECT_EQ(parsed.header("Subject"), "Welcome to Our Workshop App");
  EXPECT_EQ(parsed.header("Message-ID"), "<3c1b2a90-1111-4222-8333-444455556666@cognate.test>");
  EXPECT_EQ(parsed.header("MIME-Version"), "1.0");
  EXPECT_EQ(parsed.header("Content-Type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(parsed.header("Content-Transfer-Encoding"), "quoted-printable");
}

TEST(Rfc5322, PadsTheDayOfMonthInTheDate) {
  auto m = sample();
  m.date = from_unix(0);
  EXPECT_EQ(parse_eml(to_rfc5322(m)).header("Date"), "Thu, 01 Jan 1970 00:00:00 +0000");
}

TEST(Rfc5322, WritesReplyToOnlyWhenSet) {
  auto m = sample();
  EXPECT_EQ(parse_eml(to_rfc5322(m)).count("Reply-To"), 0u);
  m.reply_to = "Support <help@cognate.test>";
  EXPECT_EQ(parse_eml(to_rfc5322(m)).header("Reply-To"), "Support <help@cognate.test>");
}

TEST(Rfc5322, BracketsAMessageIdGivenWithoutAngleBrackets) {
  auto m = sample();
  m.message_id = "abc@cognate.test";
  EXPECT_EQ(parse_eml(to_rfc5322(m)).header("Message-ID"), "<abc@cognate.test>");
}

TEST(Rfc5322, EndsEveryLineWithCrlf) {
  auto m = sample();
  m.body = "unix\nwindows\r\nold mac\rend";
  const auto text = to_rfc5322(m);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      ASSERT_TRUE(i > 0 && text[i - 1] == '\r') << "bare LF at " << i;
    }
    if (text[i] == '\r') {
      ASSERT_TRUE(i + 1 < text.size() && text[i + 1] == '\n') << "bare CR at " << i;
    }
  }
  EXPECT_TRUE(text.ends_with("\r\n\r\nunix\r\nwindows\r\nold mac\r\nend"));
}

TEST(Rfc5322, BodyDecodesBackExactly) {
  const std::string body =
      "Grüße aus Köln — ✉ 🎉\n"
      "a=b, 100% sure\n"
      "trailing space \n"
      "trailing tab\t\n"
      "\n"
      ".a line starting with a dot\n"
      "." +
      std::string(300, 'x') + "\n" + std::string(100, '=') + "\n" + std::string(50, ' ') + "\n" +
      "ünïcödé everywhere ünïcödé everywhere ünïcödé everywhere ünïcödé everywhere ünïcödé";
  EXPECT_EQ(round_trip_body(body), body);
}

TEST(Rfc5322, NormalisesBodyLineBreaksToCrlf) {
  EXPECT_EQ(round_trip_body("a\r\nb\rc\nd\n"), "a\nb\nc\nd\n");
  EXPECT_EQ(round_trip_body(""), "");
}

TEST(Rfc5322, QuotedPrintableLinesAreShortAndHaveNoTrailingWhitespace) {
  auto m = sample();
  m.body = std::string(200, 'a') + " \n" + std::string(40, ' ') + "\t\n" + std::string(80, '\xc3');
  for (const auto& line : body_lines(to_rfc5322(m))) {
    EXPECT_LE(line.size(), 76u) << line;
    EXPECT_FALSE(line.ends_with(" ") || line.ends_with("\t")) << '"' << line << '"';
  }
}

TEST(Rfc5322, EncodesNonAsciiAndEqualsSignsButKeepsPlainTextLiteral) {
  auto m = sample();
  m.body = "Your code is 123456. é = e";
  const auto body = parse_eml(to_rfc5322(m)).body;
  EXPECT_EQ(body, "Your code is 123456. =C3=A9 =3D e");
}

TEST(Rfc5322, EncodesNonAsciiSubjectsAsUtf8EncodedWords) {
  auto m = sample();
  m.subject = "Bestätigen Sie Ihre E-Mail-Adresse ✉ — Überprüfung für Zoë und Ångström 🎉🎉🎉";
  const auto text = to_rfc5322(m);
  const auto subject = parse_eml(text).header("Subject");
  EXPECT_TRUE(subject.starts_with("=?UTF-8?B?")) << subject;
  EXPECT_EQ(decode_words(subject), m.subject);
  for (const auto& line : header_lines(text)) {
    EXPECT_LE(line.size(), 78u) << line;
  }
}

TEST(Rfc5322, EncodesAsciiSubjectsThatLookLikeEncodedWords) {
  auto m = sample();
  m.subject = "=?UTF-8?B?aGk=?=";
  const auto subject = parse_eml(to_rfc5322(m)).header("Subject");
  EXPECT_NE(subject, m.subject);
  EXPECT_EQ(decode_words(subject), m.subject);
}

TEST(Rfc5322, FoldsLongAsciiSubjectsAtSpaces) {
  auto m = sample();
  for (int i = 0; i < 30; ++i) {
    m.subject += "word" + std::to_string(i) + (i % 3 == 0 ? "  " : " ");
  }
  const auto text = to_rfc5322(m);
  EXPECT_EQ(parse_eml(text).header("Subject"), m.subject);
  int subject_lines = 0;
  for (const auto& line : header_lines(text)) {
    EXPECT_LE(line.size(), 78u) << line;
    EXPECT_FALSE(line.find_first_not_of(' ') == std::string::npos) << "blank header line";
    subject_lines += line.starts_with("Subject:") || line.starts_with(" ") ? 1 : 0;
  }
  EXPECT_GT(subject_lines, 1);
}

TEST(Rfc5322, EncodesWordsTooLongToFold) {
  auto m = sample();
  m.subject = "Code " + std::string(150, 'x');
  const auto text = to_rfc5322(m);
  EXPECT_EQ(decode_words(parse_eml(text).header("Subject")), m.subject);
  for (const auto& line : header_lines(text)) {
    EXPECT_LE(line.size(), 78u) << line;
  }
}

TEST(Rfc5322, NeutralisesHeaderInjectionInEveryField) {
  auto m = sample();
  m.from = "Evil\r\nBcc: a@evil.test <no-reply@cognate.test>";
  m.to = "alice@example.com\r\nBcc: b@evil.test";
  m.reply_to = "x@evil.test\nBcc: c@evil.test";
  m.subject = "Hello\r\nBcc: d@evil.test\r\n\r\nfake body";
  m.message_id = "<id@cognate.test>\rBcc: e@evil.test";
  const auto text = to_rfc5322(m);
  const auto parsed = parse_eml(text);
  EXPECT_EQ(parsed.count("Bcc"), 0u);
  EXPECT_EQ(parsed.headers.size(), 9u);
  for (const auto& line : header_lines(text)) {
    EXPECT_FALSE(line.starts_with("Bcc")) << line;
  }
  EXPECT_EQ(qp_decode(parsed.body), m.body);
}

TEST(Rfc5322, QuotesDisplayNamesWithSpecials) {
  auto m = sample();
  m.from = "Acme, Inc. <no-reply@acme.test>";
  EXPECT_EQ(parse_eml(to_rfc5322(m)).header("From"), "\"Acme, Inc.\" <no-reply@acme.test>");
  m.from = R"("Say \"hi\" \\ bye" <no-reply@acme.test>)";
  EXPECT_EQ(parse_eml(to_rfc5322(m)).header("From"), R"("Say \"hi\" \\ bye" <no-reply@acme.test>)");
  m.from = "  Plain Name   <no-reply@acme.test>";
  EXPECT_EQ(parse_eml(to_rfc5322(m)).header("From"), "Plain Name <no-reply@acme.test>");
}

TEST(Rfc5322, EncodesNonAsciiDisplayNames) {
  auto m = sample();
  m.to = "Zoë Ångström <zoe@example.com>";
  const auto to = parse_eml(to_rfc5322(m)).header("To");
  EXPECT_TRUE(to.starts_with("=?UTF-8?B?")) << to;
  EXPECT_TRUE(to.ends_with(" <zoe@example.com>")) << to;
  EXPECT_EQ(decode_words(to), m.to);
}

TEST(AddrSpec, ExtractsTheBareAddress) {
  EXPECT_EQ(addr_spec("alice@example.com"), "alice@example.com");
  EXPECT_EQ(addr_spec("Alice <alice@example.com>"), "alice@example.com");
  EXPECT_EQ(addr_spec("\"Bob <b@x>\" <bob@example.com>"), "bob@example.com");
  EXPECT_EQ(addr_spec(" alice@example.com\r\nRCPT TO:x@y "), "alice@example.comRCPTTO:x@y");
  EXPECT_EQ(addr_spec(""), "");
}

}  // namespace
}  // namespace cognate::mail

// Reading Cognito's user-import CSV: the streaming reader (libcsv) with true line numbers, and
// the header and rows checked against a pool's schema.
#include "pool/user_import.h"

#include "common/encoding.h"
#include "pool/csv_reader.h"

#include <gtest/gtest.h>

namespace cognate::pool {
namespace {

// Reads `text` fed in pieces of `piece` bytes; the records, or the first failure's message.
std::pair<std::vector<csv_record>, std::string> read_csv(std::string_view text,
                                                         std::size_t piece = 7,
                                                         std::size_t max_field = 64 * 1024) {
  csv_reader reader(max_field, 8);
  std::vector<csv_record> out;
  for (std::size_t at = 0; at < text.size(); at += piece) {
    if (auto fed = reader.feed(text.substr(at, piece), out); !fed) {
      return {out, fed.error().message};
    }
  }
  if (auto end = reader.finish(out); !end) {
    return {out, end.error().message};
  }
  return {out, ""};
}

TEST(CsvReader, GivesEachRecordWithTheLineItBeganOn) {
  const auto [records, error] = read_csv(
      "a,b,c\r\n"
      "1,\"two, with a comma\",3\r\n"
      "\r\n"
      "x,\"a quoted\nfield over\nthree lines\",z\n"
      "\n"
      "last,\"\"\"quoted\"\"\",row");  // no final line end
  ASSERT_EQ(error, "");
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].line, 1u);
  EXPECT_EQ(records[0].fields, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(records[1].line, 2u);
  EXPECT_EQ(records[1].fields[1], "two, with a comma");
  EXPECT_EQ(records[2].line, 4u);
  EXPECT_EQ(records[2].fields[1], "a quoted\nfield over\nthree lines");
  EXPECT_EQ(records[3].line, 8u);
  EXPECT_EQ(records[3].fields, (std::vector<std::string>{"last", "\"quoted\"", "row"}));
  // The same whatever the pieces.
  for (std::size_t piece : {1u, 2u, 1000u}) {
    const auto [again, e] = read_csv(
        "a,b,c\r\n1,\"two, with a comma\",3\r\n\r\nx,\"a quoted\nfield over\nthree lines\",z\n"
        "\nlast,\"\"\"quoted\"\"\",row",
        piece);
    ASSERT_EQ(e, "");
    ASSERT_EQ(again.size(), records.size()) << piece;
    for (std::size_t i = 0; i < again.size(); ++i) {
      EXPECT_EQ(again[i].line, records[i].line) << piece;
      EXPECT_EQ(again[i].fields, records[i].fields) << piece;
    }
  }
}

TEST(CsvReader, RefusesMalformedQuotingAndUnboundedInputNamingTheLine) {
  EXPECT_EQ(read_csv("a,b\n1,2\nx\"y,z\n").second,
            "line 3: malformed CSV: a quote inside an unquoted field, or text after a closing quote");
  EXPECT_EQ(read_csv("a,b\n\"open,2\nmore\n").second, "line 2: malformed CSV: a quote is not closed");
  EXPECT_EQ(read_csv("a,b\n\"" + std::string(200, 'x'), 7, 100).second,
            "line 2: a field longer than 100 bytes (an unclosed quote?)");
  EXPECT_EQ(read_csv("a,b\n1,\"" + std::string(150, 'x') + "\"\n", 1000, 100).second,
            "line 2: a field longer than 100 bytes");
  EXPECT_EQ(read_csv("a,b\n1,2,3,4,5,6,7,8,9\n").second, "line 2: more than 8 fields in one record");
  // What came before the bad line is still given.
  const auto [before, error] = read_csv("a,b\n1,2\nx\"y,z\n");
  ASSERT_EQ(before.size(), 2u);
  EXPECT_EQ(before[1].fields, (std::vector<std::string>{"1", "2"}));
}

pool_settings schema() {
  pool_settings s;
  s.attributes.push_back({.name = "custom:plan", .custom = true, .data_type = "String",
                          .min_len = 2, .max_len = 8});
  return s;
}

TEST(UserImport, TheHeaderIsCognitosWithThePoolsCustomAttributes) {
  const auto header = csv_header(schema());
  ASSERT_EQ(header.size(), 22u);
  EXPECT_EQ(header.front(), "name");
  EXPECT_EQ(header[9], "email");
  EXPECT_EQ(header[10], "email_verified");
  EXPECT_EQ(header[19], "custom:plan");
  EXPECT_EQ(header[20], "cognito:mfa_enabled");
  EXPECT_EQ(header[21], "cognito:username");
  EXPECT_TRUE(read_import_header(schema(), header));
}

TEST(UserImport, AHeaderMustNameThePoolsColumnsOnceWithUsernameAndEmail) {
  const auto s = schema();
  auto bom = read_import_header(s, {"\xEF\xBB\xBF" "cognito:username", " email ", "given_name"});
  ASSERT_TRUE(bom) << bom.error().message;
  EXPECT_EQ(bom->names, (std::vector<std::string>{"cognito:username", "email", "given_name"}));
  EXPECT_EQ(read_import_header(s, {"cognito:username", "email", "shoe_size"}).error().message,
            "line 1: column shoe_size (the 3th) is not an attribute of this pool; GetCSVHeader "
            "gives the columns it has");
  EXPECT_EQ(read_import_header(s, {"cognito:username", "email", "email"}).error().message,
            "line 1: column email is given twice");
  EXPECT_EQ(read_import_header(s, {"email", "name"}).error().message,
            "line 1: the header has no cognito:username column");
  EXPECT_EQ(read_import_header(s, {"cognito:username", "name"}).error().message,
            "line 1: the header has no email column");
}

TEST(UserImport, ARowIsAWholeUserOrRefusedWithItsReason) {
  const auto s = schema();
  const auto columns = *read_import_header(
      s, {"cognito:username", "email", "email_verified", "given_name", "custom:plan",
          "phone_number", "phone_number_verified", "cognito:mfa_enabled"});
  auto ok = read_import_row(s, columns,
                            {"alice", "Alice@Example.com", "TRUE", "Alice", "pro", "+15550100",
                             "true", "false"},
                            7);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->line, 7u);
  EXPECT_EQ(ok->email, "Alice@Example.com");
  EXPECT_EQ(ok->attributes, (attribute_map{{"email", "Alice@Example.com"},
                                           {"email_verified", "true"},
                                           {"given_name", "Alice"},
                                           {"custom:plan", "pro"},
                                           {"phone_number", "+15550100"},
                                           {"phone_number_verified", "true"}}));
  EXPECT_FALSE(ok->mfa_enabled);
  // Empty values are attributes not set; an empty verified flag is false.
  auto sparse = read_import_row(s, columns, {"bob", "bob@example.com", "", "", "", "", "", ""}, 8);
  ASSERT_TRUE(sparse) << sparse.error().message;
  EXPECT_EQ(sparse->attributes,
            (attribute_map{{"email", "bob@example.com"}, {"email_verified", "false"}}));

  auto refused = [&](std::vector<std::string> fields) {
    auto r = read_import_row(s, columns, fields, 9);
    return r ? std::string("imported") : r.error().message;
  };
  EXPECT_EQ(refused({"a", "a@example.com"}), "line 9: 2 fields where the header has 8");
  EXPECT_EQ(refused({"", "a@example.com", "true", "", "", "", "", "false"}),
            "line 9: cognito:username is empty");
  EXPECT_EQ(refused({"a", "", "true", "", "", "", "", "false"}),
            "line 9: email is empty (the pool signs users in by email)");
  EXPECT_EQ(refused({"a", "not-an-email", "true", "", "", "", "", "false"}),
            "line 9: email is not an email address");
  EXPECT_EQ(refused({"a", "a@example.com", "yes", "", "", "", "", "false"}),
            "line 9: email_verified must be true or false");
  EXPECT_EQ(refused({"a", "a@example.com", "true", "", "", "", "", "maybe"}),
            "line 9: cognito:mfa_enabled must be true or false");
  EXPECT_EQ(refused({"a", "a@example.com", "true", "\xC3\x28", "", "", "", "false"}),
            "line 9: given_name is not UTF-8");
  EXPECT_EQ(refused({"a", "a@example.com", "true", "", "p", "", "", "false"}).rfind("line 9: ", 0),
            0u);
  EXPECT_EQ(refused({"a", "a@example.com", "true", "", "", "5550100", "", "false"}).rfind("line 9: ", 0),
            0u);
}

TEST(Encoding, Utf8IsCheckedStrictly) {
  EXPECT_TRUE(is_utf8(""));
  EXPECT_TRUE(is_utf8("plain"));
  EXPECT_TRUE(is_utf8("Zoë, 東京, \xF0\x9F\x98\x80"));
  EXPECT_FALSE(is_utf8("\xC3\x28"));          // a bad continuation
  EXPECT_FALSE(is_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_utf8("\xED\xA0\x80"));      // a surrogate
  EXPECT_FALSE(is_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(is_utf8("\xE6\x9D"));          // cut short
  EXPECT_FALSE(is_utf8("\xFF"));
}

}  // namespace
}  // namespace cognate::pool

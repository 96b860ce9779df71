#include "stsapi/validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace imdsd::stsapi {
namespace {

using ::testing::Optional;

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(PatternTest, NamePatternIsAsciiWordPlusPunctuation) {
  EXPECT_TRUE(MatchesPattern(Pattern::kName, "my_Session-1+=,.@"));
  EXPECT_TRUE(MatchesPattern(Pattern::kName, ""));
  EXPECT_FALSE(MatchesPattern(Pattern::kName, "a:b"));
  EXPECT_FALSE(MatchesPattern(Pattern::kName, "bad/name"));
  EXPECT_FALSE(MatchesPattern(Pattern::kName, "caf\xC3\xA9"));  // \w is ASCII in Java
  EXPECT_FALSE(MatchesPattern(Pattern::kName, "aws reserved"));
}

TEST(PatternTest, ArnPatternRejectsSupplementaryAndEmpty) {
  EXPECT_TRUE(MatchesPattern(Pattern::kArn, "arn:aws:iam::123456789012:role/x"));
  EXPECT_TRUE(MatchesPattern(Pattern::kArn, "\xC3\xA9\t"));
  EXPECT_FALSE(MatchesPattern(Pattern::kArn, ""));
  EXPECT_FALSE(MatchesPattern(Pattern::kArn, "\xF0\x9F\x98\x80"));  // U+1F600
  EXPECT_FALSE(MatchesPattern(Pattern::kArn, "a\x01"));
  EXPECT_FALSE(MatchesPattern(Pattern::kArn, "\xFF"));  // invalid UTF-8
}

TEST(PatternTest, OthersFollowTheModel) {
  EXPECT_TRUE(MatchesPattern(Pattern::kExternalId, "a:b/c"));
  EXPECT_TRUE(MatchesPattern(Pattern::kSerialNumber, "arn:aws:iam::123456789012:mfa/dev"));
  EXPECT_TRUE(MatchesPattern(Pattern::kDigits, "012345"));
  EXPECT_FALSE(MatchesPattern(Pattern::kDigits, "12a456"));
  EXPECT_TRUE(MatchesPattern(Pattern::kPolicy, "{\"a\":\t\"\xC3\xBF\"}\n"));
  EXPECT_FALSE(MatchesPattern(Pattern::kPolicy, "\xC4\x80"));  // U+0100
  EXPECT_TRUE(MatchesPattern(Pattern::kTagKey, "Cost Center:\xC3\xA9t\xC3\xA9/2"));
  EXPECT_FALSE(MatchesPattern(Pattern::kTagKey, ""));
  EXPECT_TRUE(MatchesPattern(Pattern::kTagValue, ""));
  EXPECT_FALSE(MatchesPattern(Pattern::kTagKey, "a#b"));
  EXPECT_FALSE(MatchesPattern(Pattern::kTagKey, "\xF0\x9F\x98\x80"));
  EXPECT_TRUE(MatchesPattern(Pattern::kTagKey, "\xE6\x97\xA5\xE6\x9C\xAC"));  // CJK letters
  EXPECT_FALSE(MatchesPattern(Pattern::kWord, "AKIA-1"));
}

TEST(CodePointCountTest, CountsCodePointsNotBytes) {
  EXPECT_EQ(CodePointCount("abc"), 3u);
  EXPECT_EQ(CodePointCount("\xC3\xA9\xF0\x9F\x98\x80"), 2u);
  EXPECT_EQ(CodePointCount("e\xCC\x81"), 2u);  // not normalised
  EXPECT_EQ(CodePointCount("\xFF\xFE"), 2u);
}

TEST(ViolationsTest, OneErrorText) {
  Violations v;
  v.CheckString("roleSessionName", "a:b", {2, 64, Pattern::kName});
  EXPECT_THAT(
      v.ToError(),
      Optional(ValidationError(
          "1 validation error detected: Value 'a:b' at 'roleSessionName' failed to "
          R"(satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*)")));
}

TEST(ViolationsTest, SeveralErrorsAreCountedAndJoined) {
  Violations v;
  v.CheckString("roleArn", "", {20, 2048, Pattern::kArn});
  EXPECT_EQ(
      v.ToError()->message,
      "2 validation errors detected: Value '' at 'roleArn' failed to satisfy constraint: "
      R"(Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+; )"
      "Value '' at 'roleArn' failed to satisfy constraint: Member must have length greater "
      "than or equal to 20");
}

TEST(ViolationsTest, LengthCountsCodePoints) {
  Violations ok;
  ok.CheckString("roleArn", Repeat("\xC3\xA9", 2048), {20, 2048, Pattern::kArn});
  EXPECT_TRUE(ok.empty());
  Violations too_long;
  too_long.CheckString("roleArn", Repeat("\xC3\xA9", 2049), {20, 2048, Pattern::kArn});
  ASSERT_EQ(too_long.size(), 1u);
  EXPECT_THAT(too_long.ToError()->message,
              ::testing::EndsWith("Member must have length less than or equal to 2048"));
  Violations supplementary;
  supplementary.CheckString("roleArn", Repeat("\xF0\x9F\x98\x80", 2048), {20, 2048, Pattern::kArn});
  EXPECT_EQ(supplementary.size(), 1u);  // the pattern only
}

TEST(ViolationsTest, NullAndRange) {
  Violations v;
  v.CheckRequired("roleArn", std::nullopt, {20, 2048, Pattern::kArn});
  v.CheckRange("durationSeconds", 899, 900, 43200);
  v.CheckRange("durationSeconds", 43201, 900, 43200);
  v.CheckRange("durationSeconds", 900, 900, 43200);
  EXPECT_EQ(v.ToError()->message,
            "3 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: "
            "Member must not be null; Value '899' at 'durationSeconds' failed to satisfy "
            "constraint: Member must have value greater than or equal to 900; Value '43201' at "
            "'durationSeconds' failed to satisfy constraint: Member must have value less than or "
            "equal to 43200");
}

TEST(ViolationsTest, ShownValueHidesSecrets) {
  Violations v;
  v.CheckString("webIdentityToken", "abc", {4, 20000, Pattern::kNone}, "***");
  EXPECT_EQ(v.ToError()->message,
            "1 validation error detected: Value '***' at 'webIdentityToken' failed to satisfy "
            "constraint: Member must have length greater than or equal to 4");
}

TEST(ParseOptionalIntTest, FollowsJavaParseInt) {
  auto parse = [](std::string value) {
    return ParseOptionalInt(QueryParams({{"D", std::move(value)}}), "D");
  };
  EXPECT_EQ(parse("900").value(), 900);
  EXPECT_EQ(parse("+900").value(), 900);
  EXPECT_EQ(parse("0900").value(), 900);
  EXPECT_EQ(parse("-1").value(), -1);
  EXPECT_EQ(parse("2147483647").value(), 2147483647);
  EXPECT_EQ(parse("-2147483648").value(), -2147483647 - 1);
  EXPECT_EQ(ParseOptionalInt(QueryParams(), "D").value(), std::nullopt);
  const StsError empty = parse("").error();
  EXPECT_EQ(empty.code, "MalformedInput");
  EXPECT_EQ(empty.message, "missing value for decimal type");
  for (const char* bad :
       {"abc", "900.0", "2147483648", "-2147483649", "+", " 900", "99999999999"}) {
    const auto outcome = parse(bad);
    ASSERT_FALSE(outcome.ok()) << bad;
    EXPECT_EQ(outcome.error().code, "MalformedInput") << bad;
    EXPECT_EQ(outcome.error().message, "") << bad;
    EXPECT_EQ(outcome.error().http_status, 400);
  }
}

}  // namespace
}  // namespace imdsd::stsapi

#include "stsapi/query.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace imdsd::stsapi {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Optional;
using ::testing::Pair;

TEST(PercentDecodeTest, FormsTurnPlusIntoSpace) {
  EXPECT_EQ(PercentDecode("a+b%20c%2Bd", true), "a b c+d");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
}

TEST(PercentDecodeTest, KeepsBrokenEscapesLiterally) {
  EXPECT_EQ(PercentDecode("100%", true), "100%");
  EXPECT_EQ(PercentDecode("%4", true), "%4");
  EXPECT_EQ(PercentDecode("%zz%41", true), "%zzA");
  EXPECT_EQ(PercentDecode("%c3%a9", true), "\xC3\xA9");
}

TEST(PercentEncodeTest, KeepsOnlyUnreserved) {
  EXPECT_EQ(PercentEncode("aZ0-_.~ /+="), "aZ0-_.~%20%2F%2B%3D");
}

TEST(ParseFormTest, SplitsDecodesAndKeepsOrderAndDuplicates) {
  EXPECT_THAT(ParseFormUrlEncoded("Action=AssumeRole&RoleSessionName=a%2Bb&&flag&Action=x"),
              ElementsAre(Pair("Action", "AssumeRole"), Pair("RoleSessionName", "a+b"),
                          Pair("flag", ""), Pair("Action", "x")));
  EXPECT_THAT(ParseFormUrlEncoded(""), IsEmpty());
}

TEST(FormContentTypeTest, AcceptsCharsetAndCase) {
  EXPECT_TRUE(IsFormContentType("application/x-www-form-urlencoded"));
  EXPECT_TRUE(IsFormContentType("application/x-www-form-urlencoded; charset=utf-8"));
  EXPECT_TRUE(IsFormContentType("Application/X-WWW-Form-Urlencoded;charset=UTF-8"));
  EXPECT_FALSE(IsFormContentType("application/json"));
  EXPECT_FALSE(IsFormContentType(""));
  EXPECT_FALSE(IsFormContentType("application/x-www-form-urlencodedx"));
}

TEST(QueryParamsTest, FirstValueWins) {
  QueryParams params({{"A", "1"}, {"A", "2"}, {"B", ""}});
  EXPECT_THAT(params.Find("A"), Optional(std::string_view("1")));
  EXPECT_THAT(params.Get("B"), Optional(std::string("")));
  EXPECT_EQ(params.Find("a"), std::nullopt);  // names are case-sensitive
}

TEST(QueryParamsTest, ListStopsAtTheFirstGap) {
  QueryParams params({{"K.member.2", "b"},
                      {"K.member.1", "a"},
                      {"K.member.4", "d"},
                      {"K.member.1", "ignored duplicate"}});
  EXPECT_THAT(params.List("K"), ElementsAre("a", "b"));
  EXPECT_THAT(params.List("Other"), IsEmpty());
}

TEST(QueryParamsTest, StructListReadsFieldsPerIndex) {
  QueryParams params({{"Tags.member.1.Key", "team"},
                      {"Tags.member.1.Value", "blue"},
                      {"Tags.member.2.Value", "only value"},
                      {"Tags.member.3.Key", "after"}});
  const auto items = params.StructList("Tags", {"Key", "Value"});
  ASSERT_EQ(items.size(), 3u);
  EXPECT_THAT(items[0], ElementsAre(Optional(std::string("team")), Optional(std::string("blue"))));
  EXPECT_THAT(items[1], ElementsAre(std::nullopt, Optional(std::string("only value"))));
  EXPECT_THAT(items[2], ElementsAre(Optional(std::string("after")), std::nullopt));
}

TEST(EncodeQueryTest, RoundTripsThroughTheParser) {
  const std::vector<Param> params = {{"Version", "2011-06-15"}, {"x y", "a&b=c"}};
  EXPECT_EQ(EncodeQuery(params), "Version=2011-06-15&x%20y=a%26b%3Dc");
  EXPECT_EQ(ParseFormUrlEncoded(EncodeQuery(params)), params);
}

}  // namespace
}  // namespace imdsd::stsapi

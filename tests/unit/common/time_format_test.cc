#include "common/time_format.h"

#include <gtest/gtest.h>

namespace imdsd {
namespace {

TEST(TimeFormatTest, Iso8601RoundTripsWholeSeconds) {
  WallTime t = std::chrono::system_clock::from_time_t(1653397081);  // 2022-05-24T12:58:01Z
  EXPECT_EQ(FormatIso8601(t), "2022-05-24T12:58:01Z");
  EXPECT_EQ(ParseIso8601("2022-05-24T12:58:01Z"), t);
  EXPECT_FALSE(ParseIso8601("2022-05-24T12:58:01.000Z"));
  EXPECT_FALSE(ParseIso8601("2022-13-24T12:58:01Z"));
}

TEST(TimeFormatTest, HttpDateIsRfc7231) {
  WallTime t = std::chrono::system_clock::from_time_t(1631096931);
  EXPECT_EQ(FormatHttpDate(t), "Wed, 08 Sep 2021 10:28:51 GMT");
}

}  // namespace
}  // namespace imdsd

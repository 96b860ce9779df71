#include "http/access_log.h"

#include <gtest/gtest.h>

namespace imdsd::http {
namespace {

TEST(PrintableForLogTest, KeepsPrintableAscii) {
  EXPECT_EQ(PrintableForLog("/latest/meta-data/ami-id"), "/latest/meta-data/ami-id");
}

TEST(PrintableForLogTest, EscapesLineBreaksQuotesAndBackslashes) {
  EXPECT_EQ(PrintableForLog("/a\r\nforged \"line\"\\"), "/a\\x0d\\x0aforged \\x22line\\x22\\x5c");
}

TEST(PrintableForLogTest, EscapesBytesOutsideAscii) {
  EXPECT_EQ(PrintableForLog("caf\xc3\xa9\x7f"), "caf\\xc3\\xa9\\x7f");
}

TEST(PrintableForLogTest, CutsLongTextAndSaysSo) {
  EXPECT_EQ(PrintableForLog("abcdefgh", 3), "abc...");
  EXPECT_EQ(PrintableForLog("abc", 3), "abc");
}

}  // namespace
}  // namespace imdsd::http

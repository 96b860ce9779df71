#include "policy/wildcard.h"

#include <vector>

#include <gtest/gtest.h>

namespace imdsd::policy {
namespace {

TEST(WildcardTest, LiteralsMatchThemselves) {
  EXPECT_TRUE(WildcardMatch("sts:AssumeRole", "sts:AssumeRole", Case::kSensitive));
  EXPECT_FALSE(WildcardMatch("sts:AssumeRole", "sts:AssumeRoles", Case::kSensitive));
  EXPECT_FALSE(WildcardMatch("sts:AssumeRoles", "sts:AssumeRole", Case::kSensitive));
  EXPECT_TRUE(WildcardMatch("", "", Case::kSensitive));
  EXPECT_FALSE(WildcardMatch("", "a", Case::kSensitive));
}

TEST(WildcardTest, CaseFoldingIsOptional) {
  EXPECT_TRUE(WildcardMatch("STS:assumerole", "sts:AssumeRole", Case::kInsensitive));
  EXPECT_FALSE(WildcardMatch("STS:assumerole", "sts:AssumeRole", Case::kSensitive));
  EXPECT_TRUE(WildcardMatch("sts:Assume*", "STS:ASSUMEROLE", Case::kInsensitive));
}

TEST(WildcardTest, StarMatchesAnyRunIncludingNone) {
  EXPECT_TRUE(WildcardMatch("*", "", Case::kSensitive));
  EXPECT_TRUE(WildcardMatch("*", "anything", Case::kSensitive));
  EXPECT_TRUE(WildcardMatch("sts:*", "sts:AssumeRole", Case::kSensitive));
  EXPECT_TRUE(WildcardMatch("sts:AssumeRole*", "sts:AssumeRole", Case::kSensitive));
  EXPECT_TRUE(WildcardMatch("sts:AssumeRole*", "sts:AssumeRoleWithSAML", Case::kSensitive));
  EXPECT_TRUE(WildcardMatch("*Role", "sts:AssumeRole", Case::kSensitive));
  EXPECT_TRUE(WildcardMatch("a*b*c", "a-b-b-c", Case::kSensitive));
  EXPECT_FALSE(WildcardMatch("a*b*c", "a-c-b", Case::kSensitive));
  EXPECT_TRUE(WildcardMatch("**", "x", Case::kSensitive));
  EXPECT_FALSE(WildcardMatch("s3:*", "sts:AssumeRole", Case::kSensitive));
}

TEST(WildcardTest, QuestionMarkMatchesExactlyOne) {
  EXPECT_TRUE(WildcardMatch("sts:Assume?ole", "sts:AssumeRole", Case::kSensitive));
  EXPECT_FALSE(WildcardMatch("sts:AssumeRole?", "sts:AssumeRole", Case::kSensitive));
  EXPECT_TRUE(WildcardMatch("?*", "x", Case::kSensitive));
  EXPECT_FALSE(WildcardMatch("?*", "", Case::kSensitive));
}

TEST(WildcardTest, BacktracksAcrossRepeatedPrefixes) {
  EXPECT_TRUE(WildcardMatch("*aab", "aaaab", Case::kSensitive));
  EXPECT_TRUE(
      WildcardMatch("arn:aws:s3:::bucket/*/key", "arn:aws:s3:::bucket/a/b/key", Case::kSensitive));
  EXPECT_FALSE(
      WildcardMatch("arn:aws:s3:::bucket/*/key", "arn:aws:s3:::bucket/key", Case::kSensitive));
}

TEST(WildcardTest, LiteralPositionsMatchOnlyThemselves) {
  // "a*b" where the '*' came from ${*}: only the text "a*b" matches.
  const std::vector<bool> star_literal = {false, true, false};
  EXPECT_TRUE(WildcardMatch("a*b", "a*b", Case::kSensitive, star_literal));
  EXPECT_FALSE(WildcardMatch("a*b", "axb", Case::kSensitive, star_literal));
  EXPECT_FALSE(WildcardMatch("a*b", "ab", Case::kSensitive, star_literal));
  EXPECT_TRUE(WildcardMatch("a?*", "a?xyz", Case::kSensitive, {false, true, false}));
  EXPECT_FALSE(WildcardMatch("a?*", "abxyz", Case::kSensitive, {false, true, false}));
  // An empty mask means no literal positions.
  EXPECT_TRUE(WildcardMatch("a*b", "axxb", Case::kSensitive, {}));
}

}  // namespace
}  // namespace imdsd::policy

#include "policy/policy.h"

#include <gtest/gtest.h>

namespace imdsd::policy {
namespace {

TEST(PolicyTest, ConditionOperatorNamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(ConditionOperator::kNull); ++i) {
    const auto op = static_cast<ConditionOperator>(i);
    SCOPED_TRACE(ConditionOperatorName(op));
    EXPECT_EQ(ConditionOperatorFromName(ConditionOperatorName(op)), op);
  }
  EXPECT_EQ(ConditionOperatorName(ConditionOperator::kStringLike), "StringLike");
  EXPECT_EQ(ConditionOperatorFromName("stringequals"), std::nullopt);  // case-sensitive
  EXPECT_EQ(ConditionOperatorFromName("StringEqualsIfExists"), std::nullopt);
}

TEST(PolicyTest, PrincipalKindNamesAreIamElementNames) {
  EXPECT_EQ(PrincipalKindName(PrincipalKind::kAws), "AWS");
  EXPECT_EQ(PrincipalKindName(PrincipalKind::kService), "Service");
  EXPECT_EQ(PrincipalKindName(PrincipalKind::kFederated), "Federated");
  EXPECT_EQ(PrincipalKindName(PrincipalKind::kCanonicalUser), "CanonicalUser");
}

TEST(PolicyTest, JsonQuoteEscapes) {
  EXPECT_EQ(JsonQuote("plain"), "\"plain\"");
  EXPECT_EQ(JsonQuote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(JsonQuote("l1\nl2\t\r"), "\"l1\\nl2\\t\\r\"");
  EXPECT_EQ(JsonQuote(std::string("\x01", 1)), "\"\\u0001\"");
  EXPECT_EQ(JsonQuote("caf\xc3\xa9"), "\"caf\xc3\xa9\"");  // UTF-8 passes through
}

}  // namespace
}  // namespace imdsd::policy

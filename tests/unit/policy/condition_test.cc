#include "policy/condition.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policy/parser.h"

namespace imdsd::policy {
namespace {

using ::testing::HasSubstr;

// One fixture: the request's keys, and Condition blocks written as JSON, parsed by the real
// parser, as a policy author would write them.
class ConditionTest : public ::testing::Test {
 protected:
  static std::vector<Condition> Parse(const std::string& block) {
    auto policy = ParsePolicy(
        R"({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*",
            "Action": "sts:AssumeRole", "Condition": )" +
            block + "}}",
        PolicyKind::kTrust);
    EXPECT_TRUE(policy.ok()) << policy.status().ToString();
    return policy.ok() ? policy->statements[0].conditions : std::vector<Condition>{};
  }

  ConditionVerdict Eval(const std::string& block, bool policy_variables = true) const {
    return EvaluateConditions(Parse(block), keys_, policy_variables);
  }
  bool Holds(const std::string& block) const { return Eval(block).holds; }
  std::string Why(const std::string& block) const { return Eval(block).why; }

  ConditionContext keys_;
};

TEST_F(ConditionTest, NoConditionsHold) { EXPECT_TRUE(EvaluateConditions({}, keys_, true).holds); }

TEST_F(ConditionTest, StringEqualsIsExactAndCaseSensitive) {
  keys_.Set(keys::kExternalId, std::string("abc"));
  EXPECT_TRUE(Holds(R"({"StringEquals": {"sts:ExternalId": "abc"}})"));
  EXPECT_FALSE(Holds(R"({"StringEquals": {"sts:ExternalId": "ABC"}})"));
  EXPECT_FALSE(Holds(R"({"StringEquals": {"sts:ExternalId": "ab"}})"));
  // Several values for one key: any of them.
  EXPECT_TRUE(Holds(R"({"StringEquals": {"sts:ExternalId": ["x", "abc"]}})"));
  EXPECT_EQ(Why(R"({"StringEquals": {"sts:ExternalId": "xyz"}})"),
            "condition sts:ExternalId StringEquals failed: request has 'abc', policy wants 'xyz'");
  EXPECT_EQ(Why(R"({"StringEquals": {"sts:ExternalId": ["x", "y"]}})"),
            "condition sts:ExternalId StringEquals failed: request has 'abc', policy wants one of "
            "'x', 'y'");
}

TEST_F(ConditionTest, MissingKeyFailsPositiveOperatorsAndSatisfiesNegatedOnes) {
  EXPECT_EQ(Why(R"({"StringEquals": {"sts:ExternalId": "xyz"}})"),
            "condition sts:ExternalId StringEquals failed: the request has no sts:ExternalId");
  for (const char* op : {"StringLike", "StringEqualsIgnoreCase", "NumericEquals", "DateEquals",
                         "Bool", "BinaryEquals", "IpAddress", "ArnLike"}) {
    SCOPED_TRACE(op);
    EXPECT_FALSE(Holds(std::string(R"({")") + op + R"(": {"k": "1"}})"));
  }
  for (const char* op :
       {"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "NumericNotEquals",
        "DateNotEquals", "NotIpAddress", "ArnNotEquals", "ArnNotLike"}) {
    SCOPED_TRACE(op);
    EXPECT_TRUE(Holds(std::string(R"({")") + op + R"(": {"k": "1"}})"));
  }
}

TEST_F(ConditionTest, NegatedOperatorsNeedNoneOfTheValues) {
  keys_.Set(keys::kRoleSessionName, std::string("alice"));
  EXPECT_TRUE(Holds(R"({"StringNotEquals": {"sts:RoleSessionName": ["bob", "carol"]}})"));
  EXPECT_FALSE(Holds(R"({"StringNotEquals": {"sts:RoleSessionName": ["bob", "alice"]}})"));
  EXPECT_EQ(Why(R"({"StringNotEquals": {"sts:RoleSessionName": "alice"}})"),
            "condition sts:RoleSessionName StringNotEquals failed: request has 'alice', policy "
            "wants anything but 'alice'");
  EXPECT_THAT(Why(R"({"StringNotEquals": {"sts:RoleSessionName": ["bob", "alice"]}})"),
              HasSubstr("policy wants none of 'bob', 'alice'"));
}

TEST_F(ConditionTest, IgnoreCaseOperators) {
  keys_.Set("aws:PrincipalTag/team", std::string("Platform"));
  EXPECT_TRUE(Holds(R"({"StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "PLATFORM"}})"));
  EXPECT_FALSE(Holds(R"({"StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "Platforms"}})"));
  EXPECT_FALSE(Holds(R"({"StringNotEqualsIgnoreCase": {"aws:PrincipalTag/team": "platform"}})"));
  EXPECT_TRUE(Holds(R"({"StringNotEqualsIgnoreCase": {"aws:PrincipalTag/team": "data"}})"));
  EXPECT_THAT(Why(R"({"StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "data"}})"),
              HasSubstr("policy wants 'data' (ignoring case)"));
}

TEST_F(ConditionTest, StringLikeUsesCaseSensitiveWildcards) {
  keys_.Set(keys::kRoleSessionName, std::string("ci-build-42"));
  EXPECT_TRUE(Holds(R"({"StringLike": {"sts:RoleSessionName": "ci-*"}})"));
  EXPECT_TRUE(Holds(R"({"StringLike": {"sts:RoleSessionName": "ci-build-??"}})"));
  EXPECT_FALSE(Holds(R"({"StringLike": {"sts:RoleSessionName": "CI-*"}})"));
  EXPECT_FALSE(Holds(R"({"StringLike": {"sts:RoleSessionName": "ci-build-?"}})"));
  EXPECT_TRUE(Holds(R"({"StringNotLike": {"sts:RoleSessionName": ["dev-*", "test-*"]}})"));
  EXPECT_FALSE(Holds(R"({"StringNotLike": {"sts:RoleSessionName": ["dev-*", "ci-*"]}})"));
  EXPECT_THAT(Why(R"({"StringLike": {"sts:RoleSessionName": ["dev-*", "test-*"]}})"),
              HasSubstr("request has 'ci-build-42', policy wants a match for one of 'dev-*', "
                        "'test-*'"));
  EXPECT_THAT(Why(R"({"StringNotLike": {"sts:RoleSessionName": "ci-*"}})"),
              HasSubstr("policy wants no match for 'ci-*'"));
}

TEST_F(ConditionTest, NumericOperators) {
  keys_.Set(keys::kMultiFactorAuthAge, std::string("3600"));
  EXPECT_TRUE(Holds(R"({"NumericEquals": {"aws:MultiFactorAuthAge": "3600"}})"));
  EXPECT_TRUE(Holds(R"({"NumericEquals": {"aws:MultiFactorAuthAge": 3600}})"));
  EXPECT_TRUE(Holds(R"({"NumericEquals": {"aws:MultiFactorAuthAge": "3600.0"}})"));
  EXPECT_FALSE(Holds(R"({"NumericNotEquals": {"aws:MultiFactorAuthAge": "3600"}})"));
  EXPECT_TRUE(Holds(R"({"NumericNotEquals": {"aws:MultiFactorAuthAge": ["1", "2"]}})"));
  EXPECT_TRUE(Holds(R"({"NumericLessThan": {"aws:MultiFactorAuthAge": "3601"}})"));
  EXPECT_FALSE(Holds(R"({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}})"));
  EXPECT_TRUE(Holds(R"({"NumericLessThanEquals": {"aws:MultiFactorAuthAge": "3600"}})"));
  EXPECT_FALSE(Holds(R"({"NumericLessThanEquals": {"aws:MultiFactorAuthAge": "3599.5"}})"));
  EXPECT_TRUE(Holds(R"({"NumericGreaterThan": {"aws:MultiFactorAuthAge": "-1"}})"));
  EXPECT_FALSE(Holds(R"({"NumericGreaterThan": {"aws:MultiFactorAuthAge": "3600"}})"));
  EXPECT_TRUE(Holds(R"({"NumericGreaterThanEquals": {"aws:MultiFactorAuthAge": "3600"}})"));
  EXPECT_FALSE(Holds(R"({"NumericGreaterThanEquals": {"aws:MultiFactorAuthAge": "3600.01"}})"));
  EXPECT_EQ(Why(R"({"NumericLessThan": {"aws:MultiFactorAuthAge": "300"}})"),
            "condition aws:MultiFactorAuthAge NumericLessThan failed: request has '3600', policy "
            "wants a number less than 300");
  // Integers beyond 64 bits still compare, as decimals.
  keys_.Set("k", std::string("123456789012345678901234"));
  EXPECT_TRUE(Holds(R"({"NumericGreaterThan": {"k": "9223372036854775807"}})"));
}

TEST_F(ConditionTest, MalformedNumbersMakeTheConditionFalse) {
  keys_.Set(keys::kMultiFactorAuthAge, std::string("3600"));
  for (const char* bad : {"abc", "", "1e3", "inf", "nan", "+5", "1.2.3", "12abc", "."}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(
        Holds(std::string(R"({"NumericLessThan": {"aws:MultiFactorAuthAge": ")") + bad + "\"}}"));
    // Even negated operators, which a missing key would satisfy.
    EXPECT_FALSE(
        Holds(std::string(R"({"NumericNotEquals": {"aws:MultiFactorAuthAge": ")") + bad + "\"}}"));
  }
  EXPECT_EQ(Why(R"({"NumericLessThan": {"aws:MultiFactorAuthAge": "soon"}})"),
            "condition aws:MultiFactorAuthAge NumericLessThan failed: policy value 'soon' is not "
            "a number");
  keys_.Set(keys::kMultiFactorAuthAge, std::string("old"));
  EXPECT_EQ(Why(R"({"NumericLessThan": {"aws:MultiFactorAuthAge": "300"}})"),
            "condition aws:MultiFactorAuthAge NumericLessThan failed: request value 'old' is not "
            "a number");
}

TEST_F(ConditionTest, ParsesIso8601AndEpochDates) {
  constexpr std::int64_t k2026 = 1767225600000;  // 2026-01-01T00:00:00Z
  EXPECT_EQ(ParseConditionDate("2026-01-01"), k2026);
  EXPECT_EQ(ParseConditionDate("2026-01-01T00:00:00Z"), k2026);
  EXPECT_EQ(ParseConditionDate("2026-01-01t00:00:00z"), k2026);
  EXPECT_EQ(ParseConditionDate("2026-01-01T00:00Z"), k2026);
  EXPECT_EQ(ParseConditionDate("2026-01-01T00:00:00"), k2026);
  EXPECT_EQ(ParseConditionDate("2026-01-01T12:30:15Z"),
            k2026 + (12 * 3600 + 30 * 60 + 15) * std::int64_t{1000});
  EXPECT_EQ(ParseConditionDate("2026-01-01T00:00:00.5Z"), k2026 + 500);
  EXPECT_EQ(ParseConditionDate("2026-01-01T00:00:00.123456Z"), k2026 + 123);
  EXPECT_EQ(ParseConditionDate("2026-01-01T02:00:00+02:00"), k2026);
  EXPECT_EQ(ParseConditionDate("2025-12-31T19:00:00-0500"), k2026);
  EXPECT_EQ(ParseConditionDate("2026-01-01T01:00:00+01"), k2026);
  EXPECT_EQ(ParseConditionDate("1767225600"), k2026);
  EXPECT_EQ(ParseConditionDate("1767225600.25"), k2026 + 250);
  EXPECT_EQ(ParseConditionDate("1970-01-01"), 0);
  EXPECT_EQ(ParseConditionDate("2024-02-29"), 1709164800000);
  for (const char* bad :
       {"", "yesterday", "2026-13-01", "2025-02-29", "2026-01-32", "2026/01/01", "2026-01-01T",
        "2026-01-01T24:00:00Z", "2026-01-01T10:60Z", "2026-01-01T10:00:61Z",
        "2026-01-01T10:00:00.Z", "2026-01-01T10:00:00+25:00", "2026-01-01T10:00:00Zjunk",
        "2026-01-01 10:00:00", "-5", "99999999999999999999", "1e9"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(ParseConditionDate(bad), std::nullopt);
  }
}

TEST_F(ConditionTest, DateOperators) {
  keys_.Set(keys::kCurrentTime, std::string("2026-06-01T12:00:00Z"));
  EXPECT_TRUE(Holds(R"({"DateEquals": {"aws:CurrentTime": "2026-06-01T14:00:00+02:00"}})"));
  EXPECT_TRUE(Holds(R"({"DateEquals": {"aws:CurrentTime": "1780315200"}})"));
  EXPECT_FALSE(Holds(R"({"DateNotEquals": {"aws:CurrentTime": "2026-06-01T12:00:00Z"}})"));
  EXPECT_TRUE(Holds(R"({"DateNotEquals": {"aws:CurrentTime": "2026-06-01"}})"));
  EXPECT_TRUE(Holds(R"({"DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}})"));
  EXPECT_FALSE(Holds(R"({"DateLessThan": {"aws:CurrentTime": "2026-06-01T12:00:00Z"}})"));
  EXPECT_TRUE(Holds(R"({"DateLessThanEquals": {"aws:CurrentTime": "2026-06-01T12:00:00Z"}})"));
  EXPECT_TRUE(Holds(R"({"DateGreaterThan": {"aws:CurrentTime": "2026-01-01"}})"));
  EXPECT_FALSE(Holds(R"({"DateGreaterThan": {"aws:CurrentTime": "2026-06-01T12:00:00Z"}})"));
  EXPECT_TRUE(Holds(R"({"DateGreaterThanEquals": {"aws:CurrentTime": "2026-06-01T12:00:00Z"}})"));
  EXPECT_EQ(Why(R"({"DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}})"),
            "condition aws:CurrentTime DateLessThan failed: request has '2026-06-01T12:00:00Z', "
            "policy wants a time before 2026-01-01T00:00:00Z");
  // The request may carry epoch seconds too (aws:EpochTime).
  keys_.Set(keys::kEpochTime, std::string("1780315200"));
  EXPECT_TRUE(Holds(R"({"DateEquals": {"aws:EpochTime": "2026-06-01T12:00:00Z"}})"));
  EXPECT_THAT(Why(R"({"DateLessThan": {"aws:CurrentTime": "next week"}})"),
              HasSubstr("policy value 'next week' is not a date (ISO 8601 or epoch seconds)"));
}

TEST_F(ConditionTest, BoolAcceptsEitherCaseAndRefusesOtherText) {
  EXPECT_EQ(Why(R"({"Bool": {"aws:MultiFactorAuthPresent": "true"}})"),
            "condition aws:MultiFactorAuthPresent Bool failed: the request has no "
            "aws:MultiFactorAuthPresent");
  keys_.Set(keys::kMultiFactorAuthPresent, std::string("true"));
  EXPECT_TRUE(Holds(R"({"Bool": {"aws:MultiFactorAuthPresent": "true"}})"));
  EXPECT_TRUE(Holds(R"({"Bool": {"aws:MultiFactorAuthPresent": true}})"));
  EXPECT_TRUE(Holds(R"({"Bool": {"aws:MultiFactorAuthPresent": "True"}})"));
  EXPECT_FALSE(Holds(R"({"Bool": {"aws:MultiFactorAuthPresent": "false"}})"));
  EXPECT_FALSE(Holds(R"({"Bool": {"aws:MultiFactorAuthPresent": "yes"}})"));
  EXPECT_THAT(Why(R"({"Bool": {"aws:MultiFactorAuthPresent": "yes"}})"),
              HasSubstr("policy value 'yes' is not true or false"));
  keys_.Set(keys::kMultiFactorAuthPresent, std::string("FALSE"));
  EXPECT_EQ(Why(R"({"Bool": {"aws:MultiFactorAuthPresent": "true"}})"),
            "condition aws:MultiFactorAuthPresent Bool failed: request has 'FALSE', policy wants "
            "'true'");
}

TEST_F(ConditionTest, BinaryEqualsComparesDecodedBytes) {
  keys_.Set("k", std::string("aGVsbG8="));  // "hello"
  EXPECT_TRUE(Holds(R"({"BinaryEquals": {"k": "aGVsbG8="}})"));
  EXPECT_TRUE(Holds(R"({"BinaryEquals": {"k": "aGVsbG8"}})"));  // padding is optional
  EXPECT_FALSE(Holds(R"({"BinaryEquals": {"k": "aGVsbG9="}})"));
  EXPECT_FALSE(Holds(R"({"BinaryEquals": {"k": "not base64!"}})"));
  EXPECT_THAT(Why(R"({"BinaryEquals": {"k": "a"}})"), HasSubstr("policy value 'a' is not base64"));
}

TEST_F(ConditionTest, IpAddressOperators) {
  keys_.Set(keys::kSourceIp, std::string("203.0.113.45"));
  EXPECT_TRUE(Holds(R"({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})"));
  EXPECT_TRUE(Holds(R"({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "203.0.113.45"]}})"));
  EXPECT_TRUE(Holds(R"({"IpAddress": {"aws:SourceIp": "203.0.113.7/24"}})"));  // host bits ignored
  EXPECT_TRUE(Holds(R"({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}})"));
  EXPECT_TRUE(Holds(R"({"IpAddress": {"aws:SourceIp": "203.0.113.32/27"}})"));
  EXPECT_FALSE(Holds(R"({"IpAddress": {"aws:SourceIp": "203.0.113.64/27"}})"));
  EXPECT_FALSE(Holds(R"({"IpAddress": {"aws:SourceIp": "2001:db8::/32"}})"));
  EXPECT_TRUE(Holds(R"({"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}})"));
  EXPECT_FALSE(Holds(R"({"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "203.0.0.0/8"]}})"));
  EXPECT_EQ(Why(R"({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}})"),
            "condition aws:SourceIp IpAddress failed: request has '203.0.113.45', policy wants an "
            "address in 10.0.0.0/8 or 192.168.0.0/16");
  for (const char* bad : {"10.0.0.0/33", "10.0.0/8", "10.0.0.0/", "10.0.0.0/x", "any"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(Holds(std::string(R"({"NotIpAddress": {"aws:SourceIp": ")") + bad + "\"}}"));
  }
  keys_.Set(keys::kSourceIp, std::string("2001:db8::1"));
  EXPECT_TRUE(Holds(R"({"IpAddress": {"aws:SourceIp": "2001:db8::/32"}})"));
  EXPECT_FALSE(Holds(R"({"IpAddress": {"aws:SourceIp": "2001:db9::/32"}})"));
  // An IPv4-mapped IPv6 peer counts as IPv4.
  keys_.Set(keys::kSourceIp, std::string("::ffff:10.1.2.3"));
  EXPECT_TRUE(Holds(R"({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})"));
  keys_.Set(keys::kSourceIp, std::string("10.1.2.3/32"));
  EXPECT_THAT(Why(R"({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})"),
              HasSubstr("request value '10.1.2.3/32' is not an IP address"));
}

TEST_F(ConditionTest, ArnOperatorsCompareEachPart) {
  keys_.Set(keys::kPrincipalArn, std::string("arn:aws:iam::111122223333:role/app/reader"));
  for (const char* op : {"ArnEquals", "ArnLike"}) {
    SCOPED_TRACE(op);
    const std::string prefix = std::string(R"({")") + op + R"(": {"aws:PrincipalArn": )";
    EXPECT_TRUE(Holds(prefix + R"("arn:aws:iam::111122223333:role/app/reader"}})"));
    EXPECT_TRUE(Holds(prefix + R"("arn:aws:iam::*:role/app/*"}})"));
    EXPECT_TRUE(Holds(prefix + R"("arn:*:iam::111122223333:role/*"}})"));
    EXPECT_TRUE(Holds(prefix + R"("arn:aws:iam::1111222233?3:role/app/reader"}})"));
    EXPECT_FALSE(Holds(prefix + R"("arn:aws:iam::111122223333:role/APP/*"}})"));
    EXPECT_FALSE(Holds(prefix + R"("arn:aws:sts::111122223333:role/app/reader"}})"));
    // A '*' stays inside its part: it cannot swallow the colons of the account.
    EXPECT_FALSE(Holds(prefix + R"("arn:aws:iam:*:role/app/reader"}})"));
    EXPECT_FALSE(Holds(prefix + R"("arn:aws:*"}})"));
  }
  EXPECT_TRUE(Holds(R"({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/*"}})"));
  EXPECT_FALSE(Holds(R"({"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}})"));
  EXPECT_THAT(Why(R"({"ArnLike": {"aws:PrincipalArn": "role/app"}})"),
              HasSubstr("policy value 'role/app' is not an ARN"));
  keys_.Set(keys::kPrincipalArn, std::string("not-an-arn"));
  EXPECT_THAT(Why(R"({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/*"}})"),
              HasSubstr("request value 'not-an-arn' is not an ARN"));
}

TEST_F(ConditionTest, NullTestsPresenceOnly) {
  EXPECT_TRUE(Holds(R"({"Null": {"sts:ExternalId": "true"}})"));
  EXPECT_FALSE(Holds(R"({"Null": {"sts:ExternalId": "false"}})"));
  EXPECT_EQ(Why(R"({"Null": {"sts:ExternalId": false}})"),
            "condition sts:ExternalId Null failed: policy wants sts:ExternalId to be present, but "
            "the request has none");
  keys_.Set(keys::kExternalId, std::string("abc"));
  EXPECT_TRUE(Holds(R"({"Null": {"sts:ExternalId": "false"}})"));
  EXPECT_TRUE(Holds(R"({"Null": {"sts:ExternalId": ["true", "false"]}})"));
  EXPECT_EQ(Why(R"({"Null": {"sts:ExternalId": "true"}})"),
            "condition sts:ExternalId Null failed: policy wants sts:ExternalId to be absent, but "
            "the request has 'abc'");
  EXPECT_THAT(Why(R"({"Null": {"sts:ExternalId": "maybe"}})"),
              HasSubstr("policy value 'maybe' is not true or false"));
  // An empty list is no value at all.
  keys_.Set(keys::kTagKeys, std::vector<std::string>{});
  EXPECT_TRUE(Holds(R"({"Null": {"aws:TagKeys": "true"}})"));
}

TEST_F(ConditionTest, IfExistsHoldsWhenTheKeyIsAbsent) {
  EXPECT_TRUE(Holds(R"({"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}})"));
  EXPECT_TRUE(Holds(R"({"StringEqualsIfExists": {"sts:ExternalId": "x"}})"));
  EXPECT_TRUE(Holds(R"({"NumericLessThanIfExists": {"aws:MultiFactorAuthAge": "3600"}})"));
  EXPECT_TRUE(Holds(R"({"ForAnyValue:StringLikeIfExists": {"aws:TagKeys": "cost*"}})"));
  // Present: evaluated as the plain operator.
  keys_.Set(keys::kMultiFactorAuthPresent, std::string("false"));
  keys_.Set(keys::kMultiFactorAuthAge, std::string("7200"));
  EXPECT_FALSE(Holds(R"({"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}})"));
  EXPECT_EQ(Why(R"({"NumericLessThanIfExists": {"aws:MultiFactorAuthAge": "3600"}})"),
            "condition aws:MultiFactorAuthAge NumericLessThanIfExists failed: request has "
            "'7200', policy wants a number less than 3600");
  // A malformed value still fails when the key is present.
  EXPECT_FALSE(Holds(R"({"NumericLessThanIfExists": {"aws:MultiFactorAuthAge": "x"}})"));
}

TEST_F(ConditionTest, ForAnyValueAndForAllValues) {
  keys_.SetRequestTags({{"project", "atlas"}, {"cost-center", "42"}});
  EXPECT_TRUE(Holds(R"({"ForAnyValue:StringEquals": {"aws:TagKeys": ["project", "owner"]}})"));
  EXPECT_FALSE(Holds(R"({"ForAnyValue:StringEquals": {"aws:TagKeys": ["owner", "env"]}})"));
  EXPECT_TRUE(Holds(R"({"ForAllValues:StringEquals": {"aws:TagKeys":
      ["project", "cost-center", "owner"]}})"));
  EXPECT_FALSE(Holds(R"({"ForAllValues:StringEquals": {"aws:TagKeys": ["project", "owner"]}})"));
  EXPECT_TRUE(Holds(R"({"ForAllValues:StringLike": {"aws:TagKeys": ["proj*", "cost-*"]}})"));
  EXPECT_EQ(Why(R"({"ForAllValues:StringEquals": {"aws:TagKeys": ["project", "owner"]}})"),
            "condition aws:TagKeys ForAllValues:StringEquals failed: request has 'project', "
            "'cost-center', policy wants every value to be one of 'project', 'owner'");
  EXPECT_EQ(Why(R"({"ForAnyValue:StringEquals": {"aws:TagKeys": "owner"}})"),
            "condition aws:TagKeys ForAnyValue:StringEquals failed: request has 'project', "
            "'cost-center', policy wants at least one value to be 'owner'");
  // Negated operators apply per request value: ForAllValues:StringNotLike holds when no value
  // matches (the AWS documentation's "deny tag keys not starting with key1" example).
  EXPECT_TRUE(Holds(R"({"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}})"));
  EXPECT_FALSE(Holds(R"({"ForAllValues:StringNotLike": {"aws:TagKeys": "proj*"}})"));
  EXPECT_TRUE(Holds(R"({"ForAnyValue:StringNotLike": {"aws:TagKeys": "proj*"}})"));
  EXPECT_FALSE(Holds(R"({"ForAnyValue:StringNotLike": {"aws:TagKeys": ["proj*", "cost*"]}})"));
}

TEST_F(ConditionTest, SetOperatorsOnAnEmptyOrMissingSet) {
  // ForAllValues holds vacuously, ForAnyValue never; negated or not.
  EXPECT_TRUE(Holds(R"({"ForAllValues:StringEquals": {"aws:TagKeys": "project"}})"));
  EXPECT_TRUE(Holds(R"({"ForAllValues:StringNotEquals": {"aws:TagKeys": "project"}})"));
  EXPECT_FALSE(Holds(R"({"ForAnyValue:StringEquals": {"aws:TagKeys": "project"}})"));
  EXPECT_FALSE(Holds(R"({"ForAnyValue:StringNotEquals": {"aws:TagKeys": "project"}})"));
  EXPECT_EQ(Why(R"({"ForAnyValue:StringNotEquals": {"aws:TagKeys": "project"}})"),
            "condition aws:TagKeys ForAnyValue:StringNotEquals failed: the request has no "
            "aws:TagKeys");
  keys_.SetRequestTags({});
  EXPECT_FALSE(keys_.Has(keys::kTagKeys));
  EXPECT_TRUE(Holds(R"({"ForAllValues:StringLike": {"aws:TagKeys": "x*"}})"));
  EXPECT_FALSE(Holds(R"({"ForAnyValue:StringLike": {"aws:TagKeys": "x*"}})"));
}

TEST_F(ConditionTest, MultiValuedKeyWithoutQualifierMatchesAnyValue) {
  keys_.Set(keys::kTransitiveTagKeys, std::vector<std::string>{"project", "team"});
  EXPECT_TRUE(Holds(R"({"StringEquals": {"sts:TransitiveTagKeys": "team"}})"));
  EXPECT_FALSE(Holds(R"({"StringEquals": {"sts:TransitiveTagKeys": "env"}})"));
  EXPECT_FALSE(Holds(R"({"StringNotEquals": {"sts:TransitiveTagKeys": "team"}})"));
  EXPECT_TRUE(Holds(R"({"StringNotEquals": {"sts:TransitiveTagKeys": "env"}})"));
}

TEST_F(ConditionTest, KeysAndBlocksAreAnded) {
  keys_.Set(keys::kExternalId, std::string("abc"));
  keys_.Set(keys::kRoleSessionName, std::string("alice"));
  EXPECT_TRUE(
      Holds(R"({"StringEquals": {"sts:ExternalId": "abc", "sts:RoleSessionName": "alice"}})"));
  EXPECT_EQ(Why(R"({"StringEquals": {"sts:ExternalId": "abc", "sts:RoleSessionName": "bob"}})"),
            "condition sts:RoleSessionName StringEquals failed: request has 'alice', policy "
            "wants 'bob'");
  EXPECT_TRUE(Holds(R"({"StringEquals": {"sts:ExternalId": "abc"},
                        "StringLike": {"sts:RoleSessionName": "a*"}})"));
  EXPECT_THAT(Why(R"({"StringEquals": {"sts:ExternalId": "abc"},
                      "Bool": {"aws:MultiFactorAuthPresent": "true"}})"),
              HasSubstr("condition aws:MultiFactorAuthPresent Bool failed"));
}

TEST_F(ConditionTest, KeyNamesIgnoreCaseValuesDoNot) {
  keys_.Set("sts:externalid", std::string("Abc"));
  EXPECT_TRUE(Holds(R"({"StringEquals": {"STS:ExternalID": "Abc"}})"));
  EXPECT_FALSE(Holds(R"({"StringEquals": {"sts:ExternalId": "abc"}})"));
  // The explanation names the key as the policy wrote it.
  EXPECT_THAT(Why(R"({"StringEquals": {"STS:ExternalID": "x"}})"),
              HasSubstr("condition STS:ExternalID StringEquals failed"));
}

TEST_F(ConditionTest, PolicyVariables) {
  keys_.Set(keys::kUserName, std::string("alice"));
  keys_.Set(keys::kRoleSessionName, std::string("alice"));
  keys_.SetPrincipalTags({{"team", "data"}});
  keys_.Set("aws:RequestTag/team", std::string("data"));
  EXPECT_TRUE(Holds(R"({"StringEquals": {"sts:RoleSessionName": "${aws:username}"}})"));
  EXPECT_TRUE(Holds(R"({"StringLike": {"sts:RoleSessionName": "${aws:username}*"}})"));
  EXPECT_TRUE(Holds(R"({"StringEquals": {"aws:RequestTag/team": "${aws:PrincipalTag/team}"}})"));
  EXPECT_TRUE(Holds(R"({"StringEquals": {"aws:RequestTag/team": "${aws:PrincipalTag/Team}"}})"));
  keys_.Set(keys::kPrincipalArn, std::string("arn:aws:iam::111122223333:user/alice"));
  EXPECT_TRUE(Holds(R"({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/${aws:username}"}})"));
  EXPECT_EQ(Why(R"({"StringEquals": {"sts:RoleSessionName": "${aws:PrincipalTag/team}-x"}})"),
            "condition sts:RoleSessionName StringEquals failed: request has 'alice', policy wants "
            "'data-x' (from '${aws:PrincipalTag/team}-x')");
  // A default value stands in for a missing key.
  EXPECT_TRUE(
      Holds(R"({"StringEquals": {"sts:RoleSessionName": "${aws:PrincipalTag/owner, 'alice'}"}})"));
  // Without a value or a default, the condition cannot hold, even negated.
  EXPECT_EQ(Why(R"({"StringEquals": {"sts:RoleSessionName": "${aws:PrincipalTag/owner}"}})"),
            "condition sts:RoleSessionName StringEquals failed: policy variable "
            "${aws:PrincipalTag/owner} has no value in this request");
  EXPECT_FALSE(
      Holds(R"({"StringNotEquals": {"sts:RoleSessionName": "${aws:PrincipalTag/owner}"}})"));
  // Older policy language: the text is literal.
  EXPECT_FALSE(
      Eval(R"({"StringEquals": {"sts:RoleSessionName": "${aws:username}"}})", false).holds);
  keys_.Set(keys::kRoleSessionName, std::string("${aws:username}"));
  EXPECT_TRUE(Eval(R"({"StringEquals": {"sts:RoleSessionName": "${aws:username}"}})", false).holds);
}

TEST_F(ConditionTest, SpecialCharacterVariablesAreLiteral) {
  keys_.Set("k", std::string("a*b"));
  EXPECT_TRUE(Holds(R"({"StringLike": {"k": "a${*}b"}})"));
  EXPECT_TRUE(Holds(R"({"StringEquals": {"k": "a${*}b"}})"));
  keys_.Set("k", std::string("axxb"));
  EXPECT_FALSE(Holds(R"({"StringLike": {"k": "a${*}b"}})"));
  EXPECT_TRUE(Holds(R"({"StringLike": {"k": "a*b"}})"));
  keys_.Set("k", std::string("cost$?"));
  EXPECT_TRUE(Holds(R"({"StringLike": {"k": "cost${$}${?}"}})"));
  EXPECT_FALSE(Holds(R"({"StringLike": {"k": "cost${$}${?}x"}})"));
  // Text from a variable never acts as a wildcard.
  keys_.Set(keys::kUserName, std::string("*"));
  keys_.Set("k", std::string("anything"));
  EXPECT_FALSE(Holds(R"({"StringLike": {"k": "${aws:username}"}})"));
}

TEST_F(ConditionTest, ExplanationsQuoteValuesSafely) {
  keys_.Set(keys::kRoleSessionName, std::string("line\nbreak"));
  EXPECT_THAT(Why(R"({"StringEquals": {"sts:RoleSessionName": "x"}})"),
              HasSubstr("request has 'line?break'"));
  keys_.Set(keys::kRoleSessionName, std::string(300, 'a'));
  const std::string why = Why(R"({"StringEquals": {"sts:RoleSessionName": "x"}})");
  EXPECT_THAT(why, HasSubstr("'" + std::string(100, 'a') + "...'"));
  EXPECT_LT(why.size(), 250u);
  std::vector<std::string> many;
  many.reserve(12);
  for (int i = 0; i < 12; ++i) many.push_back("k" + std::to_string(i));
  keys_.Set(keys::kTagKeys, many);
  EXPECT_THAT(Why(R"({"ForAllValues:StringEquals": {"aws:TagKeys": "k0"}})"),
              HasSubstr("'k9', ... (2 more), policy wants"));
}

}  // namespace
}  // namespace imdsd::policy

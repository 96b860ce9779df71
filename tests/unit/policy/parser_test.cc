#include "policy/parser.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace imdsd::policy {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kEc2Trust[] = R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Ec2",
      "Effect": "Allow",
      "Principal": {"Service": "ec2.amazonaws.com"},
      "Action": "sts:AssumeRole"
    }
  ]
})";

// Where and what: one problem as "path: message".
std::vector<std::string> Problems(std::string_view json, PolicyKind kind) {
  std::vector<std::string> out;
  for (const PolicyProblem& p : ParsePolicyDocument(json, kind).problems) {
    out.push_back(p.ToString());
  }
  return out;
}

TEST(ParserTest, ParsesATrustPolicy) {
  ParseOutcome outcome = ParsePolicyDocument(kEc2Trust, PolicyKind::kTrust);
  ASSERT_TRUE(outcome.problems.empty()) << outcome.problems[0].ToString();
  ASSERT_TRUE(outcome.policy.has_value());
  const Policy& policy = *outcome.policy;
  EXPECT_EQ(policy.version, "2012-10-17");
  ASSERT_EQ(policy.statements.size(), 1u);
  const Statement& s = policy.statements[0];
  EXPECT_EQ(s.sid, "Ec2");
  EXPECT_EQ(s.effect, Effect::kAllow);
  ASSERT_TRUE(s.principal.has_value());
  EXPECT_FALSE(s.principal->negated);
  EXPECT_FALSE(s.principal->anyone);
  EXPECT_THAT(s.principal->ids,
              ElementsAre(PrincipalId{PrincipalKind::kService, "ec2.amazonaws.com"}));
  EXPECT_FALSE(s.action.negated);
  EXPECT_THAT(s.action.patterns, ElementsAre("sts:AssumeRole"));
  EXPECT_FALSE(s.resource.has_value());
  EXPECT_TRUE(s.conditions.empty());
}

TEST(ParserTest, CompactJsonKeepsMemberOrderAndDropsWhitespace) {
  ParseOutcome outcome = ParsePolicyDocument(kEc2Trust, PolicyKind::kTrust);
  EXPECT_EQ(outcome.compact_json,
            R"({"Version":"2012-10-17","Statement":[{"Sid":"Ec2","Effect":"Allow",)"
            R"("Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]})");
  // Also for JSON that is not a valid policy, so callers can store what they were given.
  EXPECT_EQ(ParsePolicyDocument("{ \"a\" : [1, true] }", PolicyKind::kTrust).compact_json,
            R"({"a":[1,true]})");
}

TEST(ParserTest, SingleStatementObjectAndStringOrListForms) {
  auto policy = ParsePolicy(R"({
    "Statement": {
      "Effect": "Deny",
      "NotPrincipal": {"AWS": ["123456789012", "arn:aws:iam::210987654321:root"],
                       "Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"],
                       "Federated": "accounts.google.com",
                       "CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
      "NotAction": ["sts:TagSession", "sts:SetSourceIdentity"]
    }
  })",
                            PolicyKind::kTrust);
  ASSERT_OK(policy);
  EXPECT_EQ(policy->version, "");  // absent: IAM applies 2008-10-17
  ASSERT_EQ(policy->statements.size(), 1u);
  const Statement& s = policy->statements[0];
  EXPECT_EQ(s.effect, Effect::kDeny);
  ASSERT_TRUE(s.principal.has_value());
  EXPECT_TRUE(s.principal->negated);
  ASSERT_EQ(s.principal->ids.size(), 6u);
  EXPECT_EQ(s.principal->ids[0], (PrincipalId{PrincipalKind::kAws, "123456789012"}));
  EXPECT_EQ(s.principal->ids[3], (PrincipalId{PrincipalKind::kService, "lambda.amazonaws.com"}));
  EXPECT_EQ(s.principal->ids[4].kind, PrincipalKind::kFederated);
  EXPECT_EQ(s.principal->ids[5].kind, PrincipalKind::kCanonicalUser);
  EXPECT_TRUE(s.action.negated);
  EXPECT_THAT(s.action.patterns, ElementsAre("sts:TagSession", "sts:SetSourceIdentity"));
}

TEST(ParserTest, PrincipalStarMeansAnyone) {
  auto policy = ParsePolicy(
      R"({"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:*"}]})",
      PolicyKind::kTrust);
  ASSERT_OK(policy);
  EXPECT_EQ(policy->version, "2008-10-17");
  EXPECT_TRUE(policy->statements[0].principal->anyone);
  EXPECT_TRUE(policy->statements[0].principal->ids.empty());
}

TEST(ParserTest, ParsesAPermissionPolicyWithResourcesAndConditions) {
  auto policy = ParsePolicy(R"({
    "Version": "2012-10-17",
    "Id": "s3-read",
    "Statement": [
      {"Effect": "Allow", "Action": ["s3:GetObject", "s3:List*"],
       "Resource": ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*"],
       "Condition": {
         "StringEquals": {"aws:PrincipalAccount": "123456789012", "s3:prefix": ["a/", "b/"]},
         "ForAnyValue:StringLikeIfExists": {"aws:TagKeys": "team-*"},
         "Bool": {"aws:SecureTransport": true},
         "NumericLessThan": {"s3:max-keys": 10}
       }},
      {"Effect": "Deny", "Action": "*", "NotResource": "*"}
    ]
  })",
                            PolicyKind::kIdentity);
  ASSERT_OK(policy);
  EXPECT_EQ(policy->id, "s3-read");
  const Statement& s = policy->statements[0];
  ASSERT_TRUE(s.resource.has_value());
  EXPECT_FALSE(s.resource->negated);
  EXPECT_THAT(s.resource->patterns, ElementsAre("arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*"));
  ASSERT_EQ(s.conditions.size(), 5u);
  EXPECT_EQ(s.conditions[0].op, ConditionOperator::kStringEquals);
  EXPECT_EQ(s.conditions[0].key, "aws:PrincipalAccount");
  EXPECT_THAT(s.conditions[1].values, ElementsAre("a/", "b/"));
  EXPECT_EQ(s.conditions[2].operator_text, "ForAnyValue:StringLikeIfExists");
  EXPECT_EQ(s.conditions[2].op, ConditionOperator::kStringLike);
  EXPECT_EQ(s.conditions[2].qualifier, SetQualifier::kForAnyValue);
  EXPECT_TRUE(s.conditions[2].if_exists);
  EXPECT_THAT(s.conditions[3].values, ElementsAre("true"));  // JSON true kept as text
  EXPECT_THAT(s.conditions[4].values, ElementsAre("10"));
  EXPECT_FALSE(s.principal.has_value());
  EXPECT_TRUE(policy->statements[1].resource->negated);
}

struct BadCase {
  const char* what;
  PolicyKind kind;
  std::string json;
  std::string problem;  // the single expected problem, "path: message" (a prefix of it)
};

// Each case holds exactly one mistake and must give exactly one problem, at that path.
TEST(ParserTest, EachMistakeIsReportedWithItsPath) {
  const auto trust = PolicyKind::kTrust;
  const auto identity = PolicyKind::kIdentity;
  // A valid trust statement body, to which one mistake is added.
  const std::string p = R"("Principal": {"Service": "ec2.amazonaws.com"})";
  const std::string ok = R"("Effect": "Allow", )" + p + R"(, "Action": "sts:AssumeRole")";
  auto doc = [](const std::string& statement) {
    return R"({"Version": "2012-10-17", "Statement": [{)" + statement + "}]}";
  };
  const std::vector<BadCase> cases = {
      {"empty", trust, "  \n", "the policy document is empty"},
      {"not json", trust, "{\"Version\": }", "not valid JSON: parse error at line 1, column 13"},
      {"not an object", trust, "[1]", "a policy is a JSON object"},
      {"unknown top-level element", trust,
       R"({"Version": "2012-10-17", "Statment": [{)" + ok + "}]}",
       "Statment: unknown element \"Statment\" (did you mean \"Statement\"?)"},
      {"wrong case of element", trust, R"({"version": "2012-10-17", "Statement": [{)" + ok + "}]}",
       "version: unknown element \"version\" (did you mean \"Version\"?) (element names are "
       "case-sensitive)"},
      {"unknown element without hint", trust, R"({"Statement": [{)" + ok + R"(}], "Comment": "x"})",
       "Comment: unknown element \"Comment\"; a policy has Version, Id, Statement"},
      {"bad version", trust, R"({"Version": "2012-10-18", "Statement": [{)" + ok + "}]}",
       "Version: \"2012-10-18\" is not a policy language version; use \"2012-10-17\""},
      {"version not a string", trust, R"({"Version": 2012, "Statement": [{)" + ok + "}]}",
       "Version: expected a string, found the number 2012"},
      {"no statement", trust, R"({"Version": "2012-10-17"})", "Statement is missing"},
      {"empty statement list", trust, R"({"Statement": []})",
       "Statement: expected one statement (an object) or a non-empty list of them, found an empty "
       "list"},
      {"statement not an object", trust, R"({"Statement": ["x"]})",
       "Statement[0]: a statement is an object, found the string \"x\""},
      {"misspelled effect", trust, doc(R"("effect": "Allow", )" + p + R"(, "Action": "a:b")"),
       "Statement[0].effect: unknown element \"effect\" (did you mean \"Effect\"?)"},
      {"misspelled principal", trust,
       doc(R"("Effect": "Allow", "Principals": "*", "Action": "a:b")"),
       "Statement[0].Principals: unknown element \"Principals\" (did you mean \"Principal\"?)"},
      {"missing effect", trust, doc(p + R"(, "Action": "sts:AssumeRole")"),
       "Statement[0]: Effect is missing"},
      {"effect in lower case", trust, doc(R"("Effect": "allow", )" + p + R"(, "Action": "x:y")"),
       "Statement[0].Effect: \"allow\" must be written \"Allow\" (Effect is case-sensitive)"},
      {"bad effect", trust, doc(R"("Effect": "Permit", )" + p + R"(, "Action": "x:y")"),
       "Statement[0].Effect: \"Permit\" is not an effect; use \"Allow\" or \"Deny\""},
      {"missing action", trust, doc(R"("Effect": "Allow", )" + p),
       "Statement[0]: Action is missing: name what the statement allows, e.g. \"Action\": "
       "\"sts:AssumeRole\""},
      {"action and not action", trust, doc(ok + R"(, "NotAction": "sts:TagSession")"),
       "Statement[0].NotAction: use either Action or NotAction in one statement, not both"},
      {"action without service", trust,
       doc(R"("Effect": "Allow", )" + p + R"(, "Action": "AssumeRole")"),
       "Statement[0].Action: \"AssumeRole\" is not an action: write service:action"},
      {"bad action in list", trust,
       doc(R"("Effect": "Allow", )" + p + R"(, "Action": ["sts:AssumeRole", "sts:"])"),
       "Statement[0].Action[1]: \"sts:\" is not an action"},
      {"empty action list", trust, doc(R"("Effect": "Allow", )" + p + R"(, "Action": [])"),
       "Statement[0].Action: expected a string or a non-empty list of strings, found an empty "
       "list"},
      {"action number", trust, doc(R"("Effect": "Allow", )" + p + R"(, "Action": [1])"),
       "Statement[0].Action[0]: expected a string, found the number 1"},
      {"trust without principal", trust, doc(R"("Effect": "Allow", "Action": "sts:AssumeRole")"),
       "Statement[0]: Principal is missing: a trust policy statement says who may assume the "
       "role"},
      {"principal as plain service", trust,
       doc(R"("Effect": "Allow", "Principal": "ec2.amazonaws.com", "Action": "sts:AssumeRole")"),
       "Statement[0].Principal: expected \"*\" or an object such as {\"Service\": "
       "\"ec2.amazonaws.com\"}"},
      {"principal kind in lower case", trust,
       doc(R"("Effect": "Allow", "Principal": {"service": "ec2.amazonaws.com"}, "Action": "a:b")"),
       "Statement[0].Principal.service: \"service\" is not a kind of principal (did you mean "
       "\"Service\"?)"},
      {"empty principal", trust, doc(R"("Effect": "Allow", "Principal": {}, "Action": "a:b")"),
       "Statement[0].Principal: expected \"*\" or an object such as"},
      {"empty principal value", trust,
       doc(R"("Effect": "Allow", "Principal": {"Service": ""}, "Action": "a:b")"),
       "Statement[0].Principal.Service: must not be empty"},
      {"principal and not principal", trust, doc(ok + R"(, "NotPrincipal": "*")"),
       "Statement[0].NotPrincipal: use either Principal or NotPrincipal"},
      {"trust with resource", trust, doc(ok + R"(, "Resource": "*")"),
       "Statement[0].Resource: a trust policy has no Resource"},
      {"identity with principal", identity, doc(ok + R"(, "Resource": "*")"),
       "Statement[0].Principal: a permission policy names no principal"},
      {"identity without resource", identity, doc(R"("Effect": "Allow", "Action": "s3:*")"),
       "Statement[0]: Resource is missing"},
      {"bad resource", identity,
       doc(R"("Effect": "Allow", "Action": "s3:*", "Resource": ["*", "my-bucket"])"),
       "Statement[0].Resource[1]: \"my-bucket\" is not a resource: write \"*\" or an ARN"},
      {"unknown statement element", trust, doc(ok + R"(, "Conditions": {})"),
       "Statement[0].Conditions: unknown element \"Conditions\" (did you mean \"Condition\"?)"},
      {"duplicate sid", trust,
       R"({"Statement": [{"Sid": "A", )" + ok + R"(}, {"Sid": "A", )" + ok + "}]}",
       "Statement[1].Sid: Sid \"A\" is already used by Statement[0]"},
      {"duplicate member", trust, doc(ok + R"(, "Effect": "Deny")"),
       "Statement[0]: the member \"Effect\" is written twice in the same object"},
      {"condition not an object", trust, doc(ok + R"(, "Condition": ["x"])"),
       "Statement[0].Condition: expected an object like"},
      {"unknown operator", trust,
       doc(ok + R"(, "Condition": {"StringEqual": {"sts:ExternalId": "x"}})"),
       "Statement[0].Condition.StringEqual: \"StringEqual\" is not a condition operator (did you "
       "mean \"StringEquals\"?)"},
      {"null if exists", trust, doc(ok + R"(, "Condition": {"NullIfExists": {"a:b": "true"}})"),
       "Statement[0].Condition.NullIfExists: Null cannot take the IfExists suffix"},
      {"operator without keys", trust, doc(ok + R"(, "Condition": {"Bool": {}})"),
       "Statement[0].Condition.Bool: expected an object of condition keys and values"},
      {"condition value null", trust,
       doc(ok + R"(, "Condition": {"StringEquals": {"sts:ExternalId": null}})"),
       "Statement[0].Condition.StringEquals.sts:ExternalId: expected a value (string, number, "
       "true/false) or a non-empty list of them, found null"},
      {"condition value object in list", trust,
       doc(ok + R"(, "Condition": {"StringEquals": {"sts:ExternalId": ["a", {}]}})"),
       "Statement[0].Condition.StringEquals.sts:ExternalId[1]: expected a string, number or "
       "true/false, found an object"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.what);
    ParseOutcome outcome = ParsePolicyDocument(c.json, c.kind);
    EXPECT_FALSE(outcome.policy.has_value());
    std::vector<std::string> problems = Problems(c.json, c.kind);
    ASSERT_EQ(problems.size(), 1u) << ::testing::PrintToString(problems);
    EXPECT_THAT(problems[0], ::testing::StartsWith(c.problem));
  }
}

TEST(ParserTest, ReportsEveryProblemWithStructuredPaths) {
  ParseOutcome outcome = ParsePolicyDocument(R"({"Version": "1",
    "Statement": [{"Effect": "allow", "Principal": {"Service": "ec2.amazonaws.com"}},
                  {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}]})",
                                             PolicyKind::kTrust);
  ASSERT_EQ(outcome.problems.size(), 3u);
  EXPECT_THAT(outcome.problems[0].path, ElementsAre("Version"));
  EXPECT_THAT(outcome.problems[1].path, ElementsAre("Statement", "[0]", "Effect"));
  EXPECT_THAT(outcome.problems[2].path, ElementsAre("Statement", "[0]"));
  EXPECT_THAT(outcome.problems[2].message, HasSubstr("Action is missing"));
}

TEST(ParserTest, ResultFormJoinsProblems) {
  auto policy = ParsePolicy(R"({"Statement": {"Effect": "Maybe"}})", PolicyKind::kTrust);
  EXPECT_THAT(policy, testing::StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(policy.status().message(),
              HasSubstr("Statement.Effect: \"Maybe\" is not an effect; use \"Allow\" or \"Deny\"; "
                        "Statement: Principal is missing"));
}

TEST(ParserTest, ProblemToStringJoinsPath) {
  EXPECT_EQ((PolicyProblem{{}, "m"}).ToString(), "m");
  EXPECT_EQ((PolicyProblem{{"Statement", "[2]", "Action", "[0]"}, "m"}).ToString(),
            "Statement[2].Action[0]: m");
}

}  // namespace
}  // namespace imdsd::policy

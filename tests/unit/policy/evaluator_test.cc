#include "policy/evaluator.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policy/parser.h"

namespace imdsd::policy {
namespace {

using ::testing::HasSubstr;

// One fixture: parses a trust policy and asks about EC2's AssumeRole, as the config loader does.
class EvaluatorTest : public ::testing::Test {
 protected:
  static Policy Parse(const std::string& statements, PolicyKind kind = PolicyKind::kTrust) {
    auto policy =
        ParsePolicy(R"({"Version": "2012-10-17", "Statement": [)" + statements + "]}", kind);
    EXPECT_TRUE(policy.ok()) << policy.status().ToString();
    return policy.ok() ? *policy : Policy{};
  }

  static RequestContext Ec2AssumeRole() {
    return RequestContext{Principal::Service("ec2.amazonaws.com"), "sts:AssumeRole", std::nullopt};
  }

  static Decision Ec2(const std::string& statements) {
    return Evaluate(Parse(statements), Ec2AssumeRole());
  }
};

constexpr char kEc2Allow[] =
    R"({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
        "Action": "sts:AssumeRole"})";

TEST_F(EvaluatorTest, ServicePrincipalIsAllowed) {
  Decision d = Ec2(kEc2Allow);
  EXPECT_TRUE(d.allowed());
  EXPECT_EQ(d.outcome, Outcome::kAllow);
  EXPECT_EQ(d.statement, std::optional<std::size_t>(0));
  EXPECT_EQ(d.reason,
            "Statement[0] allows principal {\"Service\": \"ec2.amazonaws.com\"} the action "
            "sts:AssumeRole");
}

TEST_F(EvaluatorTest, ListsOfPrincipalsAndActionsAreOred) {
  Decision d = Ec2(R"({"Sid": "Both", "Effect": "Allow",
      "Principal": {"AWS": "123456789012", "Service": ["lambda.amazonaws.com", "ec2.amazonaws.com"]},
      "Action": ["sts:TagSession", "sts:AssumeRole"]})");
  EXPECT_TRUE(d.allowed()) << d.reason;
  EXPECT_EQ(d.sid, "Both");
  EXPECT_THAT(d.reason, HasSubstr("Statement[0] (Sid \"Both\") allows"));
}

TEST_F(EvaluatorTest, ActionWildcardsAreCaseInsensitive) {
  for (const char* action : {"sts:*", "STS:assumerole", "sts:Assume*", "sts:Assume?ole", "*"}) {
    SCOPED_TRACE(action);
    EXPECT_TRUE(Ec2(std::string(R"({"Effect": "Allow", "Principal": {"Service":
        "ec2.amazonaws.com"}, "Action": ")") +
                    action + "\"}")
                    .allowed());
  }
  EXPECT_FALSE(Ec2(R"({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
      "Action": "sts:AssumeRoleWith*"})")
                   .allowed());
}

TEST_F(EvaluatorTest, EveryoneForms) {
  EXPECT_TRUE(
      Ec2(R"({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"})").allowed());
  EXPECT_TRUE(Ec2(R"({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"})")
                  .allowed());
  // Only AWS "*" means everyone; a service principal is an exact name.
  EXPECT_FALSE(
      Ec2(R"({"Effect": "Allow", "Principal": {"Service": "*.amazonaws.com"}, "Action": "sts:AssumeRole"})")
          .allowed());
}

TEST_F(EvaluatorTest, OtherServiceIsAnImplicitDenyWithANearMiss) {
  Decision d = Ec2(R"({"Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com",
      "ecs-tasks.amazonaws.com"]}, "Action": "sts:AssumeRole"})");
  EXPECT_EQ(d.outcome, Outcome::kImplicitDeny);
  EXPECT_EQ(d.statement, std::nullopt);
  EXPECT_EQ(d.reason,
            "no statement allows principal {\"Service\": \"ec2.amazonaws.com\"} the action "
            "sts:AssumeRole: Statement[0] allows sts:AssumeRole but only to {\"Service\": "
            "[\"lambda.amazonaws.com\", \"ecs-tasks.amazonaws.com\"]}");
}

TEST_F(EvaluatorTest, OtherActionIsANearMiss) {
  Decision d = Ec2(R"({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
      "Action": "sts:AssumeRoleWithWebIdentity"})");
  EXPECT_FALSE(d.allowed());
  EXPECT_THAT(d.reason, HasSubstr("Statement[0] names the principal but allows only "
                                  "sts:AssumeRoleWithWebIdentity"));
}

TEST_F(EvaluatorTest, ExplicitDenyWins) {
  Decision d = Ec2(std::string(kEc2Allow) +
                   R"(, {"Sid": "NoEc2", "Effect": "Deny", "Principal": {"Service":
                   "ec2.amazonaws.com"}, "Action": "sts:*"})");
  EXPECT_EQ(d.outcome, Outcome::kExplicitDeny);
  EXPECT_EQ(d.statement, std::optional<std::size_t>(1));
  EXPECT_EQ(d.sid, "NoEc2");
  EXPECT_EQ(d.reason,
            "Statement[1] (Sid \"NoEc2\") denies principal {\"Service\": \"ec2.amazonaws.com\"} "
            "the action sts:AssumeRole, and an explicit Deny overrides every Allow");
  // Order does not matter.
  EXPECT_EQ(Ec2(R"({"Effect": "Deny", "Principal": "*", "Action": "*"}, )" + std::string(kEc2Allow))
                .outcome,
            Outcome::kExplicitDeny);
}

TEST_F(EvaluatorTest, DenyForSomeoneElseDoesNotApply) {
  Decision d = Ec2(std::string(kEc2Allow) +
                   R"(, {"Effect": "Deny", "Principal": {"Service": "lambda.amazonaws.com"},
                   "Action": "sts:AssumeRole"})");
  EXPECT_TRUE(d.allowed()) << d.reason;
}

TEST_F(EvaluatorTest, NotPrincipalAndNotAction) {
  // Deny everyone except EC2: EC2 is not denied.
  EXPECT_TRUE(Ec2(std::string(kEc2Allow) +
                  R"(, {"Effect": "Deny", "NotPrincipal": {"Service": "ec2.amazonaws.com"},
                  "Action": "sts:AssumeRole"})")
                  .allowed());
  // Deny everyone except Lambda: EC2 is denied.
  EXPECT_EQ(Ec2(std::string(kEc2Allow) +
                R"(, {"Effect": "Deny", "NotPrincipal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole"})")
                .outcome,
            Outcome::kExplicitDeny);
  // Allow every action but tagging.
  EXPECT_TRUE(Ec2(R"({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
      "NotAction": "sts:TagSession"})")
                  .allowed());
  Decision d = Ec2(R"({"Effect": "Allow", "NotPrincipal": {"Service": "ec2.amazonaws.com"},
      "Action": "sts:AssumeRole"})");
  EXPECT_FALSE(d.allowed());
  EXPECT_THAT(d.reason, HasSubstr("but only to everyone except {\"Service\": "
                                  "\"ec2.amazonaws.com\"}"));
}

TEST_F(EvaluatorTest, AllowWithConditionDoesNotApply) {
  Decision d = Ec2(R"({"Sid": "Cond", "Effect": "Allow", "Principal": {"Service":
      "ec2.amazonaws.com"}, "Action": "sts:AssumeRole",
      "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}})");
  EXPECT_EQ(d.outcome, Outcome::kImplicitDeny);
  EXPECT_THAT(d.reason,
              HasSubstr("Statement[0] (Sid \"Cond\") allows it only under a Condition "
                        "(StringEquals on aws:SourceAccount), which imdsd does not evaluate yet "
                        "and treats as not satisfied"));
}

TEST_F(EvaluatorTest, DenyWithConditionDoesNotApplyButIsMentioned) {
  Decision d = Ec2(std::string(kEc2Allow) +
                   R"(, {"Effect": "Deny", "Principal": "*", "Action": "*",
                   "Condition": {"Bool": {"aws:SecureTransport": false},
                                 "Null": {"sts:ExternalId": true}}})");
  EXPECT_TRUE(d.allowed());
  EXPECT_THAT(d.reason, HasSubstr("; Statement[1] denies it only under a Condition (Bool on "
                                  "aws:SecureTransport, ...)"));
}

TEST_F(EvaluatorTest, AccountPrincipalsMatchEveryPrincipalOfTheAccount) {
  Policy policy = Parse(R"({"Effect": "Allow", "Principal": {"AWS":
      ["arn:aws:iam::111111111111:root", "222222222222",
       "arn:aws:iam::333333333333:role/admin"]}, "Action": "sts:AssumeRole"})");
  auto from = [&](std::string arn, std::string account) {
    RequestContext request{Principal{PrincipalKind::kAws, std::move(arn), std::move(account)},
                           "sts:AssumeRole", std::nullopt};
    return Evaluate(policy, request).allowed();
  };
  EXPECT_TRUE(from("arn:aws:iam::111111111111:user/alice", "111111111111"));
  EXPECT_TRUE(from("arn:aws:sts::222222222222:assumed-role/r/s", "222222222222"));
  EXPECT_TRUE(from("arn:aws:iam::333333333333:role/admin", "333333333333"));
  EXPECT_FALSE(from("arn:aws:iam::333333333333:role/other", "333333333333"));
  EXPECT_FALSE(from("arn:aws:iam::444444444444:user/bob", "444444444444"));
  // A service is not an AWS principal of any account.
  EXPECT_FALSE(Evaluate(policy, Ec2AssumeRole()).allowed());
}

TEST_F(EvaluatorTest, IdentityPoliciesMatchResources) {
  Policy policy = Parse(R"({"Effect": "Allow", "Action": "s3:Get*", "Resource":
      "arn:aws:s3:::bucket/*"}, {"Effect": "Deny", "Action": "s3:*", "Resource":
      "arn:aws:s3:::bucket/secret/*"})",
                        PolicyKind::kIdentity);
  auto get = [&](std::string resource) {
    return Evaluate(policy, RequestContext{std::nullopt, "s3:GetObject", std::move(resource)});
  };
  EXPECT_TRUE(get("arn:aws:s3:::bucket/a.txt").allowed());
  EXPECT_EQ(get("arn:aws:s3:::bucket/secret/k").outcome, Outcome::kExplicitDeny);
  Decision other = get("arn:aws:s3:::other/a.txt");
  EXPECT_EQ(other.outcome, Outcome::kImplicitDeny);
  EXPECT_EQ(other.reason,
            "no statement allows the action s3:GetObject on arn:aws:s3:::other/a.txt: Statement[0] "
            "allows s3:GetObject but only on arn:aws:s3:::bucket/*");
  // Resources are case-sensitive.
  EXPECT_FALSE(get("arn:aws:s3:::BUCKET/a.txt").allowed());
}

TEST_F(EvaluatorTest, DescribePrincipal) {
  EXPECT_EQ(DescribePrincipal(Principal::Service("ec2.amazonaws.com")),
            "{\"Service\": \"ec2.amazonaws.com\"}");
}

TEST_F(EvaluatorTest, WithKeysConditionsAreEvaluated) {
  Policy policy = Parse(R"({"Sid": "Partner", "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:AssumeRole",
      "Condition": {"StringEquals": {"sts:ExternalId": "xyz"}}})");
  ConditionContext keys;
  RequestContext request{Principal::Aws("arn:aws:iam::444455556666:user/deputy", "444455556666"),
                         "sts:AssumeRole", std::nullopt, &keys};
  Decision missing = Evaluate(policy, request);
  EXPECT_EQ(missing.outcome, Outcome::kImplicitDeny);
  EXPECT_EQ(missing.reason,
            "no statement allows principal {\"AWS\": \"arn:aws:iam::444455556666:user/deputy\"} "
            "the action sts:AssumeRole: Statement[0] (Sid \"Partner\") allows it, but condition "
            "sts:ExternalId StringEquals failed: the request has no sts:ExternalId");
  ASSERT_EQ(missing.near_misses.size(), 1u);
  EXPECT_EQ(missing.near_misses[0].part, StatementPart::kCondition);
  EXPECT_EQ(missing.near_misses[0].sid, "Partner");

  keys.Set(keys::kExternalId, std::string("abc"));
  EXPECT_THAT(Evaluate(policy, request).reason,
              HasSubstr("condition sts:ExternalId StringEquals failed: request has 'abc', policy "
                        "wants 'xyz'"));
  keys.Set(keys::kExternalId, std::string("xyz"));
  Decision allowed = Evaluate(policy, request);
  EXPECT_TRUE(allowed.allowed()) << allowed.reason;
  EXPECT_EQ(allowed.principal_match, PrincipalMatch::kAccount);
  EXPECT_TRUE(allowed.near_misses.empty());
}

TEST_F(EvaluatorTest, DenyWithAHoldingConditionDenies) {
  Policy policy = Parse(std::string(kEc2Allow) + R"(, {"Sid": "NoMfaNoEntry", "Effect": "Deny",
      "Principal": "*", "Action": "sts:AssumeRole",
      "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}})");
  ConditionContext keys;
  RequestContext request = Ec2AssumeRole();
  request.keys = &keys;
  EXPECT_EQ(Evaluate(policy, request).outcome, Outcome::kExplicitDeny);  // absent: IfExists holds
  keys.Set(keys::kMultiFactorAuthPresent, std::string("true"));
  Decision d = Evaluate(policy, request);
  EXPECT_TRUE(d.allowed());
  EXPECT_EQ(d.reason,
            "Statement[0] allows principal {\"Service\": \"ec2.amazonaws.com\"} the action "
            "sts:AssumeRole; Statement[1] (Sid \"NoMfaNoEntry\") would deny it, but condition "
            "aws:MultiFactorAuthPresent BoolIfExists failed: request has 'true', policy wants "
            "'false'");
  ASSERT_EQ(d.near_misses.size(), 1u);
  EXPECT_EQ(d.near_misses[0].effect, Effect::kDeny);
}

TEST_F(EvaluatorTest, ConditionMissesComeBeforeOtherNearMisses) {
  Policy policy = Parse(R"({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
      "Action": "sts:AssumeRole"}, {"Effect": "Allow", "Principal": {"Service":
      "ec2.amazonaws.com"}, "Action": "sts:AssumeRole",
      "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}})");
  ConditionContext keys;
  RequestContext request = Ec2AssumeRole();
  request.keys = &keys;
  Decision d = Evaluate(policy, request);
  ASSERT_EQ(d.near_misses.size(), 2u);
  EXPECT_EQ(d.near_misses[0].statement, 1u);
  EXPECT_EQ(d.near_misses[1].statement, 0u);
  EXPECT_EQ(d.near_misses[1].part, StatementPart::kPrincipal);
  EXPECT_THAT(d.reason, HasSubstr(": Statement[1] allows it, but condition aws:SourceAccount "
                                  "StringEquals failed: the request has no aws:SourceAccount; "
                                  "Statement[0] allows sts:AssumeRole but only to"));
}

TEST_F(EvaluatorTest, PolicyVariablesNeedTheCurrentVersion) {
  ConditionContext keys;
  keys.Set(keys::kUserName, std::string("alice"));
  keys.Set(keys::kRoleSessionName, std::string("alice"));
  const std::string statement = R"({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole",
      "Condition": {"StringEquals": {"sts:RoleSessionName": "${aws:username}"}}})";
  RequestContext request = Ec2AssumeRole();
  request.keys = &keys;
  EXPECT_TRUE(Evaluate(Parse(statement), request).allowed());
  auto old = ParsePolicy(R"({"Version": "2008-10-17", "Statement": )" + statement + "}",
                         PolicyKind::kTrust);
  ASSERT_TRUE(old.ok());
  EXPECT_FALSE(Evaluate(*old, request).allowed());
}

TEST_F(EvaluatorTest, TheMostSpecificAllowDecides) {
  Policy policy = Parse(R"({"Sid": "Account", "Effect": "Allow", "Principal": {"AWS":
      "111122223333"}, "Action": "sts:AssumeRole"}, {"Sid": "Role", "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111122223333:role/r"}, "Action": "sts:AssumeRole"})");
  RequestContext request{Principal::Aws("arn:aws:sts::111122223333:assumed-role/r/s",
                                        "111122223333", "arn:aws:iam::111122223333:role/r"),
                         "sts:AssumeRole", std::nullopt};
  Decision d = Evaluate(policy, request);
  EXPECT_TRUE(d.allowed());
  EXPECT_EQ(d.statement, std::optional<std::size_t>(1));
  EXPECT_EQ(d.sid, "Role");
  EXPECT_EQ(d.principal_match, PrincipalMatch::kParent);
}

TEST_F(EvaluatorTest, NotPrincipalDenyExplainsWhatItLacks) {
  Policy policy = Parse(R"({"Effect": "Allow", "Principal": {"AWS": "111122223333"},
      "Action": "sts:AssumeRole"}, {"Effect": "Deny", "NotPrincipal": {"AWS":
      "arn:aws:iam::111122223333:user/alice"}, "Action": "sts:AssumeRole"})");
  RequestContext request{Principal::Aws("arn:aws:iam::111122223333:user/alice", "111122223333"),
                         "sts:AssumeRole", std::nullopt};
  Decision d = Evaluate(policy, request);
  EXPECT_EQ(d.outcome, Outcome::kExplicitDeny);
  EXPECT_THAT(d.reason, HasSubstr("an explicit Deny overrides every Allow (its NotPrincipal does "
                                  "not list the account 111122223333; IAM leaves a caller out"));
}

}  // namespace
}  // namespace imdsd::policy

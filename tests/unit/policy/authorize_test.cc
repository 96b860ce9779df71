#include "policy/authorize.h"

#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policy/parser.h"

namespace imdsd::policy {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kRoleAccount[] = "222222222222";
constexpr char kOtherAccount[] = "111111111111";
constexpr char kRoleArn[] = "arn:aws:iam::222222222222:role/shared";
constexpr char kAlice[] = "arn:aws:iam::222222222222:user/alice";
constexpr char kBob[] = "arn:aws:iam::111111111111:user/bob";
constexpr char kDevRole[] = "arn:aws:iam::222222222222:role/dev";
constexpr char kDevSession[] = "arn:aws:sts::222222222222:assumed-role/dev/ci";

// One fixture: the role "shared" in account 222222222222, its trust policy, the caller's
// policies (kept alive here, borrowed by the request) and the request's condition keys.
class AuthorizeTest : public ::testing::Test {
 protected:
  const Policy* Keep(const std::string& statements, PolicyKind kind) {
    auto policy =
        ParsePolicy(R"({"Version": "2012-10-17", "Statement": [)" + statements + "]}", kind);
    EXPECT_TRUE(policy.ok()) << policy.status().ToString();
    policies_.push_back(std::make_unique<Policy>(policy.ok() ? *policy : Policy{}));
    return policies_.back().get();
  }
  void Trust(const std::string& statements) {
    request_.trust_policy = {std::string("trust policy of role ") + kRoleArn,
                             Keep(statements, PolicyKind::kTrust)};
  }
  void Identity(const std::string& name, const std::string& statements) {
    request_.identity_policies.push_back({name, Keep(statements, PolicyKind::kIdentity)});
  }
  void Session(const std::string& statements) {
    if (!request_.session_policies) request_.session_policies.emplace();
    request_.session_policies->push_back(
        {"session policy", Keep(statements, PolicyKind::kIdentity)});
  }
  static std::string TrustStatement(const std::string& principal) {
    return R"({"Effect": "Allow", "Principal": )" + principal + R"(, "Action": "sts:AssumeRole"})";
  }
  static std::string AllowAssume(const std::string& resource) {
    return R"({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ")" + resource + "\"}";
  }
  AccessDecision Authorize() { return AuthorizeRoleAccess(request_); }

  AuthorizeTest() {
    request_.role_arn = kRoleArn;
    request_.role_account_id = kRoleAccount;
    request_.keys = &keys_;
    request_.caller = Principal::Aws(kAlice, kRoleAccount);
  }

  std::vector<std::unique_ptr<Policy>> policies_;
  ConditionContext keys_;
  RoleAccessRequest request_;
};

TEST_F(AuthorizeTest, SameAccountTrustNamingTheUserIsEnoughAlone) {
  Trust(TrustStatement(std::string(R"({"AWS": ")") + kAlice + "\"}"));
  AccessDecision d = Authorize();
  EXPECT_TRUE(d.allowed()) << d.reason;
  EXPECT_EQ(d.source, PolicySource::kTrust);
  EXPECT_EQ(d.statement, std::optional<std::size_t>(0));
  EXPECT_EQ(d.reason, std::string("trust policy of role ") + kRoleArn +
                          ": Statement[0] allows principal {\"AWS\": \"" + kAlice +
                          "\"} the action sts:AssumeRole");
}

TEST_F(AuthorizeTest, SameAccountTrustOfTheAccountNeedsAnIdentityPolicy) {
  Trust(TrustStatement(R"({"AWS": "arn:aws:iam::222222222222:root"})"));
  AccessDecision none = Authorize();
  EXPECT_EQ(none.outcome, Outcome::kImplicitDeny);
  EXPECT_EQ(none.source, PolicySource::kIdentity);
  EXPECT_EQ(none.policy, "");
  EXPECT_EQ(none.reason,
            std::string("trust policy of role ") + kRoleArn +
                " allows it (Statement[0]), but only by trusting the account 222222222222, which "
                "leaves the decision to the caller's own policies: they must also allow "
                "sts:AssumeRole on " +
                kRoleArn + ", and the caller has no identity policies");

  Identity("inline policy dev of user alice", AllowAssume("arn:aws:iam::222222222222:role/other"));
  EXPECT_THAT(Authorize().reason,
              HasSubstr("and none of its identity policies does: inline policy dev of user alice: "
                        "Statement[0] allows sts:AssumeRole but only on "
                        "arn:aws:iam::222222222222:role/other"));

  Identity("inline policy assume of user alice", AllowAssume("arn:aws:iam::222222222222:role/*"));
  AccessDecision allowed = Authorize();
  EXPECT_TRUE(allowed.allowed()) << allowed.reason;
  EXPECT_THAT(allowed.reason,
              HasSubstr("; inline policy assume of user alice: Statement[0] allows the action "
                        "sts:AssumeRole on arn:aws:iam::222222222222:role/shared"));
}

TEST_F(AuthorizeTest, CrossAccountNeedsTheTrustAndTheIdentityPolicy) {
  request_.caller = Principal::Aws(kBob, kOtherAccount);
  // Naming bob explicitly is not enough across accounts.
  Trust(TrustStatement(std::string(R"({"AWS": ")") + kBob + "\"}"));
  AccessDecision d = Authorize();
  EXPECT_EQ(d.outcome, Outcome::kImplicitDeny);
  EXPECT_EQ(d.source, PolicySource::kIdentity);
  EXPECT_THAT(d.reason, HasSubstr("but the caller is in account 111111111111 and the role in "
                                  "account 222222222222, so the caller's own policies must also "
                                  "allow sts:AssumeRole on arn:aws:iam::222222222222:role/shared, "
                                  "and the caller has no identity policies"));
  Identity("managed policy AssumeShared", AllowAssume(kRoleArn));
  EXPECT_TRUE(Authorize().allowed());

  // The trusting account must still trust bob.
  Trust(TrustStatement(R"({"AWS": "333333333333"})"));
  AccessDecision untrusted = Authorize();
  EXPECT_EQ(untrusted.source, PolicySource::kTrust);
  EXPECT_EQ(untrusted.policy, std::string("trust policy of role ") + kRoleArn);
  EXPECT_THAT(untrusted.reason,
              StartsWith(std::string("trust policy of role ") + kRoleArn +
                         ": no statement allows principal {\"AWS\": \"" + kBob +
                         "\"} the action sts:AssumeRole: Statement[0] allows sts:AssumeRole but "
                         "only to {\"AWS\": \"333333333333\"}"));
}

TEST_F(AuthorizeTest, ExplicitDenyAnywhereWins) {
  Trust(TrustStatement(std::string(R"({"AWS": ")") + kAlice + "\"}"));
  Identity("inline policy guard of user alice",
           R"({"Sid": "NoRoles", "Effect": "Deny", "Action": "sts:*", "Resource": "*"})");
  AccessDecision d = Authorize();
  EXPECT_EQ(d.outcome, Outcome::kExplicitDeny);
  EXPECT_EQ(d.source, PolicySource::kIdentity);
  EXPECT_EQ(d.policy, "inline policy guard of user alice");
  EXPECT_EQ(d.statement, std::optional<std::size_t>(0));
  EXPECT_EQ(d.sid, "NoRoles");
  EXPECT_EQ(d.reason,
            "inline policy guard of user alice: Statement[0] (Sid \"NoRoles\") denies the action "
            "sts:AssumeRole on arn:aws:iam::222222222222:role/shared, and an explicit Deny "
            "overrides every Allow");

  // A Deny in the trust policy is reported first.
  Trust(TrustStatement(R"("*")") +
        R"(, {"Sid": "NotAlice", "Effect": "Deny", "Principal": {"AWS": ")" + kAlice +
        R"("}, "Action": "sts:AssumeRole"})");
  EXPECT_EQ(Authorize().source, PolicySource::kTrust);
  EXPECT_EQ(Authorize().sid, "NotAlice");
}

TEST_F(AuthorizeTest, SessionPoliciesLimitGrantsToTheRoleButNotToTheSession) {
  request_.caller = Principal::Aws(kDevSession, kRoleAccount, kDevRole);
  Identity("inline policy dev-perms of role dev", AllowAssume("*"));
  Session(R"({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})");

  // Naming the session itself: the session policy does not limit it.
  Trust(TrustStatement(std::string(R"({"AWS": ")") + kDevSession + "\"}"));
  EXPECT_TRUE(Authorize().allowed()) << Authorize().reason;

  // Naming the role: the session policy must allow sts:AssumeRole too.
  Trust(TrustStatement(std::string(R"({"AWS": ")") + kDevRole + "\"}"));
  AccessDecision d = Authorize();
  EXPECT_EQ(d.outcome, Outcome::kImplicitDeny);
  EXPECT_EQ(d.source, PolicySource::kSession);
  EXPECT_EQ(d.reason,
            std::string("trust policy of role ") + kRoleArn +
                " allows it (Statement[0]), but by naming the role " + kDevRole +
                " rather than the session, which the session's policies still limit: they must "
                "also allow sts:AssumeRole on " +
                kRoleArn +
                ", and none of its session policies does: session policy: Statement[0] allows "
                "only s3:GetObject");
  // Without session policies nothing limits it.
  request_.session_policies.reset();
  EXPECT_TRUE(Authorize().allowed());

  // Naming the account: identity and session policies both apply.
  Trust(TrustStatement(R"({"AWS": "222222222222"})"));
  Session(R"({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})");
  EXPECT_TRUE(Authorize().allowed());
  request_.identity_policies.clear();
  EXPECT_EQ(Authorize().source, PolicySource::kIdentity);

  // An explicit Deny in a session policy wins even over a grant to the session itself.
  Trust(TrustStatement(std::string(R"({"AWS": ")") + kDevSession + "\"}"));
  Session(R"({"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*"})");
  AccessDecision denied = Authorize();
  EXPECT_EQ(denied.outcome, Outcome::kExplicitDeny);
  EXPECT_EQ(denied.source, PolicySource::kSession);
}

TEST_F(AuthorizeTest, ServicesAndIdentityProvidersAreDecidedByTheTrustPolicy) {
  request_.caller = Principal::Service("ec2.amazonaws.com");
  Identity("never consulted", R"({"Effect": "Deny", "Action": "*", "Resource": "*"})");
  Trust(TrustStatement(R"({"Service": "ec2.amazonaws.com"})"));
  EXPECT_TRUE(Authorize().allowed());

  request_.caller = Principal::Federated("accounts.google.com");
  request_.action = "sts:AssumeRoleWithWebIdentity";
  Trust(R"({"Effect": "Allow", "Principal": {"Federated": "accounts.google.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"StringEquals": {"accounts.google.com:aud": "lab-client"}}})");
  keys_.Set(WebIdentityKey("https://accounts.google.com", "aud"), std::string("other-client"));
  AccessDecision d = Authorize();
  EXPECT_EQ(d.outcome, Outcome::kImplicitDeny);
  EXPECT_THAT(d.reason, HasSubstr("condition accounts.google.com:aud StringEquals failed: request "
                                  "has 'other-client', policy wants 'lab-client'"));
  keys_.Set("accounts.google.com:aud", std::string("lab-client"));
  EXPECT_TRUE(Authorize().allowed());
}

TEST_F(AuthorizeTest, TheRootUserNeedsNoIdentityPolicy) {
  request_.caller = Principal::Aws("arn:aws:iam::222222222222:root", kRoleAccount);
  Trust(TrustStatement(R"({"AWS": "222222222222"})"));
  EXPECT_TRUE(Authorize().allowed());
}

TEST_F(AuthorizeTest, TheConfusedDeputyLabExplainsTheExternalId) {
  request_.caller = Principal::Aws(kBob, kOtherAccount);
  Identity("managed policy AssumeShared", AllowAssume(kRoleArn));
  Trust(R"({"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "111111111111"},
      "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "xyz"}}})");
  keys_.Set(keys::kExternalId, std::string("abc"));
  AccessDecision d = Authorize();
  EXPECT_EQ(d.outcome, Outcome::kImplicitDeny);
  EXPECT_EQ(d.source, PolicySource::kTrust);
  EXPECT_EQ(d.reason, std::string("trust policy of role ") + kRoleArn +
                          ": no statement allows principal {\"AWS\": \"" + kBob +
                          "\"} the action sts:AssumeRole: Statement[0] (Sid \"Partner\") allows "
                          "it, but condition sts:ExternalId StringEquals failed: request has "
                          "'abc', policy wants 'xyz'");
  keys_.Set(keys::kExternalId, std::string("xyz"));
  EXPECT_TRUE(Authorize().allowed());
}

TEST_F(AuthorizeTest, WithoutKeysConditionsDoNotApply) {
  request_.keys = nullptr;
  Trust(TrustStatement(std::string(R"({"AWS": ")") + kAlice + "\"}") +
        R"(, {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole",
              "Condition": {"Bool": {"aws:SecureTransport": "false"}}})");
  EXPECT_TRUE(Authorize().allowed());
}

}  // namespace
}  // namespace imdsd::policy

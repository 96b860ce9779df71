#include "policy/principal.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policy/parser.h"

namespace imdsd::policy {
namespace {

using ::testing::HasSubstr;

constexpr char kAccount[] = "111122223333";
constexpr char kUser[] = "arn:aws:iam::111122223333:user/alice";
constexpr char kRole[] = "arn:aws:iam::111122223333:role/app/reader";
constexpr char kSession[] = "arn:aws:sts::111122223333:assumed-role/reader/build-7";

// One fixture: Principal elements written as JSON and parsed by the real parser, and the
// callers the STS endpoint would build.
class PrincipalTest : public ::testing::Test {
 protected:
  static PrincipalSet Element(const std::string& element) {
    auto policy = ParsePolicy(
        R"({"Statement": {"Effect": "Deny", )" + element + R"(, "Action": "sts:AssumeRole"}})",
        PolicyKind::kTrust);
    EXPECT_TRUE(policy.ok()) << policy.status().ToString();
    return policy.ok() ? *policy->statements[0].principal : PrincipalSet{};
  }
  static PrincipalMatch Match(const std::string& element, const Principal& who) {
    return MatchPrincipal(Element(element), who);
  }

  const Principal user_ = Principal::Aws(kUser, kAccount);
  const Principal session_ = Principal::Aws(kSession, kAccount, kRole);
  const Principal root_ = Principal::Aws("arn:aws:iam::111122223333:root", kAccount);
  const Principal ec2_ = Principal::Service("ec2.amazonaws.com");
};

TEST_F(PrincipalTest, EveryoneForms) {
  for (const Principal& who :
       {user_, session_, ec2_, Principal::Federated("accounts.google.com")}) {
    EXPECT_EQ(Match(R"("Principal": "*")", who), PrincipalMatch::kEveryone);
    EXPECT_EQ(Match(R"("Principal": {"AWS": "*"})", who), PrincipalMatch::kEveryone);
  }
}

TEST_F(PrincipalTest, AccountFormsMatchEveryAwsPrincipalOfTheAccount) {
  for (const char* element : {R"("Principal": {"AWS": "111122223333"})",
                              R"("Principal": {"AWS": "arn:aws:iam::111122223333:root"})",
                              R"("Principal": {"AWS": "arn:aws-cn:iam::111122223333:root"})"}) {
    SCOPED_TRACE(element);
    EXPECT_EQ(Match(element, user_), PrincipalMatch::kAccount);
    EXPECT_EQ(Match(element, session_), PrincipalMatch::kAccount);
    EXPECT_EQ(Match(element, root_), PrincipalMatch::kAccount);
    EXPECT_EQ(Match(element, Principal::Aws("arn:aws:iam::444455556666:user/bob", "444455556666")),
              PrincipalMatch::kNone);
    EXPECT_EQ(Match(element, ec2_), PrincipalMatch::kNone);
  }
}

TEST_F(PrincipalTest, ArnsMatchExactly) {
  EXPECT_EQ(Match(R"("Principal": {"AWS": "arn:aws:iam::111122223333:user/alice"})", user_),
            PrincipalMatch::kExact);
  EXPECT_EQ(Match(R"("Principal": {"AWS": "arn:aws:iam::111122223333:user/Alice"})", user_),
            PrincipalMatch::kNone);
  EXPECT_EQ(Match(R"("Principal": {"AWS": "arn:aws:iam::111122223333:user/*"})", user_),
            PrincipalMatch::kNone);
  EXPECT_EQ(Match(std::string(R"("Principal": {"AWS": ")") + kSession + "\"}", session_),
            PrincipalMatch::kExact);
  EXPECT_EQ(Match(R"("Principal": {"AWS": "arn:aws:sts::111122223333:assumed-role/reader/other"})",
                  session_),
            PrincipalMatch::kNone);
}

TEST_F(PrincipalTest, ARoleArnMatchesItsSessions) {
  EXPECT_EQ(Match(std::string(R"("Principal": {"AWS": ")") + kRole + "\"}", session_),
            PrincipalMatch::kParent);
  // The role path is part of the role ARN.
  EXPECT_EQ(Match(R"("Principal": {"AWS": "arn:aws:iam::111122223333:role/reader"})", session_),
            PrincipalMatch::kNone);
  EXPECT_EQ(Match(std::string(R"("Principal": {"AWS": ")") + kRole + "\"}", user_),
            PrincipalMatch::kNone);
  // The most specific entry wins.
  EXPECT_EQ(Match(std::string(R"("Principal": {"AWS": ["111122223333", ")") + kRole + "\", \"" +
                      kSession + "\"]}",
                  session_),
            PrincipalMatch::kExact);
}

TEST_F(PrincipalTest, ServiceAndFederatedPrincipals) {
  EXPECT_EQ(
      Match(R"("Principal": {"Service": ["lambda.amazonaws.com", "ec2.amazonaws.com"]})", ec2_),
      PrincipalMatch::kExact);
  EXPECT_EQ(Match(R"("Principal": {"Service": "ec2.amazonaws.com"})", user_),
            PrincipalMatch::kNone);
  const Principal github = Principal::Federated(
      "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com");
  EXPECT_EQ(Match(R"("Principal": {"Federated":
      "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"})",
                  github),
            PrincipalMatch::kExact);
  EXPECT_EQ(Match(R"("Principal": {"Federated": "accounts.google.com"})", github),
            PrincipalMatch::kNone);
  EXPECT_EQ(Match(R"("Principal": {"Federated": "accounts.google.com"})",
                  Principal::Federated("accounts.google.com")),
            PrincipalMatch::kExact);
  // An AWS account entry is not a federated provider.
  EXPECT_EQ(Match(R"("Principal": {"AWS": "111122223333"})", github), PrincipalMatch::kNone);
}

TEST_F(PrincipalTest, NotPrincipalExcludesOnlyAFullyListedChain) {
  const std::string user_and_account =
      std::string(R"("NotPrincipal": {"AWS": [")") + kUser + R"(", "111122223333"]})";
  EXPECT_EQ(Match(user_and_account, user_), PrincipalMatch::kNone);
  // Only the user: AWS may check the account first, so the user is not left out.
  EXPECT_EQ(Match(std::string(R"("NotPrincipal": {"AWS": ")") + kUser + "\"}", user_),
            PrincipalMatch::kEveryone);
  // A session needs its session ARN, its role and its account.
  const std::string all_three = std::string(R"("NotPrincipal": {"AWS": [")") + kSession + "\", \"" +
                                kRole + R"(", "arn:aws:iam::111122223333:root"]})";
  EXPECT_EQ(Match(all_three, session_), PrincipalMatch::kNone);
  const std::string two = std::string(R"("NotPrincipal": {"AWS": [")") + kSession +
                          R"(", "arn:aws:iam::111122223333:root"]})";
  EXPECT_EQ(Match(two, session_), PrincipalMatch::kEveryone);
  // Everyone else is matched.
  EXPECT_EQ(Match(all_three, Principal::Aws("arn:aws:iam::444455556666:user/bob", "444455556666")),
            PrincipalMatch::kEveryone);
  EXPECT_EQ(Match(all_three, ec2_), PrincipalMatch::kEveryone);
  EXPECT_EQ(Match(R"("NotPrincipal": {"Service": "ec2.amazonaws.com"})", ec2_),
            PrincipalMatch::kNone);
  EXPECT_EQ(Match(R"("NotPrincipal": {"AWS": "111122223333"})", root_), PrincipalMatch::kNone);
  EXPECT_EQ(Match(R"("NotPrincipal": {"AWS": "*"})", user_), PrincipalMatch::kNone);
}

TEST_F(PrincipalTest, ExplainsWhatANotPrincipalLacks) {
  EXPECT_EQ(ExplainNotPrincipalGap(
                Element(std::string(R"("NotPrincipal": {"AWS": ")") + kUser + "\"}"), user_),
            "its NotPrincipal does not list the account 111122223333; IAM leaves a caller out "
            "only when its own ARN and its account are both listed");
  EXPECT_EQ(ExplainNotPrincipalGap(
                Element(std::string(R"("NotPrincipal": {"AWS": ")") + kSession + "\"}"), session_),
            std::string("its NotPrincipal does not list ") + kRole +
                " or the account 111122223333; IAM leaves a session out only when the session "
                "ARN, its role ARN and its account are all listed");
  // Nothing of the caller listed, or fully listed, or a plain Principal: nothing to explain.
  EXPECT_EQ(ExplainNotPrincipalGap(Element(R"("NotPrincipal": {"AWS": "444455556666"})"), user_),
            "");
  EXPECT_EQ(ExplainNotPrincipalGap(
                Element(std::string(R"("Principal": {"AWS": ")") + kUser + "\"}"), user_),
            "");
}

TEST_F(PrincipalTest, RootAndDescriptions) {
  EXPECT_TRUE(IsAccountRoot(root_));
  EXPECT_FALSE(IsAccountRoot(user_));
  EXPECT_FALSE(IsAccountRoot(Principal::Aws(kAccount, kAccount)));
  EXPECT_FALSE(IsAccountRoot(ec2_));
  EXPECT_EQ(DescribePrincipal(session_), std::string("{\"AWS\": \"") + kSession + "\"}");
  EXPECT_EQ(DescribePrincipalSet(Element(R"("NotPrincipal": {"AWS": ["1", "2"], "Service": "s"})")),
            R"(everyone except {"AWS": ["1", "2"], "Service": "s"})");
}

}  // namespace
}  // namespace imdsd::policy

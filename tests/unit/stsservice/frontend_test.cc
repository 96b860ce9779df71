// The real authenticator and actions behind stsapi::StsFrontend: signed form requests in, STS
// XML and audit records out, as the daemon will run them.

#include "stsapi/frontend.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "stsapi/audit.h"
#include "stsservice_fixture.h"

namespace imdsd::stsservice {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Element(const std::string& xml, const std::string& name) {
  const std::string open = "<" + name + ">";
  const std::size_t start = xml.find(open);
  if (start == std::string::npos) return "";
  const std::size_t end = xml.find("</" + name + ">", start);
  return xml.substr(start + open.size(), end - start - open.size());
}

class FrontendTest : public StsServiceTest {
 protected:
  void SetUp() override {
    StsServiceTest::SetUp();
    frontend_ = std::make_unique<stsapi::StsFrontend>(stsapi::StsFrontendOptions{}, clock_, random_,
                                                      *authenticator_, *actions_, &audit_);
  }

  stsapi::StsReply Call(const std::string& key, const std::string& secret, const std::string& token,
                        const std::string& body) {
    auto request = Sign(key, secret, token, body);
    return frontend_->Handle(request->request);
  }

  stsapi::AuditRing audit_{16};
  std::unique_ptr<stsapi::StsFrontend> frontend_;
};

TEST_F(FrontendTest, AssumeRoleThenGetCallerIdentityWithTheNewCredentials) {
  const stsapi::StsReply assumed =
      Call(alice_key_, kAliceSecret, "",
           "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole"
           "%2Fcross-reader&RoleSessionName=audit&ExternalId=ext-1234&DurationSeconds=900");
  ASSERT_EQ(assumed.status, 200) << assumed.body;
  const std::string key = Element(assumed.body, "AccessKeyId");
  const std::string secret = Element(assumed.body, "SecretAccessKey");
  const std::string token = Element(assumed.body, "SessionToken");
  ASSERT_FALSE(token.empty());

  const stsapi::StsReply identity =
      Call(key, secret, token, "Action=GetCallerIdentity&Version=2011-06-15");
  ASSERT_EQ(identity.status, 200) << identity.body;
  EXPECT_EQ(Element(identity.body, "Arn"),
            "arn:aws:sts::111111111111:assumed-role/cross-reader/audit");
  EXPECT_EQ(Element(identity.body, "Account"), kTrusting);
}

TEST_F(FrontendTest, DenialIsExplainedInTheAuditRecordOnly) {
  const stsapi::StsReply denied =
      Call(alice_key_, kAliceSecret, "",
           "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole"
           "%2Fcross-reader&RoleSessionName=audit");
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(Element(denied.body, "Code"), "AccessDenied");
  EXPECT_THAT(denied.body, Not(HasSubstr("sts:ExternalId")));
  const std::vector<std::string> lines = audit_.Snapshot();
  ASSERT_FALSE(lines.empty());
  EXPECT_THAT(lines.back(), HasSubstr("sts:ExternalId"));
  EXPECT_THAT(lines.back(), HasSubstr("AccessDenied"));
}

TEST_F(FrontendTest, ExpiredSessionReachesTheClientAsExpiredToken) {
  const stsapi::StsReply assumed = Call(
      alice_key_, kAliceSecret, "",
      "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fopen"
      "&RoleSessionName=short&DurationSeconds=900");
  ASSERT_EQ(assumed.status, 200) << assumed.body;
  clock_.Advance(std::chrono::seconds(901));
  const stsapi::StsReply expired =
      Call(Element(assumed.body, "AccessKeyId"), Element(assumed.body, "SecretAccessKey"),
           Element(assumed.body, "SessionToken"), "Action=GetCallerIdentity&Version=2011-06-15");
  EXPECT_EQ(expired.status, 403);
  EXPECT_EQ(Element(expired.body, "Code"), "ExpiredToken");
}

}  // namespace
}  // namespace imdsd::stsservice

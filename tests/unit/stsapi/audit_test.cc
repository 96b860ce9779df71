#include "stsapi/audit.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fakes/fake_sts.h"
#include "testing/status_matchers.h"

namespace imdsd::stsapi {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

WallTime At(std::int64_t epoch_seconds) { return WallTime(std::chrono::seconds(epoch_seconds)); }

AuditEvent AssumeRoleEvent() {
  AuditEvent event;
  event.event_time = At(1767225600);  // 2026-01-01T00:00:00Z
  event.event_name = "AssumeRole";
  event.region = "us-east-1";
  event.source_ip = "127.0.0.1";
  event.user_agent = "aws-cli/2.0";
  event.user_identity = AuditIdentityOf(testing::FakeUserCaller());
  AssumeRoleRequest request;
  request.role_arn = "arn:aws:iam::210987654321:role/demo";
  request.role_session_name = "s1";
  request.duration_seconds = 900;
  request.token_code = "123456";
  request.serial_number = "arn:aws:iam::123456789012:mfa/alice";
  request.tags = {{"team", "blue"}};
  event.request = request;
  AssumeRoleResponse response;
  response.credentials = {"ASIARZPUZDIKFLPK3PXP", "SECRETSECRETSECRETSECRETSECRETSECRETSECR",
                          "TOKENTOKENTOKEN", At(1767226500)};
  response.assumed_role_user = {"AROAEXAMPLE:s1", "arn:aws:sts::210987654321:assumed-role/demo/s1"};
  event.response = response;
  event.request_id = "11111111-1111-4111-8111-111111111111";
  event.event_id = "22222222-2222-4222-8222-222222222222";
  return event;
}

TEST(AuditJsonTest, CloudTrailShape) {
  const std::string line = AuditEventToJson(AssumeRoleEvent());
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const Json j = Json::parse(line);
  EXPECT_EQ(j["eventVersion"], "1.08");
  EXPECT_EQ(j["eventTime"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(j["eventSource"], "sts.amazonaws.com");
  EXPECT_EQ(j["eventName"], "AssumeRole");
  EXPECT_EQ(j["awsRegion"], "us-east-1");
  EXPECT_EQ(j["sourceIPAddress"], "127.0.0.1");
  EXPECT_EQ(j["userAgent"], "aws-cli/2.0");
  EXPECT_EQ(j["userIdentity"]["type"], "IAMUser");
  EXPECT_EQ(j["userIdentity"]["principalId"], "AIDAJQABLZS4A3QDU576Q");
  EXPECT_EQ(j["userIdentity"]["arn"], "arn:aws:iam::123456789012:user/alice");
  EXPECT_EQ(j["userIdentity"]["accountId"], "123456789012");
  EXPECT_EQ(j["userIdentity"]["accessKeyId"], "AKIARZPUZDIKFLPK3PXP");
  EXPECT_EQ(j["userIdentity"]["userName"], "alice");
  EXPECT_EQ(j["requestParameters"]["roleArn"], "arn:aws:iam::210987654321:role/demo");
  EXPECT_EQ(j["requestParameters"]["durationSeconds"], 900);
  EXPECT_EQ(j["requestParameters"]["tags"][0]["key"], "team");
  EXPECT_EQ(j["requestParameters"]["serialNumber"], "arn:aws:iam::123456789012:mfa/alice");
  EXPECT_EQ(j["responseElements"]["credentials"]["accessKeyId"], "ASIARZPUZDIKFLPK3PXP");
  EXPECT_EQ(j["responseElements"]["credentials"]["expiration"], "Jan 1, 2026, 12:15:00 AM");
  EXPECT_EQ(j["responseElements"]["assumedRoleUser"]["assumedRoleId"], "AROAEXAMPLE:s1");
  EXPECT_EQ(j["requestID"], "11111111-1111-4111-8111-111111111111");
  EXPECT_EQ(j["eventID"], "22222222-2222-4222-8222-222222222222");
  EXPECT_EQ(j["readOnly"], true);
  EXPECT_EQ(j["eventType"], "AwsApiCall");
  EXPECT_EQ(j["recipientAccountId"], "123456789012");
  EXPECT_FALSE(j.contains("errorCode"));
  EXPECT_FALSE(j.contains("imdsdDecision"));
}

TEST(AuditJsonTest, NeverContainsSecrets) {
  AuditEvent event = AssumeRoleEvent();
  const std::string line = AuditEventToJson(event);
  EXPECT_THAT(line, Not(HasSubstr("SECRETSECRET")));
  EXPECT_THAT(line, Not(HasSubstr("TOKENTOKEN")));
  EXPECT_THAT(line, Not(HasSubstr("123456\"")));  // the TOTP code
  EXPECT_THAT(line, Not(HasSubstr("tokenCode")));
  AssumeRoleWithWebIdentityRequest web;
  web.role_arn = "arn:aws:iam::210987654321:role/web";
  web.web_identity_token = "eyJSECRETJWT";
  event.request = web;
  EXPECT_THAT(AuditEventToJson(event), Not(HasSubstr("eyJSECRETJWT")));
}

TEST(AuditJsonTest, ErrorsCarryTheDecision) {
  AuditEvent event = AssumeRoleEvent();
  event.response = std::monostate();
  StsError error = NotAuthorizedError("arn:aws:iam::123456789012:user/alice", "AssumeRole",
                                      "arn:aws:iam::210987654321:role/demo");
  error.audit_detail = "condition sts:ExternalId StringEquals failed";
  event.error = error;
  event.recipient_account_id = "210987654321";
  const Json j = Json::parse(AuditEventToJson(event));
  EXPECT_EQ(j["errorCode"], "AccessDenied");
  EXPECT_EQ(j["errorMessage"], error.message);
  EXPECT_EQ(j["imdsdDecision"], "condition sts:ExternalId StringEquals failed");
  EXPECT_TRUE(j["responseElements"].is_null());
  EXPECT_EQ(j["recipientAccountId"], "210987654321");
}

TEST(AuditJsonTest, SessionCallersGetASessionContext) {
  stsapi::CallerIdentity caller = testing::FakeUserCaller();
  caller.type = PrincipalType::kAssumedRole;
  caller.arn = "arn:aws:sts::123456789012:assumed-role/web/i-0abc";
  sts::SessionClaims claims;
  claims.role_arn = "arn:aws:iam::123456789012:role/path/web";
  claims.role_id = "AROAEXAMPLEEXAMPLE123";
  claims.secret_access_key = "NEVERPRINTED";
  claims.issued_at = std::chrono::sys_seconds(std::chrono::seconds(1767225600));
  claims.mfa_authenticated = true;
  caller.session = claims;
  AuditEvent event;
  event.user_identity = AuditIdentityOf(caller);
  const std::string line = AuditEventToJson(event);
  EXPECT_THAT(line, Not(HasSubstr("NEVERPRINTED")));
  const Json j = Json::parse(line);
  EXPECT_EQ(j["userIdentity"]["type"], "AssumedRole");
  EXPECT_EQ(j["userIdentity"]["sessionContext"]["sessionIssuer"]["userName"], "web");
  EXPECT_EQ(j["userIdentity"]["sessionContext"]["sessionIssuer"]["arn"],
            "arn:aws:iam::123456789012:role/path/web");
  EXPECT_EQ(j["userIdentity"]["sessionContext"]["attributes"]["mfaAuthenticated"], "true");
  EXPECT_EQ(j["userIdentity"]["sessionContext"]["attributes"]["creationDate"],
            "2026-01-01T00:00:00Z");
}

TEST(AuditJsonTest, InvalidUtf8FromClientsDoesNotThrow) {
  AuditEvent event;
  event.user_agent = "bad\xFF";
  EXPECT_NO_THROW(Json::parse(AuditEventToJson(event)));
}

TEST(CloudTrailExpirationTest, TwelveHourClock) {
  EXPECT_EQ(CloudTrailExpiration(At(1689696459)), "Jul 18, 2023, 4:07:39 PM");
  EXPECT_EQ(CloudTrailExpiration(At(1767225600)), "Jan 1, 2026, 12:00:00 AM");
  EXPECT_EQ(CloudTrailExpiration(At(1767268800)), "Jan 1, 2026, 12:00:00 PM");
}

TEST(ArnAccountTest, FifthField) {
  EXPECT_EQ(ArnAccount("arn:aws:iam::123456789012:role/x"), "123456789012");
  EXPECT_EQ(ArnAccount("not an arn"), "");
}

TEST(AuditRingTest, KeepsTheLastN) {
  AuditRing ring(2);
  EXPECT_EQ(ring.ToJsonArray(), "[]\n");
  ring.Append(R"({"n":1})");
  ring.Append(R"({"n":2})");
  ring.Append(R"({"n":3})");
  EXPECT_THAT(ring.Snapshot(), ::testing::ElementsAre(R"({"n":2})", R"({"n":3})"));
  const Json array = Json::parse(ring.ToJsonArray());
  ASSERT_EQ(array.size(), 2u);
  EXPECT_EQ(array[1]["n"], 3);
}

class AuditFileTest : public ::testing::Test {
 protected:
  AuditFileTest() {
    dir_ =
        std::filesystem::temp_directory_path() / ("imdsd-audit-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    path_ = dir_ / "audit.log";
    std::filesystem::remove(path_);
  }
  ~AuditFileTest() override { std::filesystem::remove_all(dir_); }

  std::string Contents() const {
    std::ifstream in(path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  std::filesystem::path dir_;
  std::filesystem::path path_;
};

TEST_F(AuditFileTest, AppendsLinesWithMode0600) {
  {
    auto file = AuditFile::Open(path_);
    ASSERT_OK(file);
    (*file)->Append(R"({"n":1})");
    (*file)->Append(R"({"n":2})");
    (*file)->Flush();
    EXPECT_EQ(Contents(), "{\"n\":1}\n{\"n\":2}\n");
    EXPECT_EQ((*file)->dropped(), 0u);
  }
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  {
    auto again = AuditFile::Open(path_);
    ASSERT_OK(again);
    (*again)->Append(R"({"n":3})");
  }  // the destructor writes what is queued
  EXPECT_EQ(Contents(), "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
}

TEST_F(AuditFileTest, ManyWritersLoseNothingBelowTheQueueLimit) {
  auto file = AuditFile::Open(path_, 100000);
  ASSERT_OK(file);
  AuditRing ring(1000);
  AuditFanout fanout({file->get(), &ring});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&fanout, t] {
      for (int i = 0; i < 250; ++i) {
        fanout.Append("{\"t\":" + std::to_string(t) + ",\"i\":" + std::to_string(i) + "}");
      }
    });
  }
  for (auto& thread : threads) thread.join();
  (*file)->Flush();
  const std::string contents = Contents();
  EXPECT_EQ(std::count(contents.begin(), contents.end(), '\n'), 1000);
  EXPECT_EQ(ring.Snapshot().size(), 1000u);
  EXPECT_EQ((*file)->dropped(), 0u);
}

TEST_F(AuditFileTest, RefusesAFileOthersCanRead) {
  std::ofstream(path_) << "";
  std::filesystem::permissions(path_, std::filesystem::perms(0644));
  EXPECT_THAT(AuditFile::Open(path_), imdsd::testing::StatusIs(ErrorCode::kPermissionDenied));
}

TEST_F(AuditFileTest, MissingDirectoryIsAnIoError) {
  EXPECT_THAT(AuditFile::Open(dir_ / "no" / "such" / "audit.log"),
              imdsd::testing::StatusIs(ErrorCode::kIoError));
}

TEST(AuditFanoutTest, FeedsEverySink) {
  AuditRing a(4);
  AuditRing b(4);
  AuditFanout fanout({&a, &b});
  fanout.Append("{}");
  EXPECT_EQ(a.Snapshot().size(), 1u);
  EXPECT_EQ(b.Snapshot().size(), 1u);
}

}  // namespace
}  // namespace imdsd::stsapi

// LabActions::AssumeRoleWithWebIdentity: token checks and the trust policy's Federated
// principal and claim keys.

#include <chrono>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "stsservice_fixture.h"

namespace imdsd::stsservice {
namespace {

using std::chrono::hours;
using ::testing::HasSubstr;

class WebIdentityTest : public StsServiceTest {
 protected:
  long long NowSeconds() const {
    return std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch())
        .count();
  }

  std::string Token(const std::string& iss = kIssuer, const std::string& aud = "lab-app",
                    const std::string& sub = "repo:lab/app", long long exp_offset = 600) const {
    const std::string claims = R"({"iss":")" + iss + R"(","aud":")" + aud + R"(","sub":")" + sub +
                               R"(","iat":)" + std::to_string(NowSeconds()) + R"(,"exp":)" +
                               std::to_string(NowSeconds() + exp_offset) + "}";
    return *TestIdpSigner().Sign(claims);
  }

  stsapi::Outcome<stsapi::AssumeRoleWithWebIdentityResponse> AssumeWeb(
      const std::string& token, std::string_view role = "web-reader") {
    stsapi::AssumeRoleWithWebIdentityRequest request;
    request.role_arn = RoleArn(role);
    request.role_session_name = "ci";
    request.web_identity_token = token;
    return actions_->AssumeRoleWithWebIdentity(Context(nullptr), request);
  }
};

TEST_F(WebIdentityTest, ValidTokenAssumesTheRole) {
  auto outcome = AssumeWeb(Token());
  ASSERT_TRUE(outcome.ok()) << outcome.error().message << " / " << outcome.error().audit_detail;
  const auto& response = outcome.value();
  EXPECT_EQ(response.subject_from_web_identity_token, "repo:lab/app");
  EXPECT_EQ(response.audience, "lab-app");
  EXPECT_EQ(response.provider, kProviderArn);
  EXPECT_EQ(response.assumed_role_user.arn, "arn:aws:sts::111111111111:assumed-role/web-reader/ci");
  EXPECT_EQ(response.credentials.expiration, clock_.Now() + hours(1));
  auto claims = codec_.Verify(response.credentials.session_token);
  EXPECT_EQ(claims->kind, sts::SessionKind::kAssumedRole);
}

TEST_F(WebIdentityTest, UnknownIssuerHasNoProvider) {
  auto outcome = AssumeWeb(Token("https://other.example.com"));
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, "InvalidIdentityToken");
  EXPECT_EQ(outcome.error().message,
            "No OpenIDConnect provider found in your account for https://other.example.com");
}

TEST_F(WebIdentityTest, WrongAudience) {
  auto outcome = AssumeWeb(Token(kIssuer, "other-app"));
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, "InvalidIdentityToken");
  EXPECT_EQ(outcome.error().message, "Incorrect token audience");
}

TEST_F(WebIdentityTest, ExpiredToken) {
  auto outcome = AssumeWeb(Token(kIssuer, "lab-app", "repo:lab/app", -5));
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, "ExpiredTokenException");
  EXPECT_EQ(outcome.error().http_status, 400);
  EXPECT_EQ(outcome.error().message,
            "Token expired: current date/time " + std::to_string(NowSeconds()) +
                " must be before the expiration date/time" + std::to_string(NowSeconds() - 5));
}

TEST_F(WebIdentityTest, TokenSignedByAnotherKeyIsInvalid) {
  auto other = crypto::JwtSigner::Generate("k1");
  ASSERT_TRUE(other.ok());
  const std::string claims =
      R"({"iss":"https://idp.example.com","aud":"lab-app","sub":"x","exp":)" +
      std::to_string(NowSeconds() + 600) + "}";
  auto outcome = AssumeWeb(*other->Sign(claims));
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, "InvalidIdentityToken");
}

TEST_F(WebIdentityTest, SubjectConditionIsChecked) {
  auto outcome = AssumeWeb(Token(kIssuer, "lab-app", "repo:other/app"));
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, "AccessDenied");
  EXPECT_EQ(outcome.error().message, "Not authorized to perform sts:AssumeRoleWithWebIdentity");
  EXPECT_THAT(outcome.error().audit_detail, HasSubstr("idp.example.com:sub"));
}

TEST_F(WebIdentityTest, RoleNotTrustingTheProviderIsDenied) {
  auto outcome = AssumeWeb(Token(), "open");
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().message, "Not authorized to perform sts:AssumeRoleWithWebIdentity");
}

TEST_F(WebIdentityTest, DurationAboveTheRoleMaximum) {
  stsapi::AssumeRoleWithWebIdentityRequest request;
  request.role_arn = RoleArn("web-reader");
  request.role_session_name = "ci";
  request.web_identity_token = Token();
  request.duration_seconds = 7201;
  auto outcome = actions_->AssumeRoleWithWebIdentity(Context(nullptr), request);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().message,
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
}

}  // namespace
}  // namespace imdsd::stsservice

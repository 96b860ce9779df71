// GetSessionToken, GetFederationToken, GetAccessKeyInfo and DecodeAuthorizationMessage.

#include <chrono>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "stsservice_fixture.h"

namespace imdsd::stsservice {
namespace {

using std::chrono::hours;
using std::chrono::seconds;
using ::testing::HasSubstr;

class TokensTest : public StsServiceTest {};

TEST_F(TokensTest, SessionTokenDefaultsToTwelveHours) {
  const auto alice = Alice();
  auto outcome = actions_->GetSessionToken(Context(&alice), {});
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome.value().credentials.expiration, clock_.Now() + hours(12));
  auto claims = codec_.Verify(outcome.value().credentials.session_token);
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->kind, sts::SessionKind::kSessionToken);
  EXPECT_EQ(claims->role_arn, kAliceArn);
  EXPECT_FALSE(claims->mfa_authenticated);
}

TEST_F(TokensTest, SessionTokenHonoursTheModelMaximum) {
  const auto alice = Alice();
  stsapi::GetSessionTokenRequest request;
  request.duration_seconds = 129600;
  auto outcome = actions_->GetSessionToken(Context(&alice), request);
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome.value().credentials.expiration, clock_.Now() + hours(36));
}

TEST_F(TokensTest, SessionTokenWithMfa) {
  const auto alice = Alice();
  stsapi::GetSessionTokenRequest request;
  request.serial_number = kMfaSerial;
  request.token_code = MfaCode();
  auto outcome = actions_->GetSessionToken(Context(&alice), request);
  ASSERT_TRUE(outcome.ok());
  auto claims = codec_.Verify(outcome.value().credentials.session_token);
  EXPECT_TRUE(claims->mfa_authenticated);

  auto replay = actions_->GetSessionToken(Context(&alice), request);
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.error().message,
            "MultiFactorAuthentication failed with invalid MFA one time pass code.");
}

TEST_F(TokensTest, SessionCredentialsCannotGetTokens) {
  const auto alice = Alice();
  auto assumed = Assume(alice, Request("open"));
  ASSERT_TRUE(assumed.ok());
  const auto session = SessionCaller(assumed.value().credentials);
  auto token = actions_->GetSessionToken(Context(&session), {});
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().code, "AccessDenied");
  EXPECT_EQ(token.error().message, "Cannot call GetSessionToken with session credentials");

  stsapi::GetFederationTokenRequest federation;
  federation.name = "carlos";
  auto federated = actions_->GetFederationToken(Context(&session), federation);
  ASSERT_FALSE(federated.ok());
  EXPECT_EQ(federated.error().message, "Cannot call GetFederationToken with session credentials");
}

TEST_F(TokensTest, FederationTokenNamesTheFederatedUser) {
  const auto alice = Alice();
  stsapi::GetFederationTokenRequest request;
  request.name = "carlos";
  request.policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Action":"s3:GetObject","Resource":"*"}]})";
  request.tags = {{"dept", "exams"}};
  auto outcome = actions_->GetFederationToken(Context(&alice), request);
  ASSERT_TRUE(outcome.ok()) << outcome.error().audit_detail;
  EXPECT_EQ(outcome.value().federated_user.arn, "arn:aws:sts::222222222222:federated-user/carlos");
  EXPECT_EQ(outcome.value().federated_user.federated_user_id, "222222222222:carlos");
  EXPECT_EQ(outcome.value().credentials.expiration, clock_.Now() + hours(12));
  ASSERT_TRUE(outcome.value().packed_policy_size.has_value());
  auto claims = codec_.Verify(outcome.value().credentials.session_token);
  EXPECT_EQ(claims->kind, sts::SessionKind::kFederatedUser);
  EXPECT_TRUE(claims->session_policy.has_value());
  EXPECT_EQ(claims->tags.size(), 1u);
}

TEST_F(TokensTest, FederationTokenNeedsTheUsersPermission) {
  const auto bob = Bob();
  stsapi::GetFederationTokenRequest request;
  request.name = "carlos";
  auto outcome = actions_->GetFederationToken(Context(&bob), request);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, "AccessDenied");
  EXPECT_EQ(outcome.error().message,
            "User: arn:aws:iam::111111111111:user/bob is not authorized to perform: "
            "sts:GetFederationToken on resource: "
            "arn:aws:sts::111111111111:federated-user/carlos");
  EXPECT_THAT(outcome.error().audit_detail, HasSubstr("no identity policy"));
}

TEST_F(TokensTest, AccessKeyInfoDecodesAnyNewStyleKey) {
  const auto alice = Alice();
  stsapi::GetAccessKeyInfoRequest request;
  request.access_key_id = AccessKeyFor("333333333333", 4);  // unknown to the config
  auto outcome = actions_->GetAccessKeyInfo(Context(&alice), request);
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome.value().account, "333333333333");

  request.access_key_id = bob_key_;
  EXPECT_EQ(actions_->GetAccessKeyInfo(Context(&alice), request).value().account, kTrusting);
}

TEST_F(TokensTest, AccessKeyInfoOfAnOldStyleConfiguredKeyUsesTheConfig) {
  config_->users[1].access_keys[0].id = "AKIAIOSFODNN7EXAMPLE";
  config_->users[1].access_keys[0].encodes_account = false;
  Rebuild();
  const auto alice = Alice();
  stsapi::GetAccessKeyInfoRequest request;
  request.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  auto outcome = actions_->GetAccessKeyInfo(Context(&alice), request);
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome.value().account, kTrusting);
}

TEST_F(TokensTest, DecodeAuthorizationMessageIsRefused) {
  const auto alice = Alice();
  auto outcome = actions_->DecodeAuthorizationMessage(Context(&alice), {"abc"});
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, "InvalidAuthorizationMessageException");
  EXPECT_EQ(outcome.error().http_status, 400);
}

}  // namespace
}  // namespace imdsd::stsservice

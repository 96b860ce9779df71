#include "sts/credential_issuer.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/time_format.h"
#include "testing/status_matchers.h"
#include "unit/sts/sts_fixture.h"

namespace imdsd::sts {
namespace {

using ::imdsd::testing::StatusIs;
using ::testing::MatchesRegex;

using CredentialIssuerTest = StsTest;

TEST_F(CredentialIssuerTest, IssuesACredentialForTheRole) {
  clock_.Advance(std::chrono::milliseconds(1500));  // 2026-01-01T00:00:01.5Z
  RoleSession request = SessionFor("i-0123456789abcdef0", "web-role", Account("975426262029"));
  request.role_path = "/application/";
  request.lifetime = std::chrono::hours(6);

  const Result<Credential> credential = issuer_.IssueRoleCredential(request);
  ASSERT_OK(credential);
  EXPECT_THAT(credential->access_key_id, MatchesRegex("ASIA[A-Z2-7]{16}"));
  EXPECT_EQ(AccountFromAccessKeyId(credential->access_key_id)->ToString(), "975426262029");
  EXPECT_THAT(credential->secret_access_key, MatchesRegex("[A-Za-z0-9+/]{40}"));
  EXPECT_EQ(credential->role_arn, "arn:aws:iam::975426262029:role/application/web-role");
  EXPECT_EQ(credential->account_id.ToString(), "975426262029");
  // Whole seconds, floored: IMDS prints no fractions and must not claim a future LastUpdated.
  EXPECT_EQ(FormatIso8601(credential->issued_at), "2026-01-01T00:00:01Z");
  EXPECT_EQ(FormatIso8601(credential->expires_at), "2026-01-01T06:00:01Z");

  // The token carries the key pair and whom it belongs to.
  const Result<SessionClaims> claims = codec_.Verify(credential->session_token);
  ASSERT_OK(claims);
  EXPECT_EQ(claims->kind, SessionKind::kInstanceProfile);
  EXPECT_EQ(claims->access_key_id, credential->access_key_id);
  EXPECT_EQ(claims->secret_access_key, credential->secret_access_key);
  EXPECT_EQ(claims->account_id, credential->account_id);
  EXPECT_EQ(claims->role_arn, credential->role_arn);
  EXPECT_EQ(claims->role_id, request.role_id);
  EXPECT_EQ(claims->role_session_name, "i-0123456789abcdef0");
  EXPECT_EQ(WallTime(claims->issued_at), credential->issued_at);
  EXPECT_EQ(WallTime(claims->expires_at), credential->expires_at);
  EXPECT_TRUE(ClaimsMatchSession(*claims, request));
}

TEST_F(CredentialIssuerTest, EveryIssueIsNew) {
  const RoleSession request = SessionFor("i-0123456789abcdef0");
  const Credential a = issuer_.IssueRoleCredential(request).value();
  const Credential b = issuer_.IssueRoleCredential(request).value();
  EXPECT_NE(a.access_key_id, b.access_key_id);
  EXPECT_NE(a.secret_access_key, b.secret_access_key);
  EXPECT_NE(a.session_token, b.session_token);
}

TEST_F(CredentialIssuerTest, RestoreRebuildsTheCredentialFromItsToken) {
  const RoleSession request = SessionFor("i-0123456789abcdef0");
  const Credential issued = issuer_.IssueRoleCredential(request).value();
  const Result<RestoredCredential> restored = issuer_.Restore(issued.session_token);
  ASSERT_OK(restored);
  EXPECT_EQ(restored->credential, issued);
  EXPECT_TRUE(ClaimsMatchSession(restored->claims, request));

  std::string tampered = issued.session_token;
  tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
  EXPECT_THAT(issuer_.Restore(tampered), StatusIs(ErrorCode::kUnauthenticated));
}

TEST_F(CredentialIssuerTest, ClaimsMatchOnlyTheSameRoleAndSession) {
  const RoleSession request = SessionFor("i-0123456789abcdef0");
  const SessionClaims claims =
      codec_.Verify(issuer_.IssueRoleCredential(request).value().session_token).value();

  RoleSession longer = request;
  longer.lifetime = std::chrono::hours(12);
  EXPECT_TRUE(ClaimsMatchSession(claims, longer));

  RoleSession other = request;
  other.session_name = "i-0fffffffffffffff0";
  EXPECT_FALSE(ClaimsMatchSession(claims, other));
  other = SessionFor("i-0123456789abcdef0", "db-role");
  EXPECT_FALSE(ClaimsMatchSession(claims, other));
  other = request;
  other.role_path = "/moved/";
  EXPECT_FALSE(ClaimsMatchSession(claims, other));
  other = request;
  other.account_id = Account("210987654321");
  EXPECT_FALSE(ClaimsMatchSession(claims, other));
  other = request;
  other.kind = SessionKind::kAssumedRole;
  EXPECT_FALSE(ClaimsMatchSession(claims, other));
}

TEST_F(CredentialIssuerTest, RefusesMalformedRequests) {
  const RoleSession good = SessionFor("i-0123456789abcdef0");
  ASSERT_OK(ValidateRoleSession(good));
  auto expect_invalid = [this](const RoleSession& request) {
    EXPECT_THAT(ValidateRoleSession(request), StatusIs(ErrorCode::kInvalidArgument));
    EXPECT_THAT(issuer_.IssueRoleCredential(request), StatusIs(ErrorCode::kInvalidArgument));
  };
  RoleSession bad = good;
  bad.role_name = "";
  expect_invalid(bad);
  bad = good;
  bad.role_path = "app/";
  expect_invalid(bad);
  bad = good;
  bad.partition = "";
  expect_invalid(bad);
  bad = good;
  bad.role_id = "AIPA" + good.role_id.substr(4);
  expect_invalid(bad);
  bad = good;
  bad.role_id = good.role_id.substr(0, 20);
  expect_invalid(bad);
  bad = good;
  bad.role_id = good.role_id.substr(0, 20) + "1";
  expect_invalid(bad);
  bad = good;
  bad.session_name = "x";
  expect_invalid(bad);
  bad = good;
  bad.lifetime = std::chrono::seconds(0);
  expect_invalid(bad);
}

}  // namespace
}  // namespace imdsd::sts

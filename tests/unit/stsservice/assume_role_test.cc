// LabActions::AssumeRole: trust and identity policies, ExternalId, MFA, durations and role
// chaining, session policies, tags, source identity.

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policy/evaluator.h"
#include "policy/parser.h"
#include "stsservice_fixture.h"

namespace imdsd::stsservice {
namespace {

using std::chrono::hours;
using std::chrono::seconds;
using ::testing::HasSubstr;

class AssumeRoleTest : public StsServiceTest {
 protected:
  static void ExpectDenied(const stsapi::Outcome<stsapi::AssumeRoleResponse>& outcome,
                           const std::string& caller, std::string_view action,
                           const std::string& role) {
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.error().code, "AccessDenied");
    EXPECT_EQ(outcome.error().http_status, 403);
    EXPECT_EQ(outcome.error().message, "User: " + caller + " is not authorized to perform: " +
                                           std::string(action) + " on resource: " + role);
    EXPECT_FALSE(outcome.error().audit_detail.empty());
  }
  static void ExpectError(const stsapi::Outcome<stsapi::AssumeRoleResponse>& outcome,
                          std::string_view code, std::string_view message) {
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.error().code, code);
    EXPECT_EQ(outcome.error().message, message);
  }
  sts::SessionClaims ClaimsOf(const stsapi::AssumeRoleResponse& response) const {
    return *codec_.Verify(response.credentials.session_token);
  }
};

TEST_F(AssumeRoleTest, CrossAccountWithExternalIdSucceeds) {
  const auto alice = Alice();
  auto request = Request("cross-reader", "audit");
  request.external_id = kExternalId;
  auto outcome = Assume(alice, request);
  ASSERT_TRUE(outcome.ok()) << outcome.error().audit_detail;
  const auto& response = outcome.value();
  EXPECT_THAT(response.credentials.access_key_id, ::testing::StartsWith("ASIA"));
  EXPECT_EQ(response.credentials.access_key_id.size(), 20u);
  EXPECT_EQ(response.credentials.expiration, clock_.Now() + hours(1));
  EXPECT_EQ(response.assumed_role_user.arn,
            "arn:aws:sts::111111111111:assumed-role/cross-reader/audit");
  EXPECT_EQ(response.assumed_role_user.assumed_role_id,
            sts::MakeUniqueId(sts::kRoleIdPrefix, Account(kTrusting), "cross-reader") + ":audit");
  EXPECT_FALSE(response.packed_policy_size.has_value());
  const sts::SessionClaims claims = ClaimsOf(response);
  EXPECT_EQ(claims.kind, sts::SessionKind::kAssumedRole);
  EXPECT_EQ(claims.role_arn, RoleArn("cross-reader"));
  EXPECT_EQ(claims.account_id.ToString(), kTrusting);
  EXPECT_FALSE(claims.chained_from.has_value());
}

TEST_F(AssumeRoleTest, MissingExternalIdIsDeniedWithTheConditionExplained) {
  const auto alice = Alice();
  auto outcome = Assume(alice, Request("cross-reader"));
  ExpectDenied(outcome, kAliceArn, "sts:AssumeRole", RoleArn("cross-reader"));
  EXPECT_THAT(outcome.error().audit_detail, HasSubstr("sts:ExternalId"));
}

TEST_F(AssumeRoleTest, WrongExternalIdIsDenied) {
  const auto alice = Alice();
  auto request = Request("cross-reader");
  request.external_id = "guess";
  auto outcome = Assume(alice, request);
  ExpectDenied(outcome, kAliceArn, "sts:AssumeRole", RoleArn("cross-reader"));
  EXPECT_THAT(outcome.error().audit_detail, HasSubstr("StringEquals"));
}

TEST_F(AssumeRoleTest, UnknownRoleIsAccessDeniedNotNoSuchEntity) {
  const auto alice = Alice();
  auto outcome = Assume(alice, Request("ghost"));
  ExpectDenied(outcome, kAliceArn, "sts:AssumeRole", RoleArn("ghost"));
  EXPECT_THAT(outcome.error().audit_detail, HasSubstr("no role"));
}

TEST_F(AssumeRoleTest, CrossAccountNeedsTheCallersIdentityPolicyToo) {
  // Trusted by the account, but alice's identity policy only covers 111111111111's roles: give
  // her none and the trust policy alone is not enough.
  config_->users[0].policies.clear();
  Rebuild();
  const auto alice = Alice();
  auto request = Request("cross-reader");
  request.external_id = kExternalId;
  auto outcome = Assume(alice, request);
  ExpectDenied(outcome, kAliceArn, "sts:AssumeRole", RoleArn("cross-reader"));
  EXPECT_THAT(outcome.error().audit_detail, HasSubstr("identity"));
}

TEST_F(AssumeRoleTest, SameAccountTrustNamingTheUserNeedsNoIdentityPolicy) {
  const auto bob = Bob();
  EXPECT_TRUE(Assume(bob, Request("bob-only")).ok());
}

TEST_F(AssumeRoleTest, SameAccountTrustNamingOnlyTheAccountNeedsAnIdentityPolicy) {
  const auto bob = Bob();
  ExpectDenied(Assume(bob, Request("account-only")), kBobArn, "sts:AssumeRole",
               RoleArn("account-only"));
}

TEST_F(AssumeRoleTest, DefaultDurationIsOneHourAndTheRoleMaximumIsEnforced) {
  const auto alice = Alice();
  auto request = Request("cross-reader");
  request.external_id = kExternalId;
  request.duration_seconds = 4 * 3600;
  auto ok = Assume(alice, request);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value().credentials.expiration, clock_.Now() + hours(4));

  request.duration_seconds = 4 * 3600 + 1;
  ExpectError(Assume(alice, request), "ValidationError",
              "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
}

TEST_F(AssumeRoleTest, RoleChainingIsCappedAtOneHour) {
  const auto alice = Alice();
  auto first = Assume(alice, Request("open", "first"));
  ASSERT_TRUE(first.ok());
  const auto session = SessionCaller(first.value().credentials);

  auto request = Request("next", "second");
  request.duration_seconds = 3601;
  auto refused = Assume(session, request);
  ExpectError(refused, "ValidationError",
              "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed "
              "by role chaining.");
  EXPECT_EQ(refused.error().http_status, 400);

  request.duration_seconds = 3600;
  auto chained = Assume(session, request);
  ASSERT_TRUE(chained.ok()) << chained.error().audit_detail;
  EXPECT_EQ(ClaimsOf(chained.value()).chained_from,
            "arn:aws:sts::111111111111:assumed-role/open/first");
}

TEST_F(AssumeRoleTest, RoleMaximumIsCheckedBeforeTheChainingCap) {
  config_->roles.push_back(MakeRole(
      "next-short",
      Trust(R"({"AWS":"arn:aws:iam::111111111111:role/open"})", R"("sts:AssumeRole")"), 3600));
  Rebuild();
  const auto alice = Alice();
  auto first = Assume(alice, Request("open"));
  ASSERT_TRUE(first.ok());
  const auto session = SessionCaller(first.value().credentials);
  auto request = Request("next-short");
  request.duration_seconds = 7200;
  ExpectError(Assume(session, request), "ValidationError",
              "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
}

TEST_F(AssumeRoleTest, InstanceProfileCredentialsAreNotRoleChaining) {
  const auto ec2 = InstanceProfileCaller("ec2-role");
  auto request = Request("from-ec2");
  request.duration_seconds = 7200;
  auto outcome = Assume(ec2, request);
  ASSERT_TRUE(outcome.ok()) << outcome.error().message << " / " << outcome.error().audit_detail;
  EXPECT_EQ(outcome.value().credentials.expiration, clock_.Now() + hours(2));

  // ...but the session that comes out of it is, when it assumes again.
  const auto session = SessionCaller(outcome.value().credentials);
  EXPECT_EQ(session.session->kind, sts::SessionKind::kAssumedRole);
}

TEST_F(AssumeRoleTest, MfaCodeSatisfiesTheTrustPolicy) {
  const auto alice = Alice();
  ExpectDenied(Assume(alice, Request("mfa-admin")), kAliceArn, "sts:AssumeRole",
               RoleArn("mfa-admin"));

  auto request = Request("mfa-admin");
  request.serial_number = kMfaSerial;
  request.token_code = MfaCode();
  auto outcome = Assume(alice, request);
  ASSERT_TRUE(outcome.ok()) << outcome.error().audit_detail;
  const sts::SessionClaims claims = ClaimsOf(outcome.value());
  EXPECT_TRUE(claims.mfa_authenticated);
  EXPECT_EQ(claims.mfa_auth_time, std::chrono::floor<seconds>(clock_.Now()));
}

TEST_F(AssumeRoleTest, WrongMfaCodeIsRefused) {
  const auto alice = Alice();
  auto request = Request("mfa-admin");
  request.serial_number = kMfaSerial;
  request.token_code = MfaCode(seconds(300));
  auto outcome = Assume(alice, request);
  ExpectError(outcome, "AccessDenied",
              "MultiFactorAuthentication failed with invalid MFA one time pass code.");
  EXPECT_EQ(outcome.error().http_status, 403);
}

TEST_F(AssumeRoleTest, ReusedMfaCodeIsRefusedLikeAWrongOne) {
  const auto alice = Alice();
  auto request = Request("mfa-admin");
  request.serial_number = kMfaSerial;
  request.token_code = MfaCode();
  ASSERT_TRUE(Assume(alice, request).ok());
  auto replay = Assume(alice, request);
  ExpectError(replay, "AccessDenied",
              "MultiFactorAuthentication failed with invalid MFA one time pass code.");
  EXPECT_THAT(replay.error().audit_detail, HasSubstr("already used"));

  clock_.Advance(seconds(30));
  request.token_code = MfaCode();
  EXPECT_TRUE(Assume(alice, request).ok());
}

TEST_F(AssumeRoleTest, UnknownOrForeignMfaDeviceIsUnusable) {
  const auto alice = Alice();
  auto request = Request("mfa-admin");
  request.serial_number = "arn:aws:iam::222222222222:mfa/nobody";
  request.token_code = MfaCode();
  ExpectError(Assume(alice, request), "AccessDenied",
              "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your "
              "MFA serial number is valid and associated with this user.");

  const auto bob = Bob();  // alice's device is not bob's
  auto bobs = Request("bob-only");
  bobs.serial_number = kMfaSerial;
  bobs.token_code = MfaCode();
  ExpectError(Assume(bob, bobs), "AccessDenied",
              "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your "
              "MFA serial number is valid and associated with this user.");
}

TEST_F(AssumeRoleTest, MfaAgeComesFromTheSessionThatAuthenticated) {
  const auto alice = Alice();
  stsapi::GetSessionTokenRequest token_request;
  token_request.serial_number = kMfaSerial;
  token_request.token_code = MfaCode();
  auto token = actions_->GetSessionToken(Context(&alice), token_request);
  ASSERT_TRUE(token.ok()) << token.error().audit_detail;
  const auto session = SessionCaller(token.value().credentials);

  clock_.Advance(std::chrono::minutes(30));
  EXPECT_TRUE(Assume(session, Request("mfa-admin")).ok());
  clock_.Advance(std::chrono::minutes(31));  // aws:MultiFactorAuthAge now above 3600
  auto old = Assume(session, Request("mfa-admin"));
  ExpectDenied(old, kAliceArn, "sts:AssumeRole", RoleArn("mfa-admin"));
  EXPECT_THAT(old.error().audit_detail, HasSubstr("MultiFactorAuthAge"));
}

TEST_F(AssumeRoleTest, SessionPolicyIsCarriedAndNarrowsTheChainedCall) {
  const auto alice = Alice();
  auto request = Request("open");
  request.policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
      "Action":"s3:GetObject","Resource":"*"}]})";
  auto outcome = Assume(alice, request);
  ASSERT_TRUE(outcome.ok()) << outcome.error().audit_detail;
  ASSERT_TRUE(outcome.value().packed_policy_size.has_value());
  EXPECT_GT(*outcome.value().packed_policy_size, 0);
  EXPECT_LT(*outcome.value().packed_policy_size, 10);
  const sts::SessionClaims claims = ClaimsOf(outcome.value());
  ASSERT_TRUE(claims.session_policy.has_value());
  EXPECT_EQ(claims.session_policy->find('\n'), std::string::npos);  // compact

  // The role's own policy allows sts:AssumeRole on *, the session policy does not: the trust
  // policy of next names the role, so the session policy still limits it.
  const auto session = SessionCaller(outcome.value().credentials);
  auto chained = Assume(session, Request("next"));
  ExpectDenied(chained, "arn:aws:sts::111111111111:assumed-role/open/s1", "sts:AssumeRole",
               RoleArn("next"));
  EXPECT_THAT(chained.error().audit_detail, HasSubstr("session"));
}

TEST_F(AssumeRoleTest, MalformedSessionPolicyIsRefused) {
  const auto alice = Alice();
  auto request = Request("open");
  request.policy = R"({"Statement":[{"Effect":"Allow","Action":"s3:*"}]})";
  auto outcome = Assume(alice, request);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, "MalformedPolicyDocument");
  EXPECT_EQ(outcome.error().http_status, 400);
}

TEST_F(AssumeRoleTest, PolicyArnsAreRefusedClearly) {
  const auto alice = Alice();
  auto request = Request("open");
  request.policy_arns = {"arn:aws:iam::aws:policy/ReadOnlyAccess"};
  auto outcome = Assume(alice, request);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, "ValidationError");
  EXPECT_THAT(outcome.error().message, HasSubstr("managed policies"));
}

TEST_F(AssumeRoleTest, TagsNeedTagSessionInTheTrustPolicy) {
  const auto alice = Alice();
  auto request = Request("untaggable");
  request.tags = {{"project", "red"}};
  auto outcome = Assume(alice, request);
  ExpectDenied(outcome, kAliceArn, "sts:TagSession", RoleArn("untaggable"));
}

TEST_F(AssumeRoleTest, TransitiveTagsFollowTheChain) {
  const auto alice = Alice();
  auto request = Request("open");
  request.tags = {{"project", "red"}, {"cost", "lab"}};
  request.transitive_tag_keys = {"project"};
  auto first = Assume(alice, request);
  ASSERT_TRUE(first.ok()) << first.error().audit_detail;
  EXPECT_TRUE(first.value().packed_policy_size.has_value());
  const auto session = SessionCaller(first.value().credentials);

  auto chained = Assume(session, Request("next"));
  ASSERT_TRUE(chained.ok()) << chained.error().audit_detail;
  const sts::SessionClaims claims = ClaimsOf(chained.value());
  EXPECT_EQ(claims.tags, (std::vector<sts::SessionTag>{{"project", "red"}}));
  EXPECT_EQ(claims.transitive_tag_keys, std::vector<std::string>{"project"});

  // An inherited transitive tag cannot be passed again, in any case.
  auto again = Request("next");
  again.tags = {{"PROJECT", "green"}};
  auto refused = Assume(session, again);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "ValidationError");
}

TEST_F(AssumeRoleTest, TransitiveKeyMustNameAPassedTag) {
  const auto alice = Alice();
  auto request = Request("open");
  request.tags = {{"project", "red"}};
  request.transitive_tag_keys = {"owner"};
  auto outcome = Assume(alice, request);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, "ValidationError");
}

TEST_F(AssumeRoleTest, DuplicateTagKeysDifferingInCaseAreRefused) {
  const auto alice = Alice();
  auto request = Request("open");
  request.tags = {{"Project", "red"}, {"project", "blue"}};
  auto outcome = Assume(alice, request);
  ASSERT_FALSE(outcome.ok());
  EXPECT_THAT(outcome.error().message, HasSubstr("case insensitive"));
}

TEST_F(AssumeRoleTest, TooManyTagBytesArePackedPolicyTooLarge) {
  const auto alice = Alice();
  auto request = Request("open");
  for (int i = 0; i < 50; ++i) {
    request.tags.push_back(
        {"key-" + std::to_string(i) + std::string(120, 'k'), std::string(256, 'v')});
  }
  auto outcome = Assume(alice, request);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, "PackedPolicyTooLarge");
  EXPECT_THAT(outcome.error().message, HasSubstr("%"));
}

TEST_F(AssumeRoleTest, RequestTagsAreConditionKeys) {
  config_->roles.push_back(MakeRole(
      "tag-gated",
      Trust(R"({"AWS":"arn:aws:iam::222222222222:root"})", R"(["sts:AssumeRole","sts:TagSession"])",
            R"({"StringEquals":{"aws:RequestTag/project":"red"}})")));
  Rebuild();
  const auto alice = Alice();
  auto request = Request("tag-gated");
  request.tags = {{"project", "red"}};
  EXPECT_TRUE(Assume(alice, request).ok());
  request.tags = {{"project", "blue"}};
  EXPECT_FALSE(Assume(alice, request).ok());
}

TEST_F(AssumeRoleTest, PrincipalTagsOfTheUserAreConditionKeys) {
  config_->roles.push_back(MakeRole(
      "team-only", Trust(R"({"AWS":"arn:aws:iam::222222222222:root"})", R"("sts:AssumeRole")",
                         R"({"StringEquals":{"aws:PrincipalTag/team":"exams"}})")));
  Rebuild();
  const auto alice = Alice();
  EXPECT_TRUE(Assume(alice, Request("team-only")).ok());
  config_->users[0].tags = {{"team", "ops"}};
  Rebuild();
  const auto changed = Alice();
  EXPECT_FALSE(Assume(changed, Request("team-only")).ok());
}

TEST_F(AssumeRoleTest, SourceIdentityIsSetOnceAndPersists) {
  const auto alice = Alice();
  auto request = Request("open");
  request.source_identity = "alice-laptop";
  auto first = Assume(alice, request);
  ASSERT_TRUE(first.ok()) << first.error().audit_detail;
  EXPECT_EQ(first.value().source_identity, "alice-laptop");
  const auto session = SessionCaller(first.value().credentials);

  auto chained = Assume(session, Request("next"));
  ASSERT_TRUE(chained.ok()) << chained.error().audit_detail;
  EXPECT_EQ(chained.value().source_identity, "alice-laptop");
  EXPECT_EQ(ClaimsOf(chained.value()).source_identity, "alice-laptop");

  auto change = Request("next");
  change.source_identity = "someone-else";
  auto refused = Assume(session, change);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "ValidationError");
  EXPECT_EQ(refused.error().message,
            "The source identity is already set for this assume role session");
}

TEST_F(AssumeRoleTest, SourceIdentityNeedsSetSourceIdentity) {
  const auto alice = Alice();
  auto request = Request("untaggable");
  request.source_identity = "alice-laptop";
  ExpectDenied(Assume(alice, request), kAliceArn, "sts:SetSourceIdentity", RoleArn("untaggable"));
}

TEST_F(AssumeRoleTest, FederatedUsersCannotAssumeRoles) {
  const auto alice = Alice();
  stsapi::GetFederationTokenRequest federation;
  federation.name = "carlos";
  auto federated = actions_->GetFederationToken(Context(&alice), federation);
  ASSERT_TRUE(federated.ok());
  const auto caller = SessionCaller(federated.value().credentials);
  ExpectDenied(Assume(caller, Request("open")), "arn:aws:sts::222222222222:federated-user/carlos",
               "sts:AssumeRole", RoleArn("open"));
}

TEST_F(AssumeRoleTest, GetCallerIdentityEchoesTheCaller) {
  const auto alice = Alice();
  auto outcome = actions_->GetCallerIdentity(Context(&alice), {});
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome.value().arn, kAliceArn);
  EXPECT_EQ(outcome.value().account, kTrusted);
  EXPECT_EQ(outcome.value().user_id, alice.principal_id);
}

TEST(PackedPolicyPercentTest, Formula) {
  EXPECT_EQ(PackedPolicyPercent("", {}, {}), 0);
  EXPECT_EQ(PackedPolicyPercent(std::string(2048, 'x'), {}, {}), 50);
  EXPECT_EQ(PackedPolicyPercent("", {{"ab", "cd"}}, {"ab"}), 1);  // 8 + 4 units, rounded up
  EXPECT_EQ(PackedPolicyPercent(std::string(4096, 'x'), {}, {}), 100);
  EXPECT_EQ(PackedPolicyPercent(std::string(4098, 'x'), {}, {}), 101);
}

}  // namespace
}  // namespace imdsd::stsservice

namespace imdsd::stsservice {
namespace {

class AssumeRoleStateTest : public StsServiceTest {};

TEST_F(AssumeRoleStateTest, OneCodeServesOneOfManyConcurrentCalls) {
  const auto alice = Alice();
  auto request = Request("mfa-admin");
  request.serial_number = kMfaSerial;
  request.token_code = MfaCode();
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (actions_->AssumeRole(Context(&alice), request).ok()) ++accepted;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 1);
}

TEST_F(AssumeRoleStateTest, ReloadChangesRolesButKeepsUsedCodes) {
  const auto alice = Alice();
  auto request = Request("mfa-admin");
  request.serial_number = kMfaSerial;
  request.token_code = MfaCode();
  ASSERT_TRUE(actions_->AssumeRole(Context(&alice), request).ok());

  auto next = std::make_shared<config::Config>(*config_);
  next->roles.push_back(MakeRole(
      "added", Trust(R"({"AWS":"arn:aws:iam::222222222222:root"})", R"("sts:AssumeRole")")));
  auto dir = Directory::Build(next);
  ASSERT_TRUE(dir.ok());
  actions_->SetDirectory(*dir);
  directory_ = *dir;

  EXPECT_TRUE(actions_->AssumeRole(Context(&alice), Request("added")).ok());
  auto replay = actions_->AssumeRole(Context(&alice), request);
  ASSERT_FALSE(replay.ok());
  EXPECT_THAT(replay.error().audit_detail, HasSubstr("already used"));
}

}  // namespace
}  // namespace imdsd::stsservice

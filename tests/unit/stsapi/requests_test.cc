#include "stsapi/requests.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace imdsd::stsapi {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;

constexpr char kRoleArn[] = "arn:aws:iam::123456789012:role/demo";

QueryParams AssumeRoleParams(std::vector<Param> extra = {}) {
  std::vector<Param> params = {{"Action", "AssumeRole"},
                               {"Version", "2011-06-15"},
                               {"RoleArn", kRoleArn},
                               {"RoleSessionName", "john"}};
  for (auto& p : extra) params.push_back(std::move(p));
  return QueryParams(std::move(params));
}

std::string ErrorMessage(const QueryParams& params) {
  auto outcome = BindAssumeRole(params);
  EXPECT_FALSE(outcome.ok());
  if (outcome.ok()) return "";
  EXPECT_EQ(outcome.error().code, "ValidationError");
  EXPECT_EQ(outcome.error().http_status, 400);
  return outcome.error().message;
}

TEST(ActionTest, NamesRoundTripAndAreCaseSensitive) {
  EXPECT_EQ(ActionFromName("AssumeRole"), Action::kAssumeRole);
  EXPECT_EQ(ActionFromName("assumerole"), std::nullopt);
  EXPECT_EQ(ActionFromName("AssumeRoleWithSAML"), std::nullopt);
  EXPECT_EQ(ActionName(Action::kGetCallerIdentity), "GetCallerIdentity");
  EXPECT_TRUE(IsUnsigned(Action::kAssumeRoleWithWebIdentity));
  EXPECT_FALSE(IsUnsigned(Action::kAssumeRole));
}

TEST(BindAssumeRoleTest, BindsEveryParameter) {
  auto outcome = BindAssumeRole(AssumeRoleParams({
      {"DurationSeconds", "1800"},
      {"Policy", R"({"Version":"2012-10-17"})"},
      {"PolicyArns.member.1.arn", "arn:aws:iam::aws:policy/ReadOnlyAccess"},
      {"Tags.member.1.Key", "team"},
      {"Tags.member.1.Value", "blue"},
      {"Tags.member.2.Key", "empty"},
      {"Tags.member.2.Value", ""},
      {"TransitiveTagKeys.member.1", "team"},
      {"ExternalId", "partner-42"},
      {"SerialNumber", "arn:aws:iam::123456789012:mfa/john"},
      {"TokenCode", "123456"},
      {"SourceIdentity", "john@example.com"},
      {"Unknown", "ignored"},
  }));
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  const AssumeRoleRequest& r = outcome.value();
  EXPECT_EQ(r.role_arn, kRoleArn);
  EXPECT_EQ(r.role_session_name, "john");
  EXPECT_EQ(r.duration_seconds, 1800);
  EXPECT_EQ(r.policy, R"({"Version":"2012-10-17"})");
  EXPECT_THAT(r.policy_arns, ElementsAre("arn:aws:iam::aws:policy/ReadOnlyAccess"));
  EXPECT_THAT(r.tags, ElementsAre(Tag{"team", "blue"}, Tag{"empty", ""}));
  EXPECT_THAT(r.transitive_tag_keys, ElementsAre("team"));
  EXPECT_EQ(r.external_id, "partner-42");
  EXPECT_EQ(r.serial_number, "arn:aws:iam::123456789012:mfa/john");
  EXPECT_EQ(r.token_code, "123456");
  EXPECT_EQ(r.source_identity, "john@example.com");
}

TEST(BindAssumeRoleTest, MinimalRequestLeavesOptionalsEmpty) {
  auto outcome = BindAssumeRole(AssumeRoleParams());
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome.value().duration_seconds, std::nullopt);
  EXPECT_EQ(outcome.value().policy, std::nullopt);
  EXPECT_TRUE(outcome.value().tags.empty());
}

TEST(BindAssumeRoleTest, ObservedAwsTexts) {
  EXPECT_EQ(ErrorMessage(QueryParams({{"RoleSessionName", "john"}})),
            "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: "
            "Member must not be null");
  EXPECT_EQ(ErrorMessage(QueryParams({{"RoleArn", "not-an-arn"}, {"RoleSessionName", "john"}})),
            "1 validation error detected: Value 'not-an-arn' at 'roleArn' failed to satisfy "
            "constraint: Member must have length greater than or equal to 20");
  EXPECT_EQ(ErrorMessage(QueryParams({{"RoleArn", kRoleArn}, {"RoleSessionName", "a"}})),
            "1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy "
            "constraint: Member must have length greater than or equal to 2");
  EXPECT_EQ(
      ErrorMessage(QueryParams({{"RoleArn", kRoleArn}, {"RoleSessionName", std::string(65, 'a')}})),
      "1 validation error detected: Value '" + std::string(65, 'a') +
          "' at 'roleSessionName' failed to satisfy constraint: Member must have length "
          "less than or equal to 64");
  EXPECT_EQ(ErrorMessage(AssumeRoleParams({{"DurationSeconds", "43201"}})),
            "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy "
            "constraint: Member must have value less than or equal to 43200");
  EXPECT_EQ(ErrorMessage(AssumeRoleParams({{"DurationSeconds", "-1"}})),
            "1 validation error detected: Value '-1' at 'durationSeconds' failed to satisfy "
            "constraint: Member must have value greater than or equal to 900");
}

TEST(BindAssumeRoleTest, FirstDuplicateIsTheOneValidated) {
  EXPECT_TRUE(
      BindAssumeRole(AssumeRoleParams({{"DurationSeconds", "900"}, {"DurationSeconds", "899"}}))
          .ok());
  EXPECT_FALSE(
      BindAssumeRole(AssumeRoleParams({{"DurationSeconds", "899"}, {"DurationSeconds", "900"}}))
          .ok());
}

TEST(BindAssumeRoleTest, MalformedDurationComesBeforeValidation) {
  auto outcome = BindAssumeRole(QueryParams({{"DurationSeconds", "abc"}}));
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, "MalformedInput");
}

TEST(BindAssumeRoleTest, AllViolationsAreReportedInModelOrder) {
  const std::string message = ErrorMessage(
      QueryParams({{"RoleSessionName", "bad/name"}, {"ExternalId", "x"}, {"TokenCode", "12345a"}}));
  EXPECT_THAT(message, ::testing::StartsWith("4 validation errors detected: Value null at "
                                             "'roleArn'"));
  EXPECT_THAT(message, HasSubstr("Value 'bad/name' at 'roleSessionName'"));
  EXPECT_THAT(message, HasSubstr("Value 'x' at 'externalId' failed to satisfy constraint: Member "
                                 "must have length greater than or equal to 2"));
  EXPECT_THAT(message, HasSubstr(R"(Value '12345a' at 'tokenCode' failed to satisfy constraint: )"
                                 R"(Member must satisfy regular expression pattern: [\d]*)"));
}

TEST(BindAssumeRoleTest, TagsAndListsAreValidatedPerMember) {
  const std::string message = ErrorMessage(AssumeRoleParams({
      {"Tags.member.1.Key", "ok"},
      {"Tags.member.1.Value", "v"},
      {"Tags.member.2.Key", "bad#key"},
      {"Tags.member.2.Value", "v"},
      {"Tags.member.3.Value", "no key"},
      {"TransitiveTagKeys.member.1", std::string(129, 'k')},
      {"PolicyArns.member.1.arn", "short"},
  }));
  EXPECT_THAT(message, HasSubstr("Value 'short' at 'policyArns.1.member.arn'"));
  EXPECT_THAT(message, HasSubstr(R"(Value 'bad#key' at 'tags.2.member.key' failed to satisfy )"
                                 R"(constraint: Member must satisfy regular expression pattern: )"
                                 R"([\p{L}\p{Z}\p{N}_.:/=+\-@]+)"));
  EXPECT_THAT(message, HasSubstr("Value null at 'tags.3.member.key' failed to satisfy "
                                 "constraint: Member must not be null"));
  EXPECT_THAT(message, HasSubstr("at 'transitiveTagKeys.1.member' failed to satisfy constraint: "
                                 "Member must have length less than or equal to 128"));
}

TEST(BindAssumeRoleTest, ListLimits) {
  std::vector<Param> tags;
  for (int i = 1; i <= 51; ++i) {
    tags.emplace_back("Tags.member." + std::to_string(i) + ".Key", "k" + std::to_string(i));
    tags.emplace_back("Tags.member." + std::to_string(i) + ".Value", "v");
  }
  EXPECT_THAT(ErrorMessage(AssumeRoleParams(tags)),
              ::testing::AllOf(HasSubstr("at 'tags' failed to satisfy constraint: Member must have "
                                         "length less than or equal to 50"),
                               HasSubstr("Value '[{Key: k1,Value: v}, ")));
  std::vector<Param> arns;
  for (int i = 1; i <= 11; ++i) {
    arns.emplace_back("PolicyArns.member." + std::to_string(i) + ".arn",
                      "arn:aws:iam::aws:policy/P" + std::to_string(i));
  }
  EXPECT_THAT(ErrorMessage(AssumeRoleParams(arns)),
              HasSubstr("at 'policyArns' failed to satisfy constraint: Member must have length "
                        "less than or equal to 10"));
}

TEST(BindAssumeRoleTest, SourceIdentityFollowsLiveLimits) {
  EXPECT_TRUE(BindAssumeRole(AssumeRoleParams({{"SourceIdentity", std::string(256, 's')}})).ok());
  EXPECT_THAT(ErrorMessage(AssumeRoleParams({{"SourceIdentity", std::string(257, 's')}})),
              HasSubstr("Member must have length less than or equal to 256"));
  EXPECT_THAT(ErrorMessage(AssumeRoleParams({{"SourceIdentity", "aws:reserved"}})),
              HasSubstr("at 'sourceIdentity' failed to satisfy constraint: Member must satisfy "
                        "regular expression pattern"));
}

TEST(BindAssumeRoleTest, PolicyPlaintextLimit) {
  EXPECT_TRUE(BindAssumeRole(AssumeRoleParams({{"Policy", std::string(2048, ' ')}})).ok());
  EXPECT_THAT(ErrorMessage(AssumeRoleParams({{"Policy", std::string(2049, ' ')}})),
              HasSubstr("at 'policy' failed to satisfy constraint: Member must have length less "
                        "than or equal to 2048"));
}

TEST(BindWebIdentityTest, TokenIsRequiredAndNeverEchoed) {
  auto missing = BindAssumeRoleWithWebIdentity(
      QueryParams({{"RoleArn", kRoleArn}, {"RoleSessionName", "app"}}));
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message, HasSubstr("Value null at 'webIdentityToken'"));
  auto short_token = BindAssumeRoleWithWebIdentity(QueryParams(
      {{"RoleArn", kRoleArn}, {"RoleSessionName", "app"}, {"WebIdentityToken", "abc"}}));
  ASSERT_FALSE(short_token.ok());
  EXPECT_THAT(short_token.error().message, HasSubstr("Value '***' at 'webIdentityToken'"));
  EXPECT_THAT(short_token.error().message, ::testing::Not(HasSubstr("abc")));
  auto ok = BindAssumeRoleWithWebIdentity(QueryParams({{"RoleArn", kRoleArn},
                                                       {"RoleSessionName", "app"},
                                                       {"WebIdentityToken", "eyJhbGciOi.x.y"},
                                                       {"DurationSeconds", "7200"}}));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value().web_identity_token, "eyJhbGciOi.x.y");
  EXPECT_EQ(ok.value().duration_seconds, 7200);
}

TEST(BindTokenRequestsTest, DurationLimitsDifferFromAssumeRole) {
  EXPECT_TRUE(BindGetSessionToken(QueryParams({{"DurationSeconds", "129600"}})).ok());
  auto too_long = BindGetSessionToken(QueryParams({{"DurationSeconds", "129601"}}));
  ASSERT_FALSE(too_long.ok());
  EXPECT_THAT(too_long.error().message, HasSubstr("less than or equal to 129600"));
  auto short_gst = BindGetSessionToken(QueryParams({{"DurationSeconds", "600"}}));
  ASSERT_FALSE(short_gst.ok());
  EXPECT_EQ(short_gst.error().message,
            "1 validation error detected: Value '600' at 'durationSeconds' failed to satisfy "
            "constraint: Member must have value greater than or equal to 900");
  auto federation = BindGetFederationToken(QueryParams({{"Name", "x"}}));
  ASSERT_FALSE(federation.ok());
  EXPECT_THAT(federation.error().message,
              HasSubstr("Value 'x' at 'name' failed to satisfy constraint: Member must have "
                        "length greater than or equal to 2"));
  auto federation_ok = BindGetFederationToken(
      QueryParams({{"Name", "bob"}, {"Tags.member.1.Key", "k"}, {"Tags.member.1.Value", "v"}}));
  ASSERT_TRUE(federation_ok.ok());
  EXPECT_THAT(federation_ok.value().tags, ElementsAre(Tag{"k", "v"}));
}

TEST(BindOtherTest, AccessKeyInfoAndDecode) {
  EXPECT_TRUE(BindGetAccessKeyInfo(QueryParams({{"AccessKeyId", "ASIARZPUZDIKFLPK3PXP"}})).ok());
  auto bad = BindGetAccessKeyInfo(QueryParams({{"AccessKeyId", "ASIA-123456789012345"}}));
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message, HasSubstr(R"([\w]*)"));
  EXPECT_FALSE(BindDecodeAuthorizationMessage(QueryParams()).ok());
  auto any = BindRequest(Action::kGetCallerIdentity, QueryParams());
  ASSERT_TRUE(any.ok());
  EXPECT_TRUE(std::holds_alternative<GetCallerIdentityRequest>(any.value()));
}

}  // namespace
}  // namespace imdsd::stsapi

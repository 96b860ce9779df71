#include "iam/instance_credentials.h"

#include <chrono>
#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include "common/time_format.h"
#include "fakes/fake_random.h"
#include "fakes/fake_signer.h"
#include "iam/documents.h"
#include "imds/imds_service.h"
#include "unit/iam/iam_fixture.h"
#include "unit/imds/imds_fixture.h"

namespace imdsd::iam {
namespace {

using ::imdsd::testing::StatusIs;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// The full instances of the imds tests (ImdsFixture's builders are protected).
struct ImdsInstances : imds::ImdsFixture {
  using imds::ImdsFixture::DbInstance;
  using imds::ImdsFixture::WebInstance;
};

class InstanceCredentialsTest : public IamTest {
 protected:
  void ApplyConfig() { ASSERT_OK(credentials_.Apply(config_)); }

  static std::string ProfileId(std::string_view name) {
    return sts::MakeUniqueId(sts::kInstanceProfileIdPrefix, Account(), name);
  }

  nlohmann::json CredentialJson(std::string_view instance_id, std::string_view role) const {
    return nlohmann::json::parse(Body(instance_id, "security-credentials/" + std::string(role)));
  }

  static WallTime Time(const nlohmann::json& json, const char* field) {
    return ParseIso8601(json.at(field).get<std::string>()).value();
  }
};

TEST_F(InstanceCredentialsTest, PlanDescribesEachInstanceWithAProfile) {
  config_.allow_short_credential_lifetimes = true;
  config_.instance_profiles[1].credentials = {seconds(6), seconds(3)};
  config_.instances[1].partition = "aws-cn";
  auto plan = PlanInstanceCredentials(config_);
  ASSERT_OK(plan);
  ASSERT_EQ(plan->tenants.size(), 2u);
  const CredentialPlan::Tenant& web = plan->tenants[0];
  EXPECT_EQ(web.instance_id, kWebId);
  EXPECT_EQ(web.instance_profile_arn, "arn:aws:iam::123456789012:instance-profile/app-profile");
  EXPECT_EQ(web.instance_profile_id, ProfileId("app-profile"));
  EXPECT_EQ(web.session.role_name, "app-role");
  EXPECT_EQ(web.session.role_path, "/");
  EXPECT_EQ(web.session.role_id, config_.roles[0].role_id);
  EXPECT_EQ(web.session.session_name, kWebId);
  EXPECT_EQ(web.session.kind, sts::SessionKind::kInstanceProfile);
  EXPECT_EQ(web.policy, (sts::RotationPolicy{hours(6), hours(5), true}));
  const CredentialPlan::Tenant& db = plan->tenants[1];
  EXPECT_EQ(sts::RoleArnOf(db.session), "arn:aws-cn:iam::123456789012:role/ops/ops-role");
  EXPECT_EQ(db.instance_profile_arn, "arn:aws-cn:iam::123456789012:instance-profile/ops-profile");
  EXPECT_EQ(db.policy, (sts::RotationPolicy{seconds(6), seconds(3), true}));
  EXPECT_TRUE(plan->serve_extended);
  EXPECT_TRUE(plan->allow_short_lifetimes);
}

TEST_F(InstanceCredentialsTest, PlanRefusesWhatCannotBeServed) {
  const auto refusal = [](const config::Config& config) {
    auto plan = PlanInstanceCredentials(config);
    EXPECT_THAT(plan, StatusIs(ErrorCode::kInvalidArgument));
    return plan.status().message();
  };
  config::Config c = config_;
  c.instances[0].instance_profile = "app-profil";
  EXPECT_EQ(refusal(c),
            "instance 'web' (imdsd.yaml:10): instance profile 'app-profil' is not defined");
  c = config_;
  c.instance_profiles[0].role = "gone";
  EXPECT_THAT(refusal(c), HasSubstr("role 'gone' of instance profile 'app-profile' is not"));
  c = config_;
  c.roles[0].account_id = "1234";
  EXPECT_THAT(refusal(c), HasSubstr("account ID '1234' of role 'app-role'"));
  c = config_;
  c.roles[0].role_id.clear();
  EXPECT_THAT(refusal(c), HasSubstr("role 'app-role': role ID ''"));
  c = config_;
  c.instance_profiles[0].instance_profile_id = "AROA" + ProfileId("x").substr(4);
  EXPECT_THAT(refusal(c), HasSubstr("instance profile 'app-profile': instance profile ID"));
  c = config_;
  c.instance_profiles[0].credentials = {seconds(6), seconds(3)};  // short, not allowed
  EXPECT_THAT(refusal(c), HasSubstr("credentials: credential lifetime of 6 s is outside"));
  c = config_;
  c.instance_profiles[0].credentials = {hours(1), hours(1)};
  EXPECT_THAT(refusal(c), HasSubstr("refresh lead of 3600 s must be positive and below"));
  c = config_;
  c.instances[1].instance_id = kWebId;
  EXPECT_THAT(refusal(c), HasSubstr("instance 'db' (imdsd.yaml:10): instance ID " +
                                    std::string(kWebId) + " is used by another"));
}

TEST_F(InstanceCredentialsTest, IamListingAndInfoAreEc2s) {
  ApplyConfig();
  EXPECT_EQ(Body(kWebId, ""), "info\nsecurity-credentials/");
  EXPECT_EQ(Get(kWebId, "").kind, imds::LookupResult::Kind::kListing);
  EXPECT_EQ(Body(kWebId, "info"),
            "{\n"
            "  \"Code\" : \"Success\",\n"
            "  \"LastUpdated\" : \"2026-01-01T00:00:00Z\",\n"
            "  \"InstanceProfileArn\" : "
            "\"arn:aws:iam::123456789012:instance-profile/app-profile\",\n"
            "  \"InstanceProfileId\" : \"" +
                ProfileId("app-profile") +
                "\"\n"
                "}");
  EXPECT_EQ(Get(kWebId, "info").kind, imds::LookupResult::Kind::kValue);
}

TEST_F(InstanceCredentialsTest, ServesTheStoresCurrentCredential) {
  ApplyConfig();
  EXPECT_EQ(Body(kWebId, "security-credentials"), "app-role");
  EXPECT_EQ(Body(kDbId, "security-credentials/"), "ops-role");
  const auto current = store_.Current(kWebId);
  ASSERT_NE(current, nullptr);
  EXPECT_EQ(Body(kWebId, "security-credentials/app-role"),
            CredentialDocument(*current, CredentialFormat::kLegacy));
  EXPECT_EQ(Get(kWebId, "security-credentials/app-role/").kind, imds::LookupResult::Kind::kValue);

  const nlohmann::json json = CredentialJson(kWebId, "app-role");
  EXPECT_EQ(json.at("Code"), "Success");
  EXPECT_EQ(json.at("Type"), "AWS-HMAC");
  EXPECT_EQ(Time(json, "LastUpdated"), clock_.Now());
  EXPECT_EQ(Time(json, "Expiration"), clock_.Now() + hours(6));
  EXPECT_EQ(json.at("AccessKeyId").get<std::string>().substr(0, 4), "ASIA");
  EXPECT_EQ(json.at("SecretAccessKey").get<std::string>().size(), 40u);
  // The session token says whose it is: the role, assumed under the instance ID.
  auto restored = issuer_.Restore(json.at("Token").get<std::string>());
  ASSERT_OK(restored);
  EXPECT_EQ(restored->claims.role_arn, "arn:aws:iam::123456789012:role/app-role");
  EXPECT_EQ(restored->claims.role_session_name, kWebId);
  EXPECT_EQ(restored->claims.kind, sts::SessionKind::kInstanceProfile);
  EXPECT_NE(CredentialJson(kDbId, "ops-role").at("AccessKeyId"), json.at("AccessKeyId"));
}

TEST_F(InstanceCredentialsTest, EverythingElseIsNotFound) {
  ApplyConfig();
  EXPECT_TRUE(NotFound(kWebId, "security-credentials/ops-role"));  // another instance's role
  EXPECT_TRUE(NotFound(kWebId, "security-credentials/APP-ROLE"));
  EXPECT_TRUE(NotFound(kWebId, "security-credentials/app-role/extra"));
  EXPECT_TRUE(NotFound(kWebId, "info/extra"));
  EXPECT_TRUE(NotFound(kWebId, "nothing"));
  EXPECT_TRUE(NotFound(kWebId, "security-credentials-extendedx"));
  EXPECT_TRUE(NotFound("i-0123456789abcdef0", ""));  // unknown to this component
}

TEST_F(InstanceCredentialsTest, AnInstanceWithoutAProfileHasNoIam) {
  ApplyConfig();
  EXPECT_TRUE(NotFound(kBareId, ""));
  EXPECT_TRUE(NotFound(kBareId, "info"));
  EXPECT_TRUE(NotFound(kBareId, "security-credentials/"));
  EXPECT_THAT(store_.Tenants(), ElementsAre(kWebId, kDbId));
}

// Lookup() answers from a per-thread reference to the snapshot: two objects used on one thread
// must not answer from each other's, and a Commit() must be seen by the next Lookup().
TEST_F(InstanceCredentialsTest, EachObjectAnswersFromItsOwnCurrentSnapshot) {
  ApplyConfig();
  InstanceCredentials other(clock_, store_);
  ASSERT_NE(FindInstance(kWebId), nullptr);
  const config::Instance web = *FindInstance(kWebId);  // a copy: the config changes below
  const imds::DynamicRequest request{web, true};
  const std::vector<std::string_view> info = {"info"};
  EXPECT_EQ(credentials_.Lookup(request, info).kind, imds::LookupResult::Kind::kValue);
  EXPECT_EQ(other.Lookup(request, info).kind, imds::LookupResult::Kind::kNotFound);
  EXPECT_EQ(credentials_.Lookup(request, info).kind, imds::LookupResult::Kind::kValue);

  ASSERT_OK(other.Apply(config_));
  EXPECT_EQ(other.Lookup(request, info).kind, imds::LookupResult::Kind::kValue);
  config_.instances.clear();
  ASSERT_OK(other.Apply(config_));
  EXPECT_EQ(other.Lookup(request, info).kind, imds::LookupResult::Kind::kNotFound);
}

TEST_F(InstanceCredentialsTest, ExtendedPathAddsTheAccountAndCanBeSwitchedOff) {
  ApplyConfig();
  EXPECT_EQ(Body(kWebId, "security-credentials-extended/"), "app-role");
  const std::string extended = Body(kWebId, "security-credentials-extended/app-role");
  EXPECT_EQ(extended, CredentialDocument(*store_.Current(kWebId), CredentialFormat::kExtended));
  EXPECT_THAT(extended, HasSubstr(",\n  \"AccountId\" : \"123456789012\"\n}"));
  EXPECT_TRUE(NotFound(kWebId, "security-credentials-extended/ops-role"));

  const auto before = store_.Current(kWebId);
  config_.serve_extended_credentials = false;
  ApplyConfig();
  EXPECT_TRUE(NotFound(kWebId, "security-credentials-extended"));
  EXPECT_TRUE(NotFound(kWebId, "security-credentials-extended/app-role"));
  EXPECT_EQ(Body(kWebId, "security-credentials/app-role"),
            CredentialDocument(*before, CredentialFormat::kLegacy));
}

TEST_F(InstanceCredentialsTest, ProfileChangeSwitchesThatTenantOnly) {
  ApplyConfig();
  const std::string web_before = Body(kWebId, "security-credentials/app-role");
  const std::string web_info_before = Body(kWebId, "info");
  const auto db_before = store_.Current(kDbId);
  const std::string db_info_before = Body(kDbId, "info");
  const WallTime start = clock_.Now();

  clock_.Advance(minutes(10));
  InstanceNamed("web").instance_profile = "ops-profile";
  ApplyConfig();

  EXPECT_EQ(Body(kWebId, "security-credentials/"), "ops-role");
  EXPECT_TRUE(NotFound(kWebId, "security-credentials/app-role"));
  const nlohmann::json web = CredentialJson(kWebId, "ops-role");
  EXPECT_EQ(Time(web, "LastUpdated"), clock_.Now());
  EXPECT_NE(web.at("AccessKeyId"), nlohmann::json::parse(web_before).at("AccessKeyId"));
  const nlohmann::json info = nlohmann::json::parse(Body(kWebId, "info"));
  EXPECT_EQ(info.at("InstanceProfileArn"),
            "arn:aws:iam::123456789012:instance-profile/ops-profile");
  EXPECT_EQ(Time(info, "LastUpdated"), clock_.Now());
  EXPECT_NE(Body(kWebId, "info"), web_info_before);

  // The other tenant keeps its credential (the same snapshot) and its LastUpdated.
  EXPECT_EQ(store_.Current(kDbId), db_before);
  EXPECT_EQ(Body(kDbId, "info"), db_info_before);
  EXPECT_EQ(Time(nlohmann::json::parse(db_info_before), "LastUpdated"), start);
}

TEST_F(InstanceCredentialsTest, RoleChangeInsideTheProfileSwitchesToo) {
  ApplyConfig();
  const auto before = store_.Current(kWebId);
  clock_.Advance(minutes(1));
  config_.instance_profiles[0].role = "ops-role";
  ApplyConfig();
  EXPECT_NE(store_.Current(kWebId), before);
  EXPECT_EQ(Body(kWebId, "security-credentials/"), "ops-role");
  EXPECT_EQ(Time(nlohmann::json::parse(Body(kWebId, "info")), "LastUpdated"), clock_.Now());
}

TEST_F(InstanceCredentialsTest, AnUnchangedReloadChangesNothing) {
  ApplyConfig();
  const std::string web = Body(kWebId, "security-credentials/app-role");
  const std::string info = Body(kWebId, "info");
  clock_.Advance(minutes(30));
  ApplyConfig();
  InstanceNamed("bare").instance_type = "m5.large";  // unrelated change
  ApplyConfig();
  EXPECT_EQ(Body(kWebId, "security-credentials/app-role"), web);
  EXPECT_EQ(Body(kWebId, "info"), info);
}

TEST_F(InstanceCredentialsTest, NewCredentialOptionsApplyToTheCurrentCredential) {
  ApplyConfig();
  const auto before = store_.Current(kWebId);
  config_.instance_profiles[0].credentials = {hours(6), hours(5) + minutes(30)};
  ApplyConfig();
  EXPECT_EQ(store_.Current(kWebId), before);  // same role: the credential stays
  clock_.Advance(minutes(31));                // now less than the new lead is left
  const nlohmann::json json = CredentialJson(kWebId, "app-role");
  EXPECT_NE(json.at("AccessKeyId"), before->access_key_id);
  EXPECT_EQ(Time(json, "Expiration"), clock_.Now() + hours(6));
}

TEST_F(InstanceCredentialsTest, RemovedProfilesAndInstancesLoseTheirCredentials) {
  ApplyConfig();
  InstanceNamed("web").instance_profile.clear();
  ApplyConfig();
  EXPECT_TRUE(NotFound(kWebId, ""));
  EXPECT_TRUE(NotFound(kWebId, "security-credentials/app-role"));
  EXPECT_THAT(store_.Tenants(), ElementsAre(kDbId));

  config_.instances.erase(config_.instances.begin() + 1);  // db
  ApplyConfig();
  EXPECT_TRUE(NotFound(kDbId, "info"));
  EXPECT_TRUE(store_.Tenants().empty());

  // Coming back is a new association: new credential, new LastUpdated.
  clock_.Advance(minutes(5));
  InstanceNamed("web").instance_profile = "app-profile";
  ApplyConfig();
  EXPECT_EQ(Time(nlohmann::json::parse(Body(kWebId, "info")), "LastUpdated"), clock_.Now());
}

TEST_F(InstanceCredentialsTest, AFailingApplyChangesNothing) {
  ApplyConfig();
  const auto web = store_.Current(kWebId);
  const auto db = store_.Current(kDbId);
  const std::string info = Body(kWebId, "info");

  config::Config bad = config_;
  bad.instances[0].instance_profile = "ops-profile";  // fine on its own...
  bad.instances[2].instance_profile = "missing";      // ...but this one fails
  bad.serve_extended_credentials = false;
  clock_.Advance(minutes(1));
  EXPECT_THAT(credentials_.Apply(bad), StatusIs(ErrorCode::kInvalidArgument));

  EXPECT_EQ(store_.Current(kWebId), web);
  EXPECT_EQ(store_.Current(kDbId), db);
  EXPECT_THAT(store_.Tenants(), ElementsAre(kWebId, kDbId));
  EXPECT_EQ(Body(kWebId, "security-credentials/"), "app-role");
  EXPECT_EQ(Body(kWebId, "info"), info);
  EXPECT_FALSE(NotFound(kWebId, "security-credentials-extended/app-role"));
}

TEST_F(InstanceCredentialsTest, RotationReplacesTheCredentialAHeadOfTheLead) {
  ApplyConfig();
  const nlohmann::json first = CredentialJson(kWebId, "app-role");
  const std::string info = Body(kWebId, "info");

  clock_.Advance(minutes(59));
  EXPECT_EQ(store_.Tick(), 0u);
  EXPECT_EQ(CredentialJson(kWebId, "app-role"), first);  // LastUpdated moves only with it

  clock_.Advance(minutes(1));  // 5 h left: due
  EXPECT_EQ(store_.Tick(), 2u);
  const nlohmann::json second = CredentialJson(kWebId, "app-role");
  EXPECT_NE(second.at("AccessKeyId"), first.at("AccessKeyId"));
  EXPECT_NE(second.at("Token"), first.at("Token"));
  EXPECT_EQ(Time(second, "LastUpdated"), clock_.Now());
  EXPECT_EQ(Time(second, "Expiration"), clock_.Now() + hours(6));
  EXPECT_EQ(Body(kWebId, "info"), info);  // the association did not change

  // The previous credential stays valid until its own expiry.
  auto old = issuer_.Restore(first.at("Token").get<std::string>());
  ASSERT_OK(old);
  EXPECT_FALSE(old->claims.ExpiredAt(clock_.Now()));
  EXPECT_EQ(old->claims.expires_at, Time(first, "Expiration"));
}

TEST_F(InstanceCredentialsTest, AClientNeverGetsLessThanTheLead) {
  ApplyConfig();
  // No Tick() at all: the lookups alone must keep the promise.
  for (int step = 0; step < 24 * 60 / 7; ++step) {
    clock_.Advance(minutes(7));
    const nlohmann::json json = CredentialJson(kWebId, "app-role");
    EXPECT_GE(Time(json, "Expiration") - clock_.Now(), hours(5)) << step;
    EXPECT_LE(Time(json, "LastUpdated"), clock_.Now());
  }
}

TEST_F(InstanceCredentialsTest, WarnsWhenShortLifetimesBecomeAllowed) {
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("iam-test", sink));
  const auto warnings = [&] {
    int count = 0;
    for (const std::string& line : sink->last_formatted()) {
      if (line.find("[warning]") != std::string::npos &&
          line.find("allow_short_lifetimes is on") != std::string::npos) {
        ++count;
      }
    }
    return count;
  };

  ApplyConfig();
  EXPECT_EQ(warnings(), 0);
  config_.allow_short_credential_lifetimes = true;
  config_.instance_profiles[0].credentials = {seconds(6), seconds(3)};
  ApplyConfig();
  EXPECT_EQ(warnings(), 1);
  ApplyConfig();  // still on: no new warning
  EXPECT_EQ(warnings(), 1);
  for (const std::string& line : sink->last_formatted()) {
    EXPECT_THAT(line, Not(HasSubstr(store_.Current(kWebId)->secret_access_key)));
  }
  spdlog::set_default_logger(previous);

  // The 6 h credential would outlive the new 6 s lifetime: replaced at once.
  const nlohmann::json json = CredentialJson(kWebId, "app-role");
  EXPECT_EQ(Time(json, "Expiration") - Time(json, "LastUpdated"), seconds(6));
  EXPECT_EQ(Time(json, "LastUpdated"), clock_.Now());
}

// The component mounted in the real ImdsService, as the daemon does it.
TEST_F(InstanceCredentialsTest, ImdsServiceServesItBelowMetaData) {
  // Full instances as the imds tests build them, with this fixture's IDs and profiles.
  for (config::Instance& instance : config_.instances) {
    config::Instance full =
        instance.name == "web" ? ImdsInstances::WebInstance() : ImdsInstances::DbInstance();
    full.name = instance.name;
    full.instance_id = instance.instance_id;
    full.instance_profile = instance.instance_profile;
    full.metadata_options.http_tokens = config::HttpTokens::kOptional;
    full.match = {*net::Cidr::Parse(instance.name == "web"  ? "10.0.1.0/24"
                                    : instance.name == "db" ? "10.0.2.0/24"
                                                            : "10.0.3.0/24")};
    instance = std::move(full);
  }
  ApplyConfig();
  config_.state_dir = dir_ / "state";
  testing::FakeRandom random;
  testing::FakeSigner signer;
  auto service = imds::ImdsService::Create(std::make_shared<const config::Config>(config_), clock_,
                                           random, signer, {.iam = &credentials_});
  ASSERT_OK(service);
  const auto get = [&](std::string_view source, std::string_view path) {
    imds::ImdsRequest request;
    request.method = "GET";
    request.path = path;
    request.source = *net::IpAddress::Parse(source);
    request.local = *net::IpAddress::Parse("169.254.169.254");
    return (*service)->Handle(request);
  };
  auto reply = get("10.0.1.5", "/latest/meta-data/iam/security-credentials/app-role");
  EXPECT_EQ(reply.outcome, imds::Outcome::kData);
  EXPECT_EQ(reply.body, CredentialDocument(*store_.Current(kWebId), CredentialFormat::kLegacy));
  EXPECT_THAT(get("10.0.1.5", "/latest/meta-data/").body, HasSubstr("\niam/\n"));
  EXPECT_EQ(get("10.0.1.5", "/latest/meta-data/iam").body, "info\nsecurity-credentials/");
  EXPECT_EQ(get("10.0.2.5", "/latest/meta-data/iam/security-credentials/app-role").outcome,
            imds::Outcome::kNotFound);
  EXPECT_THAT(get("10.0.3.5", "/latest/meta-data/").body, Not(HasSubstr("iam/")));
  EXPECT_EQ(get("10.0.3.5", "/latest/meta-data/iam/").outcome, imds::Outcome::kNotFound);
  EXPECT_EQ(get("10.0.3.5", "/latest/meta-data/iam/info").outcome, imds::Outcome::kNotFound);
}

}  // namespace
}  // namespace imdsd::iam

// The IAM half of the configuration: top-level account/region/partition, `credentials`, `roles`
// and `instance_profiles`, and how instances refer to them.

#include <chrono>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/loader.h"
#include "config_fixture.h"
#include "sts/identifiers.h"
#include "sts/rotation.h"

namespace imdsd::config {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Lines 1-10: one role EC2 may assume, one profile for it, one instance using the profile.
constexpr char kBase[] = R"(roles:
  - name: r
    trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: "sts:AssumeRole"}]}
instance_profiles:
  - name: p
    role: r
instances:
  - name: a
    match: 127.0.0.1
    instance_profile: p
)";

constexpr char kEc2TrustJson[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":)"
    R"({"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]})";

TEST_F(ConfigTest, WithoutIamSectionsEverythingHasItsDefault) {
  auto config = LoadOk(kMinimal);
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->account_id, "123456789012");
  EXPECT_EQ(config->partition, "aws");
  EXPECT_EQ(config->region, "us-east-1");
  EXPECT_EQ(config->credentials.lifetime, hours(6));
  EXPECT_EQ(config->credentials.refresh_lead, hours(5));
  EXPECT_FALSE(config->allow_short_credential_lifetimes);
  EXPECT_TRUE(config->serve_extended_credentials);
  EXPECT_TRUE(config->roles.empty());
  EXPECT_TRUE(config->instance_profiles.empty());
  EXPECT_EQ(OnlyInstance(config).instance_profile, "");
}

TEST_F(ConfigTest, ReadsRolesProfilesAndCredentials) {
  auto config = LoadOk(R"(account_id: "111122223333"
credentials:
  lifetime: 2h
  refresh_lead: 90m
  allow_short_lifetimes: false
  extended_path: disabled
roles:
  - name: app-role
    path: /app/
    max_session_duration: 2h
    trust_policy:
      Version: "2012-10-17"
      Statement:
        - Sid: Ec2
          Effect: Allow
          Principal: {Service: ec2.amazonaws.com}
          Action: sts:AssumeRole
    policies:
      - name: s3-read
        document:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Action: [s3:GetObject, s3:ListBucket]
              Resource: "*"
              Condition:
                Bool:
                  aws:SecureTransport: true
                NumericLessThan:
                  s3:max-keys: 10
  - name: other-role
    account_id: "444455556666"
    trust_policy: '{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}}'
instance_profiles:
  - name: app-profile
    path: /app/
    role: app-role
    credentials: {lifetime: 1h, refresh_lead: 45m}
  - name: plain
    role: app-role
instances:
  - name: a
    match: 127.0.0.1
    instance_profile: app-profile
)");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->account_id, "111122223333");
  EXPECT_EQ(config->credentials.lifetime, hours(2));
  EXPECT_EQ(config->credentials.refresh_lead, minutes(90));
  EXPECT_FALSE(config->serve_extended_credentials);

  ASSERT_EQ(config->roles.size(), 2u);
  const Role& role = config->roles[0];
  EXPECT_EQ(role.name, "app-role");
  EXPECT_EQ(role.path, "/app/");
  EXPECT_EQ(role.account_id, "111122223333");  // the top-level default
  EXPECT_EQ(role.max_session_duration_seconds, 7200);
  EXPECT_EQ(role.source_line, 8);
  EXPECT_EQ(role.role_id, sts::MakeUniqueId(sts::kRoleIdPrefix,
                                            *sts::AccountId::Parse("111122223333"), "app-role"));
  EXPECT_THAT(role.role_id, StartsWith("AROA"));
  EXPECT_EQ(role.role_id.size(), 21u);
  EXPECT_EQ(role.trust_policy.json,
            R"({"Version":"2012-10-17","Statement":[{"Sid":"Ec2","Effect":"Allow",)"
            R"("Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]})");
  EXPECT_EQ(role.trust_policy.source_line, 11);
  ASSERT_EQ(role.permission_policies.size(), 1u);
  EXPECT_EQ(role.permission_policies[0].name, "s3-read");
  // Every YAML scalar is a JSON string, numbers and booleans included.
  EXPECT_EQ(role.permission_policies[0].document.json,
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":)"
            R"(["s3:GetObject","s3:ListBucket"],"Resource":"*","Condition":{"Bool":)"
            R"({"aws:SecureTransport":"true"},"NumericLessThan":{"s3:max-keys":"10"}}}]})");
  EXPECT_EQ(role.permission_policies[0].document.source_line, 20);

  const Role& other = config->roles[1];
  EXPECT_EQ(other.path, "/");
  EXPECT_EQ(other.account_id, "444455556666");
  EXPECT_EQ(other.max_session_duration_seconds, 3600);
  // A JSON string is stored compacted.
  EXPECT_EQ(other.trust_policy.json,
            R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}})");

  ASSERT_EQ(config->instance_profiles.size(), 2u);
  const InstanceProfile& profile = config->instance_profiles[0];
  EXPECT_EQ(profile.name, "app-profile");
  EXPECT_EQ(profile.path, "/app/");
  EXPECT_EQ(profile.role, "app-role");
  EXPECT_EQ(profile.account_id, "111122223333");
  EXPECT_EQ(profile.instance_profile_id,
            sts::MakeUniqueId(sts::kInstanceProfileIdPrefix, *sts::AccountId::Parse("111122223333"),
                              "app-profile"));
  EXPECT_THAT(profile.instance_profile_id, StartsWith("AIPA"));
  EXPECT_EQ(profile.credentials.lifetime, hours(1));
  EXPECT_EQ(profile.credentials.refresh_lead, minutes(45));
  EXPECT_EQ(profile.source_line, 35);
  // Without overrides a profile takes the global settings.
  EXPECT_EQ(config->instance_profiles[1].path, "/");
  EXPECT_EQ(config->instance_profiles[1].credentials.lifetime, hours(2));
  EXPECT_EQ(config->instance_profiles[1].credentials.refresh_lead, minutes(90));

  EXPECT_EQ(OnlyInstance(config).instance_profile, "app-profile");
  EXPECT_EQ(OnlyInstance(config).account_id, "111122223333");
}

TEST_F(ConfigTest, PolicyDocumentsFromFiles) {
  WriteFile("trust.json", std::string(kEc2TrustJson) + "\n");
  WriteFile("read.json", R"({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]
  })");
  auto config = LoadOk(R"(roles:
  - name: r
    trust_policy_file: trust.json
    policies:
      - {name: read, document_file: read.json}
instance_profiles:
  - {name: p, role: r}
instances:
  - {name: a, match: 127.0.0.1, instance_profile: p}
)");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->roles[0].trust_policy.json, kEc2TrustJson);
  EXPECT_EQ(config->roles[0].trust_policy.source_line, 3);
  EXPECT_EQ(config->roles[0].permission_policies[0].document.json,
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",)"
            R"("Resource":"*"}]})");
}

TEST_F(ConfigTest, TrustPolicyAsABlockOfJson) {
  auto config = LoadOk(R"(roles:
  - name: r
    trust_policy: |
      {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                       "Action": "sts:AssumeRole"}]
      }
instances:
  - {name: a, match: 127.0.0.1}
)");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->roles[0].trust_policy.json, kEc2TrustJson);
}

TEST_F(ConfigTest, TrustPolicyMayBeSharedWithAnAnchor) {
  auto config = LoadOk(R"(roles:
  - name: r1
    trust_policy: &ec2 {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: "sts:AssumeRole"}]}
  - name: r2
    trust_policy: *ec2
instance_profiles:
  - {name: p1, role: r1}
  - {name: p2, role: r2}
instances:
  - {name: a, match: 127.0.0.1}
)");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->roles[0].trust_policy.json, config->roles[1].trust_policy.json);
}

TEST_F(ConfigTest, TrustIsCheckedOnlyForRolesOfInstanceProfiles) {
  // A role EC2 may not assume is fine as long as no instance profile uses it.
  auto config = LoadOk(R"(roles:
  - name: lambda
    trust_policy: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: "sts:AssumeRole"}]}
instances:
  - {name: a, match: 127.0.0.1}
)");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->roles.size(), 1u);
}

TEST_F(ConfigTest, ChinaTrustPoliciesMayNameTheChinaServicePrincipal) {
  auto config = LoadOk(R"(partition: aws-cn
region: cn-north-1
roles:
  - name: r
    trust_policy: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com.cn}, Action: "sts:AssumeRole"}]}
instance_profiles:
  - {name: p, role: r}
instances:
  - {name: a, match: 127.0.0.1, instance_profile: p}
)");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->partition, "aws-cn");
  EXPECT_EQ(OnlyInstance(config).partition, "aws-cn");
  EXPECT_EQ(OnlyInstance(config).domain, "amazonaws.com.cn");
}

TEST_F(ConfigTest, TopLevelKeysAreTheInstancesDefaults) {
  auto config = LoadOk(R"(account_id: "000000000042"
region: eu-west-1
instances:
  - {name: a, match: 127.0.0.1}
  - {name: b, match: 127.0.0.2, account_id: "999999999999", region: us-west-2}
)");
  ASSERT_NE(config, nullptr);
  const Instance& a = config->instances[0];
  EXPECT_EQ(a.account_id, "000000000042");
  EXPECT_EQ(a.region, "eu-west-1");
  EXPECT_EQ(a.availability_zone, "eu-west-1a");
  EXPECT_EQ(a.partition, "aws");
  const Instance& b = config->instances[1];
  EXPECT_EQ(b.account_id, "999999999999");
  EXPECT_EQ(b.region, "us-west-2");
  EXPECT_EQ(config->partition, "aws");
  EXPECT_EQ(config->region, "eu-west-1");

  // The partition follows the top-level region when not set.
  auto gov = LoadOk("region: us-gov-west-1\n" + std::string(kMinimal));
  ASSERT_NE(gov, nullptr);
  EXPECT_EQ(gov->partition, "aws-us-gov");
  EXPECT_EQ(OnlyInstance(gov).partition, "aws-us-gov");

  // A partition imdsd does not know is taken as given.
  auto iso = LoadOk("partition: aws-iso\nregion: us-iso-east-1\n" + std::string(kMinimal));
  ASSERT_NE(iso, nullptr);
  EXPECT_EQ(OnlyInstance(iso).partition, "aws-iso");
  EXPECT_EQ(OnlyInstance(iso).domain, "amazonaws.com");
}

TEST_F(ConfigTest, AZoneIsCheckedAgainstTheInheritedRegion) {
  auto outcome =
      Load("region: eu-west-1\n" + std::string(kMinimal) + "    availability_zone: us-east-1a\n");
  EXPECT_THAT(LinesAndReasons(outcome),
              ElementsAre(ErrorAt(5, "\"us-east-1a\" is not a zone of region eu-west-1")));
}

TEST_F(ConfigTest, DurationsTakeSecondsOrUnits) {
  auto config = LoadOk(R"(credentials:
  lifetime: 1h30m
  refresh_lead: 3600
roles:
  - name: r
    max_session_duration: 43200
    trust_policy: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: "sts:AssumeRole"}]}
instance_profiles:
  - {name: p, role: r, credentials: {lifetime: 20m, refresh_lead: 90s}}
instances:
  - {name: a, match: 127.0.0.1}
)");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->credentials.lifetime, minutes(90));
  EXPECT_EQ(config->credentials.refresh_lead, hours(1));
  EXPECT_EQ(config->roles[0].max_session_duration_seconds, 43200);
  EXPECT_EQ(config->instance_profiles[0].credentials.lifetime, minutes(20));
  EXPECT_EQ(config->instance_profiles[0].credentials.refresh_lead, seconds(90));
}

TEST_F(ConfigTest, RefreshLeadDefaultsToFiveSixthsOfALifetimeSetAtTheSameLevel) {
  auto config = LoadOk(R"(credentials:
  lifetime: 1h
roles:
  - name: r
    trust_policy: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: "sts:AssumeRole"}]}
instance_profiles:
  - {name: own-lifetime, role: r, credentials: {lifetime: 30m}}
  - {name: own-lead, role: r, credentials: {refresh_lead: 10m}}
instances:
  - {name: a, match: 127.0.0.1}
)");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->credentials.refresh_lead, minutes(50));
  EXPECT_EQ(config->instance_profiles[0].credentials.lifetime, minutes(30));
  EXPECT_EQ(config->instance_profiles[0].credentials.refresh_lead, minutes(25));
  EXPECT_EQ(config->instance_profiles[1].credentials.lifetime, hours(1));
  EXPECT_EQ(config->instance_profiles[1].credentials.refresh_lead, minutes(10));
}

TEST_F(ConfigTest, ShortLifetimesNeedTheTestingSwitch) {
  const std::string body = R"(roles:
  - name: r
    trust_policy: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: "sts:AssumeRole"}]}
instance_profiles:
  - {name: p, role: r, credentials: {lifetime: 60s, refresh_lead: 30s}}
instances:
  - {name: a, match: 127.0.0.1, instance_profile: p}
)";
  auto refused = Load("credentials: {lifetime: 2m}\n" + body);
  EXPECT_THAT(LinesAndReasons(refused),
              ElementsAre(ErrorAt(1,
                                  "credentials.lifetime: 2m is shorter than the minimum of "
                                  "15m; STS issues no shorter credentials (for tests, set "
                                  "credentials.allow_short_lifetimes: true"),
                          ErrorAt(6,
                                  "instance_profiles[0].credentials.lifetime: 1m is shorter "
                                  "than the minimum of 15m")));
  auto config = LoadOk("credentials: {lifetime: 2m, allow_short_lifetimes: true}\n" + body);
  ASSERT_NE(config, nullptr);
  EXPECT_TRUE(config->allow_short_credential_lifetimes);
  EXPECT_EQ(config->credentials.lifetime, minutes(2));
  EXPECT_EQ(config->credentials.refresh_lead, seconds(100));
  EXPECT_EQ(config->instance_profiles[0].credentials.lifetime, seconds(60));
  // A credential lifetime may exceed the role's max_session_duration: EC2's 6 h credentials
  // are not bound by it.
  EXPECT_EQ(config->roles[0].max_session_duration_seconds, 3600);
}

TEST_F(ConfigTest, LifetimeRulesAgreeWithTheCredentialStore) {
  for (long long lifetime : {1, 2, 60, 899, 900, 3600, 129600, 129601}) {
    for (long long lead : {0, 1, 30, 899, 3599, 3600, 129599}) {
      for (bool allow : {false, true}) {
        const std::string yaml = "credentials: {lifetime: " + std::to_string(lifetime) +
                                 ", refresh_lead: " + std::to_string(lead) +
                                 ", allow_short_lifetimes: " + (allow ? "true" : "false") + "}\n" +
                                 kMinimal;
        const bool valid = sts::ValidateRotationPolicy(
                               sts::RotationPolicy{seconds(lifetime), seconds(lead), allow})
                               .ok();
        EXPECT_EQ(Load(yaml).ok(), valid) << yaml;
      }
    }
  }
}

TEST_F(ConfigTest, IdsAreStableAcrossLoadsAndDependOnAccountAndName) {
  auto first = LoadOk(kBase);
  auto second = LoadOk(kBase);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(first->roles[0].role_id, second->roles[0].role_id);
  EXPECT_EQ(first->instance_profiles[0].instance_profile_id,
            second->instance_profiles[0].instance_profile_id);
  auto other_account = LoadOk("account_id: \"210987654321\"\n" + std::string(kBase));
  ASSERT_NE(other_account, nullptr);
  EXPECT_NE(first->roles[0].role_id, other_account->roles[0].role_id);
  EXPECT_NE(first->instance_profiles[0].instance_profile_id,
            other_account->instance_profiles[0].instance_profile_id);
  EXPECT_EQ(other_account->instance_profiles[0].account_id, "210987654321");
}

TEST_F(ConfigTest, TheTrustErrorTellsALearnerWhatToDo) {
  LoadOutcome outcome = Load(R"(roles:
  - name: app-role
    trust_policy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: {Service: lambda.amazonaws.com}
          Action: sts:AssumeRole
instance_profiles:
  - name: app-profile
    role: app-role
instances:
  - {name: a, match: 127.0.0.1, instance_profile: app-profile}
)");
  ASSERT_EQ(outcome.errors.size(), 1u);
  EXPECT_EQ(outcome.errors[0].ToString(),
            ConfigPath().string() +
                ":11: instance profile \"app-profile\": role \"app-role\" cannot be used by EC2: "
                "in its trust policy (line 3), no statement allows principal {\"Service\": "
                "\"ec2.amazonaws.com\"} the action sts:AssumeRole: Statement[0] allows "
                "sts:AssumeRole but only to {\"Service\": \"lambda.amazonaws.com\"}; add a "
                "statement that allows it (see docs/configuration.md#roles)");
}

// Lines of kBase with one change each; every case must give exactly one error, on its line.
TEST_F(ConfigTest, EachIamMistakeIsReportedOnItsLine) {
  const std::string trust =
      R"(    trust_policy: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: "sts:AssumeRole"}]}
)";
  const std::string profile_and_instance = R"(instance_profiles:
  - name: p
    role: r
instances:
  - {name: a, match: 127.0.0.1, instance_profile: p}
)";
  const std::string m = kMinimal;
  const std::vector<ErrorCase> cases = {
      // Top level.
      {"bad account", "account_id: 42\n" + m, 1, "account_id: \"42\" is not an account id"},
      {"bad region", "region: mars\n" + m, 1, "region: \"mars\" is not a region name"},
      {"bad partition", "partition: AWS\n" + m, 1, "partition: \"AWS\" is not a partition name"},
      {"partition without its region", "partition: aws-cn\n" + m, 1,
       "partition: aws-cn does not contain the default region us-east-1; set region to one of "
       "aws-cn's regions too"},
      {"partition and region disagree", "region: cn-north-1\npartition: aws\n" + m, 2,
       "partition: aws does not contain region cn-north-1 (line 1), which is in partition aws-cn"},
      {"instance region outside partition", "partition: aws\n" + m + "    region: us-gov-east-1\n",
       5,
       "instances[0].region: \"us-gov-east-1\" is in partition aws-us-gov, not in partition aws "
       "(set at line 1)"},
      // credentials.
      {"credentials not a map", "credentials: 6h\n" + m, 1, "credentials: expected a map"},
      {"unknown credentials key", "credentials: {lifetme: 1h}\n" + m, 1,
       "unknown key \"lifetme\" in credentials (did you mean \"lifetime\"?)"},
      {"not a duration", "credentials:\n  lifetime: soon\n" + m, 2,
       "credentials.lifetime: expected a duration like 90s, 20m, 6h or 1h30m, or whole seconds, "
       "found \"soon\""},
      {"fractional duration", "credentials:\n  lifetime: 1.5h\n" + m, 2, "expected a duration"},
      {"lifetime too long", "credentials:\n  lifetime: 37h\n" + m, 2,
       "credentials.lifetime: 37h is longer than the maximum of 36h"},
      {"lead not below lifetime", "credentials:\n  refresh_lead: 6h\n" + m, 2,
       "credentials.refresh_lead: 6h is not shorter than the lifetime (6h, the default); a "
       "credential is replaced once refresh_lead or less of it remains"},
      {"zero lead", "credentials:\n  refresh_lead: 0\n" + m, 2,
       "credentials.refresh_lead: must be longer than 0s"},
      {"short lifetime without room for a lead",
       "credentials:\n  allow_short_lifetimes: true\n  lifetime: 1s\n" + m, 3,
       "credentials.lifetime: 1s leaves no refresh lead"},
      {"bad allow switch", "credentials:\n  allow_short_lifetimes: yes please\n" + m, 2,
       "expected true or false"},
      {"bad extended path", "credentials:\n  extended_path: on\n" + m, 2,
       "credentials.extended_path: \"on\" is not allowed; use one of enabled, disabled"},
      {"profile lead not below inherited lifetime",
       "credentials:\n  lifetime: 2h\nroles:\n  - name: r\n" + trust +
           "instance_profiles:\n  - name: p\n    role: r\n    credentials:\n"
           "      refresh_lead: 2h\n" +
           m,
       10,
       "instance_profiles[0].credentials.refresh_lead: 2h is not shorter than the lifetime (2h, "
       "from credentials.lifetime at line 2)"},
      // roles.
      {"roles not a list", "roles: {name: r}\n" + m, 1, "roles: expected a list, found a map"},
      {"role without name", "roles:\n  - path: /\n" + trust + m, 2,
       "roles[0]: \"name\" is required"},
      {"bad role name", "roles:\n  - name: my role\n" + trust + m, 2,
       "roles[0].name: \"my role\" is not a valid role name; use 1 to 64 of"},
      {"duplicate role name", "roles:\n  - name: App\n" + trust + "  - name: app\n" + trust + m, 4,
       "roles[1].name: \"app\" is already used by the role at line 2 (IAM role names are unique "
       "regardless of case)"},
      {"bad path", "roles:\n  - name: r\n    path: app/\n" + trust + m, 3,
       "roles[0].path: \"app/\" is not an IAM path"},
      {"bad role account", "roles:\n  - name: r\n    account_id: x\n" + trust + m, 3,
       "roles[0].account_id: \"x\" is not an account id"},
      {"max session too short", "roles:\n  - name: r\n    max_session_duration: 30m\n" + trust + m,
       3, "roles[0].max_session_duration: 30m is out of range; allowed: 1h (3600) to 12h (43200)"},
      {"unknown role key", "roles:\n  - name: r\n    trust: {}\n" + trust + m, 3,
       "unknown key \"trust\" in roles[0]"},
      {"no trust policy", "roles:\n  - name: r\n" + m, 2,
       "roles[0]: \"trust_policy\" (or \"trust_policy_file\") is required: who may assume the "
       "role; for EC2, e.g. {Version: \"2012-10-17\", Statement: [{Effect: Allow, Principal: "
       "{Service: ec2.amazonaws.com}, Action: \"sts:AssumeRole\"}]} (see "
       "docs/configuration.md#roles)"},
      {"two trust policies",
       "roles:\n  - name: r\n" + trust + "    trust_policy_file: t.json\n" + m, 4,
       "roles[0].trust_policy_file: trust_policy is already set; use only one of trust_policy "
       "and trust_policy_file"},
      {"trust policy a list", "roles:\n  - name: r\n    trust_policy: [a]\n" + m, 3,
       "roles[0].trust_policy: expected a policy document (a YAML map, or a JSON string), found a "
       "list"},
      {"effect in lower case",
       "roles:\n  - name: r\n    trust_policy:\n      Statement:\n        - Effect: allow\n"
       "          Principal: \"*\"\n          Action: sts:AssumeRole\n" +
           m,
       5,
       "roles[0].trust_policy: Statement[0].Effect: \"allow\" must be written \"Allow\" (Effect "
       "is case-sensitive)"},
      {"missing action",
       "roles:\n  - name: r\n    trust_policy:\n      Statement:\n        - Effect: Allow\n"
       "          Principal: \"*\"\n" +
           m,
       5, "roles[0].trust_policy: Statement[0]: Action is missing"},
      {"misspelled element",
       "roles:\n  - name: r\n    trust_policy:\n      Statement:\n        - Effect: Allow\n"
       "          Principals: \"*\"\n          Action: sts:AssumeRole\n" +
           m,
       6,
       "roles[0].trust_policy: Statement[0].Principals: unknown element \"Principals\" (did you "
       "mean \"Principal\"?)"},
      {"trust policy with a resource",
       "roles:\n  - name: r\n    trust_policy:\n      Statement:\n        - Effect: Allow\n"
       "          Principal: \"*\"\n          Action: sts:AssumeRole\n          Resource: \"*\"\n" +
           m,
       8, "Statement[0].Resource: a trust policy has no Resource"},
      {"bad version",
       "roles:\n  - name: r\n    trust_policy:\n      Version: 2012-10-18\n"
       "      Statement: {Effect: Allow, Principal: \"*\", Action: \"sts:*\"}\n" +
           m,
       4, "roles[0].trust_policy: Version: \"2012-10-18\" is not a policy language version"},
      {"empty condition value",
       "roles:\n  - name: r\n    trust_policy:\n      Statement:\n        - Effect: Allow\n"
       "          Principal: \"*\"\n          Action: sts:AssumeRole\n          Condition:\n"
       "            StringEquals:\n              sts:ExternalId:\n" +
           m,
       10,
       "Statement[0].Condition.StringEquals.sts:ExternalId: expected a value (string, number, "
       "true/false) or a non-empty list of them, found null"},
      {"trust policy invalid json",
       "roles:\n  - name: r\n    trust_policy: '{\"Statement\": '\n" + m, 3,
       "roles[0].trust_policy: not valid JSON: parse error at line 1, column 15: syntax error "
       "while parsing value - unexpected end of input"},
      {"missing trust file", "roles:\n  - name: r\n    trust_policy_file: nope.json\n" + m, 3,
       "roles[0].trust_policy_file: cannot read " + (dir_ / "nope.json").string() +
           ": No such file or directory"},
      // policies.
      {"policy without name",
       "roles:\n  - name: r\n" + trust +
           "    policies:\n      - document: {Statement: {Effect: Allow, Action: \"s3:*\", "
           "Resource: \"*\"}}\n" +
           m,
       5, "roles[0].policies[0]: \"name\" is required"},
      {"bad policy name",
       "roles:\n  - name: r\n" + trust +
           "    policies:\n      - name: a b\n        document: {Statement: {Effect: Allow, "
           "Action: \"s3:*\", Resource: \"*\"}}\n" +
           m,
       5, "roles[0].policies[0].name: \"a b\" is not a valid policy name"},
      {"duplicate policy name",
       "roles:\n  - name: r\n" + trust +
           "    policies:\n      - name: x\n        document: {Statement: {Effect: Allow, "
           "Action: \"s3:*\", Resource: \"*\"}}\n      - name: x\n        document: "
           "{Statement: {Effect: Allow, Action: \"s3:*\", Resource: \"*\"}}\n" +
           m,
       7, "roles[0].policies[1].name: \"x\" is already used by the policy at line 5"},
      {"policy without document",
       "roles:\n  - name: r\n" + trust + "    policies:\n      - name: x\n" + m, 5,
       "roles[0].policies[0]: \"document\" (or \"document_file\") is required: e.g."},
      {"permission policy with a principal",
       "roles:\n  - name: r\n" + trust +
           "    policies:\n      - name: x\n        document:\n          Statement:\n"
           "            Effect: Allow\n            Principal: \"*\"\n            Action: \"s3:*\"\n"
           "            Resource: \"*\"\n" +
           m,
       9,
       "roles[0].policies[0].document: Statement.Principal: a permission policy names no "
       "principal"},
      {"permission policy without resource",
       "roles:\n  - name: r\n" + trust +
           "    policies:\n      - name: x\n        document: {Statement: {Effect: Allow, "
           "Action: \"s3:*\"}}\n" +
           m,
       6, "roles[0].policies[0].document: Statement: Resource is missing"},
      // instance_profiles.
      {"profile without role",
       "roles:\n  - name: r\n" + trust + "instance_profiles:\n  - name: p\n" + m, 5,
       "instance_profiles[0]: \"role\" is required"},
      {"profile with two roles",
       "roles:\n  - name: r\n" + trust + "instance_profiles:\n  - name: p\n    role: [r, s]\n" + m,
       6, "instance_profiles[0].role: an instance profile holds exactly one role"},
      {"profile names a missing role",
       "roles:\n  - name: app-role\n" + trust + "  - name: other\n" + trust +
           "instance_profiles:\n  - name: p\n    role: app-rol\n" + m,
       8,
       "instance_profiles[0].role: role \"app-rol\" is not defined; defined roles: app-role, "
       "other (did you mean \"app-role\"?)"},
      {"profile without any role defined", "instance_profiles:\n  - name: p\n    role: r\n" + m, 3,
       "role \"r\" is not defined; no roles are defined (add one under roles"},
      {"bad profile name",
       "roles:\n  - name: r\n" + trust + "instance_profiles:\n  - name: \"p/q\"\n    role: r\n" + m,
       5, "instance_profiles[0].name: \"p/q\" is not a valid instance profile name"},
      {"duplicate profile name",
       "roles:\n  - name: r\n" + trust +
           "instance_profiles:\n  - name: p\n    role: r\n  - name: P\n    role: r\n" + m,
       7, "instance_profiles[1].name: \"P\" is already used by the instance profile at line 5"},
      {"profile credentials typo",
       "roles:\n  - name: r\n" + trust +
           "instance_profiles:\n  - name: p\n    role: r\n    credentials: {extended_path: "
           "enabled}\n" +
           m,
       7, "unknown key \"extended_path\" in instance_profiles[0].credentials"},
      // The trust check.
      {"explicit deny",
       "roles:\n  - name: r\n    trust_policy:\n      Statement:\n        - {Effect: Allow, "
       "Principal: \"*\", Action: \"sts:*\"}\n        - {Sid: NoEc2, Effect: Deny, Principal: "
       "{Service: ec2.amazonaws.com}, Action: \"sts:AssumeRole\"}\n" +
           profile_and_instance,
       9,
       "instance profile \"p\": role \"r\" cannot be used by EC2: in its trust policy (line 3), "
       "Statement[1] (Sid \"NoEc2\") denies principal {\"Service\": \"ec2.amazonaws.com\"} the "
       "action sts:AssumeRole, and an explicit Deny overrides every Allow; remove or narrow that "
       "Deny (see docs/configuration.md#roles)"},
      {"only under a condition",
       "roles:\n  - name: r\n    trust_policy:\n      Statement:\n        - Effect: Allow\n"
       "          Principal: {Service: ec2.amazonaws.com}\n          Action: sts:AssumeRole\n"
       "          Condition: {StringEquals: {\"aws:SourceAccount\": \"123456789012\"}}\n" +
           profile_and_instance,
       11,
       "no statement allows principal {\"Service\": \"ec2.amazonaws.com\"} the action "
       "sts:AssumeRole: Statement[0] allows it only under a Condition (StringEquals on "
       "aws:SourceAccount), which imdsd does not evaluate yet and treats as not satisfied; add a "
       "statement that allows it"},
      {"other action",
       "roles:\n  - name: r\n    trust_policy: {Statement: [{Effect: Allow, Principal: {Service: "
       "ec2.amazonaws.com}, Action: \"sts:AssumeRoleWithWebIdentity\"}]}\n" +
           profile_and_instance,
       6, "Statement[0] names the principal but allows only sts:AssumeRoleWithWebIdentity"},
      {"trust policy file does not trust ec2",
       "roles:\n  - name: r\n    trust_policy_file: lambda.json\n" + profile_and_instance, 6,
       "cannot be used by EC2: in its trust policy (lambda.json), no statement allows"},
      // instances.
      {"instance names a missing profile",
       kBase + std::string("  - name: b\n    match: 127.0.0.2\n"
                           "    instance_profile: q\n"),
       13,
       "instances[1].instance_profile: instance profile \"q\" is not defined; defined instance "
       "profiles: p"},
      {"instance in another account than its profile",
       std::string(kBase) + "    account_id: \"999999999999\"\n", 10,
       "instances[0].instance_profile: \"p\" belongs to account 123456789012 (the account of role "
       "\"r\"), but this instance is in account 999999999999; EC2 attaches only instance profiles "
       "of the instance's own account"},
      {"instance in another partition than the roles",
       std::string(kBase) + "    region: cn-north-1\n", 10,
       "instances[0].instance_profile: this instance is in partition aws-cn (region cn-north-1), "
       "but roles and instance profiles are in partition aws"},
  };
  WriteFile("lambda.json",
            R"({"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole"}]})");
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.what);
    LoadOutcome outcome = Load(c.yaml);
    EXPECT_FALSE(outcome.ok());
    EXPECT_THAT(LinesAndReasons(outcome), ElementsAre(ErrorAt(c.line, c.reason)));
  }
}

TEST_F(ConfigTest, PolicyFileProblemsNameTheFile) {
  WriteFile("bad.json", R"({"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole"}})");
  LoadOutcome outcome =
      Load("roles:\n  - name: r\n    trust_policy_file: bad.json\n" + std::string(kMinimal));
  EXPECT_THAT(LinesAndReasons(outcome),
              ElementsAre(ErrorAt(3,
                                  "roles[0].trust_policy_file: bad.json: Statement: Principal "
                                  "is missing")));
}

}  // namespace
}  // namespace imdsd::config

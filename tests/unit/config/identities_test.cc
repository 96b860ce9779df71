// Identities for the STS endpoint: `accounts`, `users` with access keys, `mfa_devices`,
// `oidc_providers`, role tags and accounts, the `sts` section, secrets and the warnings.

#include <chrono>
#include <cstdint>
#include <stdlib.h>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/loader.h"
#include "config_fixture.h"
#include "fakes/fake_random.h"
#include "sts/identifiers.h"

namespace imdsd::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Pair;
using ::testing::StartsWith;

// AWS's documented example secret, and another of the same shape.
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr char kOtherSecret[] = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY";
constexpr char kSeed[] = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";  // 20 bytes
constexpr char kEnvName[] = "IMDSD_CONFIG_TEST_SECRET";
constexpr auto kOwnerOnly = fs::perms::owner_read | fs::perms::owner_write;

std::string KeyFor(const char* account, std::uint8_t seed) {
  testing::FakeRandom random(seed);
  return sts::MakeAccessKeyId(sts::kLongTermAccessKeyPrefix, *sts::AccountId::Parse(account),
                              random);
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
    text.replace(at, from.size(), to);
    at += to.size();
  }
  return text;
}

class IdentitiesTest : public ConfigTest {
 protected:
  void SetUp() override {
    ConfigTest::SetUp();
    WriteFileWithMode("alice.secret", std::string(kSecret) + "\n", kOwnerOnly);
    WriteFileWithMode("alice.seed", std::string(kSeed) + "\n", kOwnerOnly);
    WriteFile("idp.jwks", R"({"keys": [{"kty": "RSA", "kid": "k1", "n": "AQAB", "e": "AQAB"}]})");
    WriteFile("idp.pem", "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n");
    ASSERT_EQ(setenv(kEnvName, kOtherSecret, 1), 0);
  }
  void TearDown() override {
    unsetenv(kEnvName);
    ConfigTest::TearDown();
  }

  // `yaml` with KEY_A/KEY_B replaced by access key ids of account 222222222222 and KEY_C by one
  // of 111111111111.
  std::string WithKeys(const std::string& yaml) const {
    return Replace(Replace(Replace(yaml, "KEY_A", key_a_), "KEY_B", key_b_), "KEY_C", key_c_);
  }

  const std::string key_a_ = KeyFor("222222222222", 1);
  const std::string key_b_ = KeyFor("222222222222", 2);
  const std::string key_c_ = KeyFor("111111111111", 3);
};

// Lines 1-53.
constexpr char kLab[] = R"(accounts:
  - {id: "111111111111", alias: trusting}
  - id: "222222222222"
    alias: trusted
account_id: "111111111111"
roles:
  - name: cross
    account: trusting
    tags: {team: blue, cost-center: "42"}
    trust_policy:
      Statement:
        - Effect: Allow
          Principal: {AWS: "arn:aws:iam::222222222222:root"}
          Action: sts:AssumeRole
          Condition: {StringEquals: {sts:ExternalId: lab-1234}}
users:
  - name: alice
    account: trusted
    path: /lab/
    tags: {Department: exams}
    policies:
      - name: assume-cross
        document: {Statement: [{Effect: Allow, Action: sts:AssumeRole, Resource: "arn:aws:iam::111111111111:role/cross"}]}
    access_keys:
      - id: KEY_A
        secret_file: alice.secret
      - id: KEY_B
        secret_env: IMDSD_CONFIG_TEST_SECRET
        status: Inactive
  - name: bob
    user_id: AIDAJQABLZS4A3QDU576Q
mfa_devices:
  - serial: arn:aws:iam::222222222222:mfa/alice
    user: alice
    seed_file: alice.seed
oidc_providers:
  - url: https://idp.example.com/realms/lab
    account: "111111111111"
    client_ids: [sts.amazonaws.com, lab-app]
    thumbprints: [9E99A48A9960B14926BB7F3B02E22DA2B0AB7280]
    jwks_file: idp.jwks
  - url: https://token.example.org
    client_ids: [lab-app]
    public_key_file: idp.pem
sts:
  listen: 127.0.0.1:0
  max_clock_skew: 5m
  audit_log: audit/sts.jsonl
  region: eu-west-1
instances:
  - name: a
    match: 127.0.0.1
)";

TEST_F(IdentitiesTest, WithoutIdentitiesTheEndpointIsOffAndEverythingHasItsDefault) {
  auto config = LoadOk(kMinimal);
  ASSERT_NE(config, nullptr);
  ASSERT_EQ(config->accounts.size(), 1u);
  EXPECT_EQ(config->accounts[0].id, "123456789012");
  EXPECT_EQ(config->accounts[0].alias, "");
  EXPECT_EQ(config->accounts[0].source_line, 0);
  EXPECT_FALSE(config->allow_inline_secrets);
  EXPECT_TRUE(config->users.empty());
  EXPECT_TRUE(config->mfa_devices.empty());
  EXPECT_TRUE(config->oidc_providers.empty());
  EXPECT_FALSE(config->sts.enabled);
  ASSERT_EQ(config->sts.listen.size(), 2u);
  EXPECT_EQ(config->sts.listen[0].ToString(), "127.0.0.1:8170");
  EXPECT_EQ(config->sts.listen[1].ToString(), "[::1]:8170");
  EXPECT_EQ(config->sts.max_clock_skew, std::chrono::minutes(15));
  EXPECT_EQ(config->sts.region, "us-east-1");
  EXPECT_EQ(config->sts.audit_log, fs::path());
  EXPECT_EQ(AuditLogPath(*config), fs::path("/var/lib/imdsd/sts-audit.jsonl"));
}

TEST_F(IdentitiesTest, ReadsTheWholeLab) {
  LoadOutcome outcome = Load(WithKeys(kLab));
  for (const auto& e : outcome.errors) ADD_FAILURE() << e.ToString();
  ASSERT_TRUE(outcome.ok());
  EXPECT_THAT(outcome.warnings, IsEmpty());
  const Config& config = *outcome.config;

  ASSERT_EQ(config.accounts.size(), 2u);
  EXPECT_EQ(config.accounts[0].id, "111111111111");
  EXPECT_EQ(config.accounts[0].alias, "trusting");
  EXPECT_EQ(config.accounts[0].source_line, 2);
  EXPECT_EQ(config.accounts[1].id, "222222222222");
  EXPECT_EQ(config.accounts[1].alias, "trusted");

  ASSERT_EQ(config.roles.size(), 1u);
  EXPECT_EQ(config.roles[0].account_id, "111111111111");
  EXPECT_EQ(config.roles[0].arn, "arn:aws:iam::111111111111:role/cross");
  EXPECT_THAT(config.roles[0].tags, ElementsAre(Pair("team", "blue"), Pair("cost-center", "42")));

  ASSERT_EQ(config.users.size(), 2u);
  const User& alice = config.users[0];
  EXPECT_EQ(alice.name, "alice");
  EXPECT_EQ(alice.path, "/lab/");
  EXPECT_EQ(alice.account_id, "222222222222");
  EXPECT_EQ(alice.arn, "arn:aws:iam::222222222222:user/lab/alice");
  EXPECT_EQ(alice.source_line, 17);
  EXPECT_EQ(alice.user_id,
            sts::MakeUniqueId(sts::kUserIdPrefix, *sts::AccountId::Parse("222222222222"), "alice"));
  EXPECT_THAT(alice.user_id, StartsWith("AIDA"));
  EXPECT_THAT(alice.tags, ElementsAre(Pair("Department", "exams")));
  ASSERT_EQ(alice.policies.size(), 1u);
  EXPECT_EQ(alice.policies[0].name, "assume-cross");
  EXPECT_THAT(alice.policies[0].document.json, HasSubstr("\"Resource\":"));
  ASSERT_EQ(alice.access_keys.size(), 2u);
  EXPECT_EQ(alice.access_keys[0].id, key_a_);
  EXPECT_EQ(alice.access_keys[0].secret.Reveal(), kSecret);
  EXPECT_EQ(alice.access_keys[0].secret.origin(),
            "secret_file " + (dir_ / "alice.secret").string());
  EXPECT_TRUE(alice.access_keys[0].active);
  EXPECT_TRUE(alice.access_keys[0].encodes_account);
  EXPECT_EQ(alice.access_keys[0].source_line, 25);
  EXPECT_EQ(alice.access_keys[1].secret.Reveal(), kOtherSecret);
  EXPECT_EQ(alice.access_keys[1].secret.origin(), "secret_env IMDSD_CONFIG_TEST_SECRET");
  EXPECT_FALSE(alice.access_keys[1].active);
  const User& bob = config.users[1];
  EXPECT_EQ(bob.account_id, "111111111111");  // the top-level default
  EXPECT_EQ(bob.user_id, "AIDAJQABLZS4A3QDU576Q");
  EXPECT_TRUE(bob.access_keys.empty());

  ASSERT_EQ(config.mfa_devices.size(), 1u);
  const MfaDevice& device = config.mfa_devices[0];
  EXPECT_EQ(device.serial, "arn:aws:iam::222222222222:mfa/alice");
  EXPECT_EQ(device.account_id, "222222222222");
  EXPECT_EQ(device.user, "alice");
  EXPECT_EQ(device.seed.Reveal(),
            std::string("Hello!\xde\xad\xbe\xef", 10) + std::string("Hello!\xde\xad\xbe\xef", 10));
  EXPECT_EQ(device.source_line, 33);

  ASSERT_EQ(config.oidc_providers.size(), 2u);
  const OidcProvider& idp = config.oidc_providers[0];
  EXPECT_EQ(idp.url, "https://idp.example.com/realms/lab");
  EXPECT_EQ(idp.account_id, "111111111111");
  EXPECT_EQ(idp.arn, "arn:aws:iam::111111111111:oidc-provider/idp.example.com/realms/lab");
  EXPECT_THAT(idp.client_ids, ElementsAre("sts.amazonaws.com", "lab-app"));
  EXPECT_THAT(idp.thumbprints, ElementsAre("9e99a48a9960b14926bb7f3b02e22da2b0ab7280"));
  EXPECT_EQ(idp.key_kind, OidcKeyKind::kJwks);
  EXPECT_EQ(idp.key_file, dir_ / "idp.jwks");
  EXPECT_THAT(idp.key_text, HasSubstr("\"keys\""));
  const OidcProvider& token = config.oidc_providers[1];
  EXPECT_EQ(token.arn, "arn:aws:iam::111111111111:oidc-provider/token.example.org");
  EXPECT_EQ(token.key_kind, OidcKeyKind::kPublicKeyPem);
  EXPECT_THAT(token.key_text, StartsWith("-----BEGIN PUBLIC KEY-----"));

  EXPECT_TRUE(config.sts.enabled);
  ASSERT_EQ(config.sts.listen.size(), 1u);
  EXPECT_EQ(config.sts.listen[0].ToString(), "127.0.0.1:0");
  EXPECT_EQ(config.sts.max_clock_skew, std::chrono::minutes(5));
  EXPECT_EQ(config.sts.audit_log, dir_ / "audit/sts.jsonl");
  EXPECT_EQ(AuditLogPath(config), dir_ / "audit/sts.jsonl");
  EXPECT_EQ(config.sts.region, "eu-west-1");
}

TEST_F(IdentitiesTest, AnyIdentityTurnsTheEndpointOnUnlessItIsSwitchedOff) {
  const std::string m = kMinimal;
  EXPECT_TRUE(LoadOk("accounts: [{id: \"123456789012\"}]\n" + m)->sts.enabled);
  EXPECT_TRUE(LoadOk("users: [{name: u}]\n" + m)->sts.enabled);
  EXPECT_TRUE(LoadOk("sts: {max_clock_skew: 1m}\n" + m)->sts.enabled);
  EXPECT_FALSE(LoadOk("users: [{name: u}]\nsts: {enabled: false}\n" + m)->sts.enabled);
  EXPECT_FALSE(LoadOk("sts:\n" + m)->sts.enabled);  // a section with everything commented out
  // Roles alone do not: configs written for instance profiles open no new port.
  EXPECT_FALSE(LoadOk("roles: [{name: r, trust_policy: {Statement: {Effect: Allow, Principal: "
                      "\"*\", Action: \"sts:AssumeRole\"}}}]\n" +
                      m)
                   ->sts.enabled);
}

TEST_F(IdentitiesTest, WithoutAccountsSectionAnyAccountIdIsAcceptedAndListed) {
  auto config = LoadOk(R"(roles:
  - name: r
    account_id: "444455556666"
    trust_policy: {Statement: {Effect: Allow, Principal: "*", Action: "sts:AssumeRole"}}
users:
  - {name: u, account: "777788889999"}
instances:
  - {name: a, match: 127.0.0.1, account_id: "999999999999"}
)");
  ASSERT_NE(config, nullptr);
  std::vector<std::string> ids;
  for (const Account& account : config->accounts) ids.push_back(account.id);
  EXPECT_THAT(ids, ElementsAre("123456789012", "444455556666", "777788889999", "999999999999"));
}

TEST_F(IdentitiesTest, TheTopLevelAccountIsKnownEvenWhenNotDeclared) {
  auto config = LoadOk(
      "accounts:\n  - {id: \"111111111111\", alias: one}\nusers:\n"
      "  - {name: u}\n  - {name: v, account: one}\n" +
      std::string(kMinimal));
  ASSERT_NE(config, nullptr);
  ASSERT_EQ(config->accounts.size(), 2u);
  EXPECT_EQ(config->accounts[1].id, "123456789012");
  EXPECT_EQ(config->users[0].account_id, "123456789012");
  EXPECT_EQ(config->users[1].account_id, "111111111111");
}

TEST_F(IdentitiesTest, InlineSecretsNeedTheLabSwitchAndThenWarn) {
  const std::string users = R"(users:
  - name: u
    access_keys:
      - id: AKIAIOSFODNN7EXAMPLE
        secret: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
mfa_devices:
  - serial: arn:aws:iam::123456789012:mfa/u
    user: u
    seed: jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp
)";
  LoadOutcome refused = Load(users + kMinimal);
  EXPECT_THAT(LinesAndReasons(refused),
              ElementsAre(ErrorAt(5,
                                  "users[0].access_keys[0].secret: an inline secret access "
                                  "key is refused: anyone who can read this file could use "
                                  "it. Put it in a file (secret_file, chmod 600) or an "
                                  "environment variable (secret_env); for a throwaway lab, "
                                  "set allow_inline_secrets: true at the top level"),
                          ErrorAt(9, "mfa_devices[0].seed: an inline MFA seed is refused")));

  LoadOutcome allowed = Load("allow_inline_secrets: true\n" + users + kMinimal);
  ASSERT_TRUE(allowed.ok()) << allowed.errors.at(0).ToString();
  EXPECT_TRUE(allowed.config->allow_inline_secrets);
  EXPECT_EQ(allowed.config->users[0].access_keys[0].secret.Reveal(), kSecret);
  EXPECT_EQ(allowed.config->users[0].access_keys[0].secret.origin(), "inline at line 6");
  EXPECT_EQ(allowed.config->mfa_devices[0].seed.Reveal().size(), 20u);
  EXPECT_THAT(WarningLines(allowed),
              ElementsAre(ErrorAt(5,
                                  "AKIAIOSFODNN7EXAMPLE is an old-style key id that encodes "
                                  "no account, so GetAccessKeyInfo cannot name its account; "
                                  "e.g. AKIA"),
                          ErrorAt(6,
                                  "users[0].access_keys[0].secret: inline secret access key "
                                  "(allowed by allow_inline_secrets at line 1); do not use "
                                  "this file outside a lab"),
                          ErrorAt(10, "mfa_devices[0].seed: inline MFA seed")));
  for (const auto& w : allowed.warnings) {
    EXPECT_THAT(w.reason, Not(HasSubstr(kSecret)));
    EXPECT_THAT(w.reason, Not(HasSubstr("jbsw")));
  }
}

TEST_F(IdentitiesTest, SecretsNeverAppearInErrors) {
  const std::string almost = std::string(kSecret) + "X";  // 41 characters
  WriteFileWithMode("long.secret", almost, kOwnerOnly);
  ASSERT_EQ(setenv("IMDSD_CONFIG_TEST_SHORT", "abc", 1), 0);
  LoadOutcome outcome = Load(WithKeys(R"(allow_inline_secrets: true
users:
  - name: u
    account: "222222222222"
    access_keys:
      - {id: KEY_A, secret_file: long.secret}
      - {id: KEY_B, secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE!"}
  - name: v
    account: "222222222222"
    access_keys:
      - {id: AKIAIOSFODNN7EXAMPLE, secret_env: IMDSD_CONFIG_TEST_SHORT}
)") + kMinimal);
  unsetenv("IMDSD_CONFIG_TEST_SHORT");
  EXPECT_THAT(
      LinesAndReasons(outcome),
      ElementsAre(ErrorAt(6, "users[0].access_keys[0].secret_file: the value from secret_file " +
                                 (dir_ / "long.secret").string() +
                                 " is not a secret access key: expected 40 characters of A-Z "
                                 "a-z 0-9 + /, found 41 characters"),
                  ErrorAt(7, "found 40 characters with others among them"),
                  ErrorAt(11,
                          "the value from secret_env IMDSD_CONFIG_TEST_SHORT is not a secret "
                          "access key: expected 40 characters of A-Z a-z 0-9 + /, found 3 "
                          "characters")));
  for (const auto& e : outcome.errors) {
    EXPECT_THAT(e.reason, Not(HasSubstr("EXAMPLEKE"))) << e.reason;
    EXPECT_THAT(e.reason, Not(HasSubstr("abc"))) << e.reason;
  }
}

TEST_F(IdentitiesTest, SecretFilesMustBeClosedToOtherUsers) {
  WriteFileWithMode("open.secret", kSecret,
                    fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  WriteFileWithMode("group.secret", kSecret, fs::perms::owner_read | fs::perms::group_read);
  WriteFileWithMode("empty.secret", "\n", kOwnerOnly);
  WriteFileWithMode("open.seed", kSeed, fs::perms::owner_read | fs::perms::others_read);
  LoadOutcome outcome = Load(WithKeys(R"(users:
  - name: u
    account: "222222222222"
    access_keys:
      - {id: KEY_A, secret_file: open.secret}
      - {id: KEY_B, secret_file: missing.secret}
  - name: v
    account: "222222222222"
    access_keys:
      - {id: AKIAIOSFODNN7EXAMPLE, secret_file: empty.secret}
mfa_devices:
  - {serial: "arn:aws:iam::222222222222:mfa/u", user: u, seed_file: open.seed}
)") + kMinimal);
  const std::string open = (dir_ / "open.secret").string();
  EXPECT_THAT(
      LinesAndReasons(outcome),
      ElementsAre(
          ErrorAt(5, "users[0].access_keys[0].secret_file: " + open +
                         ": readable by every user of this host (mode 0444); run: chmod "
                         "600 " +
                         open),
          ErrorAt(6, "users[0].access_keys[1].secret_file: " + (dir_ / "missing.secret").string() +
                         ": No such file or directory"),
          ErrorAt(10, "empty.secret is empty; it should hold the secret access key"),
          ErrorAt(12, "open.seed: readable by every user of this host (mode 0404)")));
  // Group-readable is the owner's choice (a service group), as for the daemon's own keys.
  EXPECT_TRUE(Load(WithKeys("users:\n  - name: u\n    account: \"222222222222\"\n"
                            "    access_keys: [{id: KEY_A, secret_file: group.secret}]\n") +
                   kMinimal)
                  .ok());
}

TEST_F(IdentitiesTest, AccessKeyIdsCarryTheUsersAccount) {
  // A key made for another account is refused with one made for the right account.
  LoadOutcome outcome = Load(WithKeys(R"(users:
  - name: u
    account: "111111111111"
    access_keys: [{id: KEY_A, secret_file: alice.secret}]
)") + kMinimal);
  ASSERT_EQ(outcome.errors.size(), 1u);
  EXPECT_EQ(outcome.errors[0].line, 4);
  EXPECT_THAT(outcome.errors[0].reason,
              StartsWith("users[0].access_keys[0].id: " + key_a_ +
                         " encodes account 222222222222 (what GetAccessKeyInfo reports), but "
                         "user \"u\" is in account 111111111111; e.g. AKIA"));
  // The suggestion is a valid key of that account, and the same on every load.
  const std::string suggested = outcome.errors[0].reason.substr(
      outcome.errors[0].reason.find("e.g. ") + 5, sts::kAccessKeyIdLength);
  auto account = sts::AccountFromAccessKeyId(suggested);
  ASSERT_TRUE(account.ok()) << suggested;
  EXPECT_EQ(account->ToString(), "111111111111");
  EXPECT_EQ(Load(WithKeys(R"(users:
  - name: u
    account: "111111111111"
    access_keys: [{id: KEY_A, secret_file: alice.secret}]
)") + kMinimal)
                .errors[0]
                .reason,
            outcome.errors[0].reason);
  auto fixed = LoadOk(
      "users:\n  - name: u\n    account: \"111111111111\"\n    access_keys: [{id: " + suggested +
      ", secret_file: alice.secret}]\n" + kMinimal);
  ASSERT_NE(fixed, nullptr);
  EXPECT_TRUE(fixed->users[0].access_keys[0].encodes_account);
}

TEST_F(IdentitiesTest, TrustPoliciesNamingUndeclaredAccountsWarn) {
  LoadOutcome outcome = Load(R"(accounts:
  - {id: "111111111111"}
account_id: "111111111111"
roles:
  - name: r
    trust_policy:
      Statement:
        - Effect: Allow
          Principal: {AWS: ["arn:aws:iam::999999999999:user/x", "999999999999", "111111111111", "arn:aws:sts::888888888888:assumed-role/a/b"], Service: ec2.amazonaws.com}
          Action: sts:AssumeRole
)" + std::string(kMinimal));
  ASSERT_TRUE(outcome.ok());
  EXPECT_THAT(
      WarningLines(outcome),
      ElementsAre(ErrorAt(6,
                          "roles[0].trust_policy: principal "
                          "\"arn:aws:iam::999999999999:user/x\" is in account 999999999999, "
                          "which is not declared under accounts; no identity of that account "
                          "can call imdsd's STS endpoint, so this principal never matches here"),
                  ErrorAt(6, "account 888888888888")));
  // Without an accounts section every account is possible: no warning.
  EXPECT_THAT(Load(R"(roles:
  - name: r
    trust_policy: {Statement: {Effect: Allow, Principal: {AWS: "999999999999"}, Action: "sts:AssumeRole"}}
)" + std::string(kMinimal))
                  .warnings,
              IsEmpty());
}

TEST_F(IdentitiesTest, EachIdentityMistakeIsReportedOnItsLine) {
  const std::string m = kMinimal;
  const std::string accounts =
      "accounts:\n  - {id: \"111111111111\", alias: one}\n  - {id: \"222222222222\", alias: "
      "two}\n";  // lines 1-3
  const std::string trust =
      "    trust_policy: {Statement: {Effect: Allow, Principal: \"*\", Action: "
      "\"sts:AssumeRole\"}}\n";
  const std::string user_u = accounts + "users:\n  - name: u\n    account: two\n";  // 1-6
  std::string many_tags;
  for (int i = 0; i <= 50; ++i) many_tags += (i ? ", k" : "k") + std::to_string(i) + ": v";
  std::string many_ids;
  for (int i = 0; i <= 100; ++i) many_ids += (i ? ", c" : "c") + std::to_string(i);
  std::string six_prints;
  for (int i = 0; i < 6; ++i) six_prints += (i ? ", " : "") + std::string(39, 'a') + char('0' + i);
  // An MFA device entry on lines 7-10 after user_u, with `serial` on line 8.
  auto device = [](const std::string& serial) {
    return "mfa_devices:\n  - serial: " + serial + "\n    user: u\n    seed_file: alice.seed\n";
  };
  const std::vector<ErrorCase> cases = {
      // accounts.
      {"accounts not a list", "accounts: {id: 1}\n" + m, 1, "accounts: expected a list"},
      {"account without id", "accounts:\n  - alias: one\n" + m, 2,
       "accounts[0]: \"id\" is required: the account's 12 digits"},
      {"account id not 12 digits", "accounts:\n  - id: 11111111111\n" + m, 2,
       "accounts[0].id: \"11111111111\" is not an account id; expected 12 digits"},
      {"account declared twice", accounts + "  - id: \"111111111111\"\n" + m, 4,
       "accounts[2].id: account 111111111111 is already declared at line 2"},
      {"bad alias", "accounts:\n  - {id: \"111111111111\", alias: One}\n" + m, 2,
       "accounts[0].alias: \"One\" is not an account alias; use 3 to 63 of a-z 0-9 -"},
      {"numeric alias", "accounts:\n  - {id: \"111111111111\", alias: \"1234\"}\n" + m, 2,
       "is not an account alias"},
      {"alias used twice", accounts + "  - {id: \"333333333333\", alias: two}\n" + m, 4,
       "accounts[2].alias: alias \"two\" is already used by the account at line 3"},
      {"unknown key in account", "accounts:\n  - {id: \"111111111111\", alais: x}\n" + m, 2,
       "unknown key \"alais\" in accounts[0] (did you mean \"alias\"?)"},
      {"undeclared account id", accounts + "users:\n  - {name: u, account: \"333333333333\"}\n" + m,
       5,
       "users[0].account: account 333333333333 is not declared under accounts; known accounts: "
       "111111111111 (one), 222222222222 (two), 123456789012 (the top-level account_id)"},
      {"unknown alias", accounts + "users:\n  - {name: u, account: tow}\n" + m, 5,
       "users[0].account: no account has the alias \"tow\" (did you mean \"two\"?); known "
       "accounts:"},
      {"alias without accounts section", "users:\n  - {name: u, account: two}\n" + m, 2,
       "users[0].account: \"two\" is not an account id (12 digits); aliases can name only "
       "accounts declared under accounts"},
      {"undeclared role account_id",
       accounts + "roles:\n  - name: r\n    account_id: \"333333333333\"\n" + trust + m, 6,
       "roles[0].account_id: account 333333333333 is not declared under accounts"},
      {"role with account and account_id",
       "roles:\n  - name: r\n    account: \"111111111111\"\n    account_id: \"111111111111\"\n"
       "    trust_policy: {Statement: {Effect: Allow, Principal: \"*\", Action: "
       "\"sts:AssumeRole\"}}\n" +
           m,
       4,
       "roles[0].account_id: account is already set (line 3); use only one of account and "
       "account_id"},
      {"undeclared instance account", accounts + m + "    account_id: \"333333333333\"\n", 7,
       "instances[0].account_id: account 333333333333 is not declared under accounts"},
      // tags (users and roles).
      {"reserved tag key", "users:\n  - name: u\n    tags: {\"aws:team\": x}\n" + m, 3,
       "users[0].tags: \"aws:team\": tag keys starting with \"aws:\" are reserved for AWS"},
      {"bad tag character", "roles:\n  - name: r\n    tags: {team: \"a;b\"}\n" + trust + m, 3,
       "roles[0].tags.team: tag values may only use letters, digits, spaces and _ . : / = + - @"},
      {"tag keys differing in case",
       "users:\n  - name: u\n    tags:\n      Team: a\n      team: b\n" + m, 5,
       "users[0].tags: \"team\" repeats the key at line 4 (IAM tag keys are unique regardless "
       "of case)"},
      // users.
      {"user without name", "users:\n  - path: /\n" + m, 2, "users[0]: \"name\" is required"},
      {"bad user name", "users:\n  - name: \"a b\"\n" + m, 2,
       "users[0].name: \"a b\" is not a valid user name; use 1 to 64 of A-Z a-z 0-9 + = , . @ _ -"},
      {"user names differ only in case", "users:\n  - name: Alice\n  - name: alice\n" + m, 3,
       "users[1].name: \"alice\" is already used by the user at line 2 in account 123456789012 "
       "(IAM user names are unique regardless of case)"},
      {"bad user id", "users:\n  - name: u\n    user_id: AROAJQABLZS4A3QDU576Q\n" + m, 3,
       "users[0].user_id: \"AROAJQABLZS4A3QDU576Q\" is not an IAM user id; expected AIDA and 17 "
       "of A-Z 0-9 (21 characters)"},
      {"user id used twice",
       "users:\n  - {name: u, user_id: AIDAJQABLZS4A3QDU576Q}\n"
       "  - {name: v, user_id: AIDAJQABLZS4A3QDU576Q}\n" +
           m,
       3, "users[1].user_id: AIDAJQABLZS4A3QDU576Q is already used by the user at line 2"},
      {"bad user path", "users:\n  - name: u\n    path: lab\n" + m, 3,
       "users[0].path: \"lab\" is not an IAM path"},
      {"identity policy with a principal",
       "users:\n  - name: u\n    policies:\n      - name: p\n        document: {Statement: "
       "{Effect: Allow, Principal: \"*\", Action: \"s3:*\", Resource: \"*\"}}\n" +
           m,
       5, "users[0].policies[0].document: Statement.Principal"},
      {"unknown user key", "users:\n  - name: u\n    acount: two\n" + m, 3,
       "unknown key \"acount\" in users[0] (did you mean \"account\"?)"},
      // access keys.
      {"key without id", user_u + "    access_keys: [{secret_file: alice.secret}]\n" + m, 7,
       "users[0].access_keys[0]: \"id\" is required: the access key id (AKIA...); e.g. AKIA"},
      {"temporary key id",
       user_u + "    access_keys: [{id: ASIAIOSFODNN7EXAMPLE, secret_file: alice.secret}]\n" + m, 7,
       "users[0].access_keys[0].id: \"ASIAIOSFODNN7EXAMPLE\" is a temporary key id (ASIA...), "
       "which only STS issues; a user's long-term key starts with AKIA"},
      {"malformed key id",
       user_u + "    access_keys: [{id: AKIA1234, secret_file: alice.secret}]\n" + m, 7,
       "users[0].access_keys[0].id: \"AKIA1234\" is not an access key id; expected AKIA and 16 "
       "of A-Z 0-9 (20 characters)"},
      {"key id used twice",
       user_u + "    access_keys: [{id: KEY_A, secret_file: alice.secret}]\n" +
           "  - name: v\n    account: two\n    access_keys: [{id: KEY_A, secret_file: "
           "alice.secret}]\n" +
           m,
       10,
       "users[1].access_keys[0].id: KEY_A is already used by the access key at line 7 (an "
       "access key id names one key of one user)"},
      {"three keys",
       user_u +
           "    access_keys:\n      - {id: KEY_A, secret_file: alice.secret}\n"
           "      - {id: KEY_B, secret_file: alice.secret}\n"
           "      - {id: AKIAIOSFODNN7EXAMPLE, secret_file: alice.secret}\n" +
           m,
       10, "users[0].access_keys: IAM allows at most 2 access keys per user"},
      {"no secret", user_u + "    access_keys: [{id: KEY_A}]\n" + m, 7,
       "users[0].access_keys[0]: the secret access key is missing: set secret_file (a file only "
       "you can read, chmod 600) or secret_env (an environment variable)"},
      {"two secrets",
       user_u + "    access_keys: [{id: KEY_A, secret_file: alice.secret, secret_env: X}]\n" + m, 7,
       "users[0].access_keys[0].secret_env: users[0].access_keys[0].secret_file is already set; "
       "use only one of secret_file, secret_env and secret"},
      {"unset variable",
       user_u + "    access_keys: [{id: KEY_A, secret_env: IMDSD_NOT_SET_X}]\n" + m, 7,
       "users[0].access_keys[0].secret_env: environment variable IMDSD_NOT_SET_X is not set; "
       "imdsd reads it when it loads the configuration (also on reload), so export it before "
       "starting imdsd"},
      {"bad variable name", user_u + "    access_keys: [{id: KEY_A, secret_env: 1X}]\n" + m, 7,
       "users[0].access_keys[0].secret_env: \"1X\" is not an environment variable name"},
      {"bad status",
       user_u + "    access_keys: [{id: KEY_A, secret_file: alice.secret, status: active}]\n" + m,
       7, "users[0].access_keys[0].status: \"active\" is not allowed; use one of Active, Inactive"},
      // mfa_devices.
      {"device without serial", user_u + "mfa_devices:\n  - {user: u, seed_file: alice.seed}\n" + m,
       8,
       "mfa_devices[0]: \"serial\" is required: the device's ARN, e.g. "
       "arn:aws:iam::123456789012:mfa/alice"},
      {"serial not an mfa arn", user_u + device("arn:aws:iam::222222222222:user/u") + m, 8,
       "mfa_devices[0].serial: \"arn:aws:iam::222222222222:user/u\" is not an MFA device ARN like "
       "arn:aws:iam::123456789012:mfa/alice"},
      {"serial with a bad name", user_u + device("\"arn:aws:iam::222222222222:mfa/a b\"") + m, 8,
       "mfa_devices[0].serial: \"a b\" is not a device name"},
      {"serial in another partition", user_u + device("arn:aws-cn:iam::222222222222:mfa/u") + m, 8,
       "mfa_devices[0].serial: the ARN is in partition aws-cn, but this configuration's "
       "partition is aws"},
      {"serial in an undeclared account", user_u + device("arn:aws:iam::333333333333:mfa/u") + m, 8,
       "mfa_devices[0].serial: account 333333333333 is not declared under accounts"},
      {"device user in another account",
       user_u +
           "mfa_devices:\n  - serial: arn:aws:iam::111111111111:mfa/u\n    user: u\n    "
           "seed_file: alice.seed\n" +
           m,
       9,
       "mfa_devices[0].user: user \"u\" is in account 222222222222, but the serial names account "
       "111111111111; a device belongs to a user of its own account"},
      {"device user not defined",
       user_u +
           "mfa_devices:\n  - serial: arn:aws:iam::222222222222:mfa/u\n    user: v\n    "
           "seed_file: alice.seed\n" +
           m,
       9, "mfa_devices[0].user: user \"v\" is not defined; defined users: u"},
      {"serial used twice",
       user_u +
           "mfa_devices:\n  - {serial: \"arn:aws:iam::222222222222:mfa/u\", user: u, seed_file: "
           "alice.seed}\n  - {serial: \"arn:aws:iam::222222222222:mfa/u\", user: u, seed_file: "
           "alice.seed}\n" +
           m,
       9,
       "mfa_devices[1].serial: arn:aws:iam::222222222222:mfa/u is already used by the device at "
       "line 8"},
      {"seed not base32",
       user_u +
           "mfa_devices:\n  - {serial: \"arn:aws:iam::222222222222:mfa/u\", user: u, seed_file: "
           "bad.seed}\n" +
           m,
       8,
       "mfa_devices[0].seed_file: the value from seed_file " + (dir_ / "bad.seed").string() +
           " is not base32 (letters A-Z and digits 2-7, as authenticator apps show a seed)"},
      {"seed too short",
       user_u +
           "mfa_devices:\n  - {serial: \"arn:aws:iam::222222222222:mfa/u\", user: u, seed_file: "
           "short.seed}\n" +
           m,
       8,
       "decodes to 10 bytes; RFC 4226 asks for at least 16 (128 bits). Make one with: head -c "
       "20 /dev/urandom | base32"},
      // oidc_providers.
      {"provider without url", "oidc_providers:\n  - {client_ids: [a], jwks_file: idp.jwks}\n" + m,
       2,
       "oidc_providers[0]: \"url\" is required: the issuer, exactly as the tokens' iss claim "
       "has it"},
      {"http url",
       "oidc_providers:\n  - {url: \"http://idp.example.com\", client_ids: [a], jwks_file: "
       "idp.jwks}\n" +
           m,
       2, "oidc_providers[0].url: \"http://idp.example.com\" does not start with https://"},
      {"url with a port",
       "oidc_providers:\n  - {url: \"https://idp.example.com:8443\", client_ids: [a], jwks_file: "
       "idp.jwks}\n" +
           m,
       2, "has a port; IAM provider URLs carry none"},
      {"provider registered twice",
       "oidc_providers:\n  - {url: \"https://idp.example.com\", client_ids: [a], jwks_file: "
       "idp.jwks}\n  - {url: \"https://idp.example.com\", client_ids: [b], jwks_file: "
       "idp.jwks}\n" +
           m,
       3,
       "oidc_providers[1].url: account 123456789012 already has a provider for "
       "https://idp.example.com (line 2); IAM registers each issuer once per account"},
      {"no client ids",
       "oidc_providers:\n  - {url: \"https://idp.example.com\", jwks_file: idp.jwks}\n" + m, 2,
       "oidc_providers[0].client_ids: give at least one client id"},
      {"client id listed twice",
       "oidc_providers:\n  - url: \"https://idp.example.com\"\n    client_ids:\n      - a\n      "
       "- a\n    jwks_file: idp.jwks\n" +
           m,
       5, "oidc_providers[0].client_ids: \"a\" is already listed at line 4"},
      {"bad thumbprint",
       "oidc_providers:\n  - url: \"https://idp.example.com\"\n    client_ids: [a]\n    "
       "thumbprints: [abc]\n    jwks_file: idp.jwks\n" +
           m,
       4, "oidc_providers[0].thumbprints: \"abc\" is not a thumbprint: 40 hex digits"},
      {"no key", "oidc_providers:\n  - {url: \"https://idp.example.com\", client_ids: [a]}\n" + m,
       2, "oidc_providers[0]: the provider's signing key is missing: set jwks_file"},
      {"two keys",
       "oidc_providers:\n  - url: \"https://idp.example.com\"\n    client_ids: [a]\n    "
       "jwks_file: idp.jwks\n    public_key_file: idp.pem\n" +
           m,
       5, "oidc_providers[0].public_key_file: jwks_file is already set"},
      {"missing key file",
       "oidc_providers:\n  - {url: \"https://idp.example.com\", client_ids: [a], jwks_file: "
       "none.jwks}\n" +
           m,
       2,
       "oidc_providers[0].jwks_file: cannot read " + (dir_ / "none.jwks").string() +
           ": No such file or directory"},
      {"jwks that is not one",
       "oidc_providers:\n  - {url: \"https://idp.example.com\", client_ids: [a], jwks_file: "
       "idp.pem}\n" +
           m,
       2, "is not a JSON Web Key Set: expected an object with \"keys\""},
      {"pem that is not one",
       "oidc_providers:\n  - {url: \"https://idp.example.com\", client_ids: [a], "
       "public_key_file: idp.jwks}\n" +
           m,
       2, "is not a PEM public key or certificate"},
      {"private key",
       "oidc_providers:\n  - {url: \"https://idp.example.com\", client_ids: [a], "
       "public_key_file: private.pem}\n" +
           m,
       2, "holds a private key; give the provider's public key only"},
      {"provider in an unknown account",
       accounts +
           "oidc_providers:\n  - {url: \"https://idp.example.com\", account: three, "
           "client_ids: [a], jwks_file: idp.jwks}\n" +
           m,
       5, "oidc_providers[0].account: no account has the alias \"three\""},
      // sts.
      {"sts not a map", "sts: on\n" + m, 1, "sts: expected a map"},
      {"bad sts switch", "sts:\n  enabled: maybe\n" + m, 2, "sts.enabled: expected true or false"},
      {"bad sts listen", "sts:\n  listen: [\"localhost:8170\"]\n" + m, 2,
       "sts.listen: \"localhost:8170\" is not ADDRESS:PORT (IPv6 in brackets: \"[::1]:8170\")"},
      {"sts listen on the imds port", "sts:\n  listen: \"127.0.0.1:8169\"\n" + m, 2,
       "sts.listen: 127.0.0.1:8169 overlaps server.listen 127.0.0.1:8169; the STS endpoint needs "
       "an address or port of its own (default port 8170)"},
      {"sts wildcard on the imds port",
       "server:\n  listen: 127.0.0.1:9000\nsts:\n  listen: \"0.0.0.0:9000\"\n" + m, 4,
       "sts.listen: 0.0.0.0:9000 overlaps server.listen 127.0.0.1:9000"},
      {"default sts listen on the imds port",
       "server:\n  listen: 127.0.0.1:8170\nusers:\n  - name: u\n" + m, 0,
       "sts.listen: 127.0.0.1:8170 overlaps server.listen 127.0.0.1:8170; the STS endpoint needs "
       "an address or port of its own (default port 8170); set sts.listen, or sts.enabled: false"},
      {"skew out of range", "sts:\n  max_clock_skew: 2h\n" + m, 2,
       "sts.max_clock_skew: 2h is out of range; allowed: 1s to 1h"},
      {"skew not a duration", "sts:\n  max_clock_skew: soon\n" + m, 2,
       "sts.max_clock_skew: expected a duration"},
      {"bad sts region", "sts:\n  region: mars\n" + m, 2,
       "sts.region: \"mars\" is not a region name like us-east-1"},
      {"sts region in another partition", "sts:\n  region: cn-north-1\n" + m, 2,
       "sts.region: cn-north-1 is not in partition aws"},
      {"unknown sts key", "sts:\n  max_skew: 5m\n" + m, 2,
       "unknown key \"max_skew\" in sts; known keys: enabled, listen, max_clock_skew, audit_log, "
       "region"},
      {"bad inline switch", "allow_inline_secrets: sure\n" + m, 1,
       "allow_inline_secrets: expected true or false"},
      // More limits and shapes.
      {"too many tags", "users:\n  - name: u\n    tags: {" + many_tags + "}\n" + m, 3,
       "users[0].tags: 51 tags; IAM allows at most 50 per user or role"},
      {"secret as a list", user_u + "    access_keys: [{id: KEY_A, secret_file: [a, b]}]\n" + m, 7,
       "users[0].access_keys[0].secret_file: expected a string, found a list or map"},
      {"secret file without a name",
       user_u + "    access_keys: [{id: KEY_A, secret_file: \"\"}]\n" + m, 7,
       "users[0].access_keys[0].secret_file: must name a file"},
      {"secret file is a directory",
       user_u + "    access_keys: [{id: KEY_A, secret_file: secrets.d}]\n" + m, 7,
       "secrets.d: not a regular file"},
      {"secret file too large",
       user_u + "    access_keys: [{id: KEY_A, secret_file: large.secret}]\n" + m, 7,
       "large.secret: larger than 4 KiB; expected one line"},
      {"empty variable",
       user_u + "    access_keys: [{id: KEY_A, secret_env: IMDSD_CONFIG_TEST_EMPTY}]\n" + m, 7,
       "users[0].access_keys[0].secret_env: environment variable IMDSD_CONFIG_TEST_EMPTY is "
       "empty; it should hold the secret access key"},
      {"device without user",
       user_u +
           "mfa_devices:\n  - {serial: \"arn:aws:iam::222222222222:mfa/u\", seed_file: "
           "alice.seed}\n" +
           m,
       8, "mfa_devices[0]: \"user\" is required: the name of the user the device is assigned to"},
      {"device without seed",
       user_u + "mfa_devices:\n  - {serial: \"arn:aws:iam::222222222222:mfa/u\", user: u}\n" + m, 8,
       "mfa_devices[0]: the MFA seed is missing: set seed_file (a file only you can read, "
       "chmod 600) or seed_env (an environment variable)"},
      {"too many client ids",
       "oidc_providers:\n  - {url: \"https://idp.example.com\", jwks_file: idp.jwks, client_ids: "
       "[" +
           many_ids + "]}\n" + m,
       2, "oidc_providers[0].client_ids: IAM allows at most 100 client ids per provider"},
      {"client id too long",
       "oidc_providers:\n  - {url: \"https://idp.example.com\", jwks_file: idp.jwks, client_ids: "
       "[" +
           std::string(256, 'c') + "]}\n" + m,
       2, "oidc_providers[0].client_ids: a client id has 1 to 255 characters"},
      {"too many thumbprints",
       "oidc_providers:\n  - {url: \"https://idp.example.com\", jwks_file: idp.jwks, client_ids: "
       "[a], thumbprints: [" +
           six_prints + "]}\n" + m,
       2, "oidc_providers[0].thumbprints: IAM keeps at most 5 thumbprints per provider"},
      {"key file without a name",
       "oidc_providers:\n  - {url: \"https://idp.example.com\", client_ids: [a], jwks_file: "
       "\"\"}\n" +
           m,
       2, "oidc_providers[0].jwks_file: must name a file"},
      {"key file too large",
       "oidc_providers:\n  - {url: \"https://idp.example.com\", client_ids: [a], jwks_file: "
       "large.jwks}\n" +
           m,
       2, "large.jwks is larger than 1 MiB"},
      {"empty sts listen", "sts:\n  listen: []\n" + m, 2,
       "sts.listen: give at least one ADDRESS:PORT"},
      {"sts listen twice", "sts:\n  listen:\n    - 127.0.0.1:8170\n    - 127.0.0.1:8170\n" + m, 4,
       "sts.listen: 127.0.0.1:8170 is listed twice (first at line 3)"},
  };
  ASSERT_EQ(setenv("IMDSD_CONFIG_TEST_EMPTY", "", 1), 0);
  fs::create_directory(dir_ / "secrets.d");
  WriteFileWithMode("large.secret", std::string(5000, 'a'), kOwnerOnly);
  WriteFile("large.jwks", "{\"keys\": []}" + std::string(std::size_t{1} << 20, ' '));
  WriteFileWithMode("bad.seed", "not*base32", kOwnerOnly);
  WriteFileWithMode("short.seed", "JBSWY3DPEHPK3PXP", kOwnerOnly);
  WriteFile("private.pem", "-----BEGIN PRIVATE KEY-----\nMC4C\n-----END PRIVATE KEY-----\n");
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.what);
    LoadOutcome outcome = Load(WithKeys(c.yaml));
    EXPECT_FALSE(outcome.ok());
    EXPECT_THAT(LinesAndReasons(outcome), ElementsAre(ErrorAt(c.line, WithKeys(c.reason))));
  }
  unsetenv("IMDSD_CONFIG_TEST_EMPTY");
}

}  // namespace
}  // namespace imdsd::config

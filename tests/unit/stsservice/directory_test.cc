// Directory: what the index finds, and what it refuses to build.

#include "stsservice/directory.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/loader.h"
#include "stsservice_fixture.h"

namespace imdsd::stsservice {
namespace {

using ::testing::HasSubstr;

class DirectoryTest : public StsServiceTest {};

TEST_F(DirectoryTest, FindsUsersByKeyArnAndName) {
  const AccessKeyEntry* key = directory_->FindAccessKey(alice_key_);
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->user->arn, kAliceArn);
  EXPECT_EQ(directory_->FindUserByArn(kAliceArn), key->user);
  EXPECT_EQ(directory_->FindUser(Account(kTrusted), "ALICE"), key->user);
  EXPECT_EQ(directory_->FindUser(Account(kTrusting), "alice"), nullptr);
  EXPECT_EQ(key->user->policies.size(), 2u);
  EXPECT_EQ(directory_->FindAccessKey("AKIANOTCONFIGURED000"), nullptr);
}

TEST_F(DirectoryTest, KeepsInactiveKeysForTheAuthenticatorToRefuse) {
  const AccessKeyEntry* key = directory_->FindAccessKey(carol_key_);
  ASSERT_NE(key, nullptr);
  EXPECT_FALSE(key->key->active);
}

TEST_F(DirectoryTest, FindsRolesDevicesAndProviders) {
  const RoleEntry* role = directory_->FindRoleByArn(RoleArn("cross-reader"));
  ASSERT_NE(role, nullptr);
  EXPECT_EQ(role->trust_policy.policy.statements.size(), 1u);
  EXPECT_THAT(role->trust_policy.name, HasSubstr("trust policy of role"));
  EXPECT_EQ(directory_->FindRoleByArn("arn:aws:iam::111111111111:role/CROSS-READER"), nullptr);

  const MfaDeviceEntry* device = directory_->FindMfaDevice(kMfaSerial);
  ASSERT_NE(device, nullptr);
  EXPECT_EQ(device->user, directory_->FindUserByArn(kAliceArn));

  EXPECT_NE(directory_->FindOidcProviderByArn(kProviderArn), nullptr);
  EXPECT_NE(directory_->FindOidcProviderByIssuer(Account(kTrusting), kIssuer), nullptr);
  EXPECT_EQ(directory_->FindOidcProviderByIssuer(Account(kTrusted), kIssuer), nullptr);
  EXPECT_TRUE(directory_->HasAccount(Account(kTrusted)));
}

TEST_F(DirectoryTest, RefusesAPolicyThatDoesNotParse) {
  config_->roles[0].trust_policy.json = R"({"Statement":[{"Effect":"Maybe"}]})";
  auto dir = Directory::Build(config_);
  ASSERT_FALSE(dir.ok());
  EXPECT_THAT(dir.status().message(), HasSubstr("trust policy of role"));
}

TEST_F(DirectoryTest, RefusesAnOidcKeyThatDoesNotLoad) {
  config_->oidc_providers[0].key_text = "not a key";
  auto dir = Directory::Build(config_);
  ASSERT_FALSE(dir.ok());
  EXPECT_THAT(dir.status().message(), HasSubstr("OIDC provider"));
}

TEST_F(DirectoryTest, BuildsFromLoadedYaml) {
  const std::string key = AccessKeyFor(kTrusted, 5);
  const std::string yaml = R"(account_id: "111111111111"
allow_inline_secrets: true
accounts:
  - {id: "111111111111"}
  - {id: "222222222222"}
users:
  - name: dave
    account: "222222222222"
    path: /lab/
    access_keys:
      - id: )" + key + R"(
        secret: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
roles:
  - name: reader
    trust_policy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: {AWS: "arn:aws:iam::222222222222:root"}
          Action: sts:AssumeRole
instances:
  - name: lab
    match: ["127.0.0.1"]
)";
  config::LoadOutcome loaded = config::LoadConfigText(yaml, "/tmp/stsservice-test.yaml");
  ASSERT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors[0].ToString());
  auto dir = Directory::Build(loaded.config);
  ASSERT_TRUE(dir.ok()) << dir.status().ToString();
  const AccessKeyEntry* entry = (*dir)->FindAccessKey(key);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->user->arn, "arn:aws:iam::222222222222:user/lab/dave");
  EXPECT_NE((*dir)->FindRoleByArn("arn:aws:iam::111111111111:role/reader"), nullptr);
}

}  // namespace
}  // namespace imdsd::stsservice

#include "policy/context.h"

#include <chrono>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes/fake_clock.h"

namespace imdsd::policy {
namespace {

using ::testing::ElementsAre;
using ::testing::Pointee;

TEST(ConditionContextTest, KeysIgnoreCaseValuesKeepIt) {
  ConditionContext keys;
  keys.Set("aws:SourceIp", std::string("10.0.0.1"));
  ASSERT_NE(keys.Find("AWS:sourceip"), nullptr);
  EXPECT_THAT(keys.Find("aws:sourceIP"), Pointee(ElementsAre("10.0.0.1")));
  keys.Set("AWS:SOURCEIP", std::string("10.0.0.2"));  // the same key
  EXPECT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys.Single("aws:SourceIp"), "10.0.0.2");
  keys.Set("aws:PrincipalTag/Team", std::string("Data"));
  EXPECT_EQ(keys.Single("aws:principaltag/team"), "Data");
  EXPECT_EQ(keys.Find("aws:SourceIpx"), nullptr);
  EXPECT_FALSE(keys.Has("aws:Source"));
}

TEST(ConditionContextTest, ListsAddAndEmptyListsRemove) {
  ConditionContext keys;
  keys.Add(keys::kTagKeys, "a");
  keys.Add("AWS:TagKeys", "b");
  EXPECT_THAT(keys.Find(keys::kTagKeys), Pointee(ElementsAre("a", "b")));
  // Several values: not usable as a single value (nor as a policy variable).
  EXPECT_EQ(keys.Single(keys::kTagKeys), std::nullopt);
  keys.Set(keys::kTagKeys, std::vector<std::string>{});
  EXPECT_FALSE(keys.Has(keys::kTagKeys));
  keys.Set(keys::kExternalId, std::string("x"));
  keys.Remove("STS:EXTERNALID");
  EXPECT_EQ(keys.size(), 0u);
  keys.Remove("never-set");
}

TEST(ConditionContextTest, TagHelpers) {
  ConditionContext keys;
  keys.SetPrincipalTags({{"team", "data"}, {"cost-center", "42"}});
  keys.SetRequestTags({{"Project", "atlas"}, {"env", "dev"}});
  EXPECT_EQ(keys.Single("aws:PrincipalTag/team"), "data");
  EXPECT_EQ(keys.Single("aws:PrincipalTag/cost-center"), "42");
  EXPECT_EQ(keys.Single("aws:RequestTag/project"), "atlas");
  EXPECT_THAT(keys.Find(keys::kTagKeys), Pointee(ElementsAre("Project", "env")));
}

TEST(ConditionContextTest, TimeAndMfaComeFromTheInjectedClock) {
  testing::FakeClock clock;  // 2026-01-01T00:00:00Z
  ConditionContext keys;
  const WallTime mfa_at = clock.Now();
  clock.Advance(std::chrono::minutes(5));
  keys.SetRequestTime(clock.Now());
  keys.SetMultiFactorAuth(mfa_at, clock.Now());
  EXPECT_EQ(keys.Single(keys::kCurrentTime), "2026-01-01T00:05:00Z");
  EXPECT_EQ(keys.Single(keys::kEpochTime), "1767225900");
  EXPECT_EQ(keys.Single(keys::kMultiFactorAuthPresent), "true");
  EXPECT_EQ(keys.Single(keys::kMultiFactorAuthAge), "300");
  // A clock step backwards never gives a negative age.
  keys.SetMultiFactorAuth(clock.Now() + std::chrono::seconds(10), clock.Now());
  EXPECT_EQ(keys.Single(keys::kMultiFactorAuthAge), "0");
}

TEST(ConditionContextTest, WebIdentityKeysAreNamedAfterTheIssuer) {
  EXPECT_EQ(WebIdentityKey("https://token.actions.githubusercontent.com", "sub"),
            "token.actions.githubusercontent.com:sub");
  EXPECT_EQ(WebIdentityKey("https://oidc.example.com/realms/lab/", "aud"),
            "oidc.example.com/realms/lab:aud");
  EXPECT_EQ(WebIdentityKey("accounts.google.com", "aud"), "accounts.google.com:aud");
}

}  // namespace
}  // namespace imdsd::policy

#include "imds/tenant_resolver.h"

#include <gtest/gtest.h>

#include "imds_fixture.h"

namespace imdsd::imds {
namespace {

class TenantResolverTest : public ImdsFixture {
 protected:
  TenantResolver Resolver() const {
    return TenantResolver(std::make_shared<const config::Config>(config_));
  }
};

TEST_F(TenantResolverTest, MatchesByCidr) {
  const TenantResolver resolver = Resolver();
  ASSERT_NE(resolver.Resolve(Ip("10.0.1.200")), nullptr);
  EXPECT_EQ(resolver.Resolve(Ip("10.0.1.200"))->name, "web");
  EXPECT_EQ(resolver.Resolve(Ip("10.0.2.1"))->name, "db");
  EXPECT_EQ(resolver.ResolveIndex(Ip("10.0.2.1")), 1u);
}

TEST_F(TenantResolverTest, UnknownSourceHasNoTenant) {
  const TenantResolver resolver = Resolver();
  EXPECT_EQ(resolver.Resolve(Ip("192.168.1.1")), nullptr);
  EXPECT_EQ(resolver.Resolve(Ip("fd00::1")), nullptr);
  EXPECT_EQ(resolver.ResolveIndex(Ip("192.168.1.1")), std::nullopt);
}

TEST_F(TenantResolverTest, FirstMatchInConfigOrderWins) {
  config_.instances[1].match = {Cidr("10.0.0.0/8")};  // db also covers web's range
  EXPECT_EQ(Resolver().Resolve(Ip("10.0.1.5"))->name, "web");
  std::swap(config_.instances[0], config_.instances[1]);
  EXPECT_EQ(Resolver().Resolve(Ip("10.0.1.5"))->name, "db");
}

TEST_F(TenantResolverTest, AnyOfSeveralCidrsMatches) {
  config_.instances[1].match.push_back(Cidr("fd00:ec2::/64"));
  EXPECT_EQ(Resolver().Resolve(Ip("fd00:ec2::7"))->name, "db");
}

TEST_F(TenantResolverTest, DefaultInstanceCatchesUnknownSources) {
  config_.default_instance = 1;
  const TenantResolver resolver = Resolver();
  EXPECT_EQ(resolver.Resolve(Ip("192.168.1.1"))->name, "db");
  EXPECT_EQ(resolver.Resolve(Ip("10.0.1.5"))->name, "web");  // a match still wins
}

}  // namespace
}  // namespace imdsd::imds

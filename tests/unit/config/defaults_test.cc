#include "config/defaults.h"

#include <chrono>

#include <gtest/gtest.h>

#include "common/net.h"
#include "config/rules.h"

namespace imdsd::config {
namespace {

TEST(DefaultsTest, Fnv1aMatchesPublishedVectors) {
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(Fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

TEST(DefaultsTest, DerivedHexHasTheAskedLengthAndIsGolden) {
  // Golden: changing the derivation would change every user's ids on upgrade.
  EXPECT_EQ(DeriveHex("a", "b", 16), "e620c3190468cf61");
  EXPECT_EQ(DeriveHex("a", "b", 16), DeriveHex("a", "b", 20).substr(0, 16));
  EXPECT_EQ(DeriveHex("a", "b", 20).size(), 20u);
  EXPECT_EQ(DeriveId("i-", "dev-vm", "instance_id").size(), 19u);
  EXPECT_TRUE(IsEc2Id(DeriveId("vpc-", "dev-vm", "vpc_id"), "vpc-"));
}

TEST(DefaultsTest, MacIsLocallyAdministeredUnicast) {
  for (const char* name : {"a", "b", "dev-vm", "prod"}) {
    std::string mac = DeriveMac(name);
    ASSERT_TRUE(IsMacAddress(mac)) << mac;
    int first = std::stoi(mac.substr(0, 2), nullptr, 16);
    EXPECT_EQ(first & 0x03, 0x02) << mac;
  }
}

TEST(DefaultsTest, RegionCodesUseTheTableThenTheInitials) {
  EXPECT_EQ(RegionCode("us-east-1"), "use1");
  EXPECT_EQ(RegionCode("ap-southeast-2"), "apse2");
  EXPECT_EQ(RegionCode("ap-northeast-1"), "apne1");
  EXPECT_EQ(RegionCode("me-central-1"), "mec1");
  EXPECT_EQ(RegionCode("cn-northwest-1"), "cnnw1");
  EXPECT_EQ(RegionCode("us-gov-west-1"), "usgw1");
  EXPECT_EQ(AvailabilityZoneId("eu-west-2", "eu-west-2c"), "euw2-az3");
}

TEST(DefaultsTest, ArchitectureComesFromTheFamily) {
  EXPECT_EQ(ArchitectureForInstanceType("t4g.nano"), "arm64");
  EXPECT_EQ(ArchitectureForInstanceType("m7gd.large"), "arm64");
  EXPECT_EQ(ArchitectureForInstanceType("a1.medium"), "arm64");
  EXPECT_EQ(ArchitectureForInstanceType("g5.xlarge"), "x86_64");  // 'g' before the digit
  EXPECT_EQ(ArchitectureForInstanceType("m5n.large"), "x86_64");
  EXPECT_EQ(ArchitectureForInstanceType("t3.micro"), "x86_64");
}

TEST(DefaultsTest, DefaultSubnetFollowsTheZone) {
  EXPECT_EQ(DefaultSubnetCidr("172.31.0.0/16", "us-east-1a"), "172.31.0.0/20");
  EXPECT_EQ(DefaultSubnetCidr("172.31.0.0/16", "us-east-1d"), "172.31.48.0/20");
  EXPECT_EQ(DefaultSubnetCidr("10.0.0.0/16", "us-east-1d"), "10.0.0.0/16");
}

TEST(DefaultsTest, PrivateIpStaysInsideTheSubnetAndOffReservedAddresses) {
  auto subnet = net::Cidr::Parse("10.0.1.0/28").value();
  for (const char* name : {"a", "b", "c", "d", "e", "f", "g", "h"}) {
    auto ip = DerivePrivateIp(name, "10.0.1.0/28");
    ASSERT_TRUE(ip.has_value());
    auto address = net::IpAddress::Parse(*ip).value();
    EXPECT_TRUE(subnet.Contains(address)) << *ip;
    int last = address.bytes()[3];
    EXPECT_GE(last, 4) << *ip;
    EXPECT_LE(last, 14) << *ip;
  }
  EXPECT_EQ(DerivePrivateIp("a", "10.0.0.7/32"), "10.0.0.7");
  EXPECT_FALSE(DerivePrivateIp("a", "fd00::/64").has_value());
}

TEST(DefaultsTest, HostnamesAndPartitions) {
  EXPECT_EQ(LocalHostname("10.0.0.1", "us-east-1"), "ip-10-0-0-1.ec2.internal");
  EXPECT_EQ(LocalHostname("10.0.0.1", "sa-east-1"), "ip-10-0-0-1.sa-east-1.compute.internal");
  EXPECT_EQ(PublicHostname("1.2.3.4", "us-west-2", "amazonaws.com"),
            "ec2-1-2-3-4.us-west-2.compute.amazonaws.com");
  EXPECT_EQ(PartitionForRegion("cn-north-1"), "aws-cn");
  EXPECT_EQ(DomainForRegion("cn-north-1"), "amazonaws.com.cn");
  EXPECT_EQ(PartitionForRegion("us-gov-east-1"), "aws-us-gov");
  EXPECT_EQ(PartitionForRegion("eu-west-1"), "aws");
  EXPECT_EQ(DomainForPartition("aws-cn"), "amazonaws.com.cn");
  EXPECT_EQ(DomainForPartition("aws-us-gov"), "amazonaws.com");
  EXPECT_EQ(DomainForPartition("aws-iso"), "amazonaws.com");
}

TEST(DefaultsTest, RegionsFitTheirPartition) {
  EXPECT_TRUE(RegionFitsPartition("us-east-1", "aws"));
  EXPECT_TRUE(RegionFitsPartition("cn-north-1", "aws-cn"));
  EXPECT_TRUE(RegionFitsPartition("us-gov-west-1", "aws-us-gov"));
  EXPECT_FALSE(RegionFitsPartition("cn-north-1", "aws"));
  EXPECT_FALSE(RegionFitsPartition("us-east-1", "aws-cn"));
  EXPECT_FALSE(RegionFitsPartition("us-east-1", "aws-us-gov"));
  EXPECT_FALSE(RegionFitsPartition("us-gov-west-1", "aws-cn"));
  EXPECT_TRUE(RegionFitsPartition("us-iso-east-1", "aws-iso"));  // not checked
}

TEST(DefaultsTest, RefreshLeadIsFiveSixthsOfTheLifetime) {
  using std::chrono::hours;
  using std::chrono::minutes;
  using std::chrono::seconds;
  EXPECT_EQ(DefaultRefreshLead(hours(6)), hours(5));
  EXPECT_EQ(DefaultRefreshLead(hours(1)), minutes(50));
  EXPECT_EQ(DefaultRefreshLead(minutes(15)), seconds(750));
  EXPECT_EQ(DefaultRefreshLead(seconds(1)), seconds(0));
  // The built-in defaults follow the same rule.
  EXPECT_EQ(DefaultRefreshLead(CredentialOptions{}.lifetime), CredentialOptions{}.refresh_lead);
}

TEST(DefaultsTest, InstanceDefaultsFeedEmptyFields) {
  Instance in;
  in.name = "a";
  ApplyInstanceDefaults(in, InstanceDefaults{"000000000042", "cn-north-1", ""});
  EXPECT_EQ(in.account_id, "000000000042");
  EXPECT_EQ(in.region, "cn-north-1");
  EXPECT_EQ(in.partition, "aws-cn");
  EXPECT_EQ(in.domain, "amazonaws.com.cn");

  Instance own;
  own.name = "b";
  own.account_id = "111111111111";
  own.region = "us-iso-east-1";
  ApplyInstanceDefaults(own, InstanceDefaults{"000000000042", "us-east-1", "aws-iso"});
  EXPECT_EQ(own.account_id, "111111111111");
  EXPECT_EQ(own.region, "us-iso-east-1");
  EXPECT_EQ(own.partition, "aws-iso");  // an explicit partition wins over the region's
}

}  // namespace
}  // namespace imdsd::config

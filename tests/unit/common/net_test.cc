#include "common/net.h"

#include <gtest/gtest.h>

namespace imdsd::net {
namespace {

IpAddress Ip(const char* s) { return IpAddress::Parse(s).value(); }

TEST(IpAddressTest, ParsesBothFamiliesAndNormalisesMappedV4) {
  EXPECT_TRUE(Ip("127.0.0.2").is_v4());
  EXPECT_FALSE(Ip("::1").is_v4());
  EXPECT_EQ(Ip("::ffff:10.1.2.3"), Ip("10.1.2.3"));
  EXPECT_EQ(Ip("fd00:ec2::254").ToString(), "fd00:ec2::254");
  EXPECT_FALSE(IpAddress::Parse("256.0.0.1"));
  EXPECT_FALSE(IpAddress::Parse(""));
  EXPECT_FALSE(IpAddress::Parse("localhost"));
}

TEST(CidrTest, ContainsRespectsPrefixAndFamily) {
  auto net8 = Cidr::Parse("10.0.0.0/8").value();
  EXPECT_TRUE(net8.Contains(Ip("10.255.1.1")));
  EXPECT_FALSE(net8.Contains(Ip("11.0.0.1")));
  EXPECT_FALSE(net8.Contains(Ip("::1")));
  auto odd = Cidr::Parse("192.168.4.0/22").value();
  EXPECT_TRUE(odd.Contains(Ip("192.168.7.255")));
  EXPECT_FALSE(odd.Contains(Ip("192.168.8.0")));
  auto host = Cidr::Parse("127.0.0.2").value();
  EXPECT_EQ(host.prefix_length(), 32);
  EXPECT_TRUE(host.Contains(Ip("127.0.0.2")));
  EXPECT_FALSE(host.Contains(Ip("127.0.0.3")));
  auto v6 = Cidr::Parse("fd00::/8").value();
  EXPECT_TRUE(v6.Contains(Ip("fd12::1")));
  EXPECT_TRUE(Cidr::Parse("0.0.0.0/0")->Contains(Ip("8.8.8.8")));
}

TEST(CidrTest, RefusesMalformedInput) {
  EXPECT_FALSE(Cidr::Parse("10.0.0.1/8"));  // host bits set
  EXPECT_FALSE(Cidr::Parse("10.0.0.0/33"));
  EXPECT_FALSE(Cidr::Parse("10.0.0.0/"));
  EXPECT_FALSE(Cidr::Parse("10.0.0.0/8x"));
  EXPECT_FALSE(Cidr::Parse("::/129"));
}

TEST(EndpointTest, ParsesV4AndBracketedV6) {
  auto a = Endpoint::Parse("127.0.0.1:8169").value();
  EXPECT_EQ(a.port, 8169);
  EXPECT_EQ(a.ToString(), "127.0.0.1:8169");
  auto b = Endpoint::Parse("[::1]:0").value();
  EXPECT_EQ(b.ToString(), "[::1]:0");
  EXPECT_FALSE(Endpoint::Parse("::1:80"));
  EXPECT_FALSE(Endpoint::Parse("127.0.0.1"));
  EXPECT_FALSE(Endpoint::Parse("127.0.0.1:65536"));
  EXPECT_FALSE(Endpoint::Parse("[::1]"));
}

}  // namespace
}  // namespace imdsd::net

#include "config/rules.h"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

namespace imdsd::config {
namespace {

TEST(RulesTest, Ec2IdsHave8Or17LowerHexDigits) {
  EXPECT_TRUE(IsEc2Id("i-0123456789abcdef0", "i-"));
  EXPECT_TRUE(IsEc2Id("i-12345678", "i-"));
  EXPECT_FALSE(IsEc2Id("i-123456789", "i-"));
  EXPECT_FALSE(IsEc2Id("i-0123456789ABCDEF0", "i-"));
  EXPECT_FALSE(IsEc2Id("ami-12345678", "i-"));
  EXPECT_FALSE(IsEc2Id("i-", "i-"));
}

TEST(RulesTest, SimpleShapes) {
  EXPECT_TRUE(IsAccountId("123456789012"));
  EXPECT_FALSE(IsAccountId("12345678901"));
  EXPECT_FALSE(IsAccountId("12345678901a"));
  EXPECT_TRUE(IsInstanceName("dev-vm.1_a"));
  EXPECT_FALSE(IsInstanceName(""));
  EXPECT_FALSE(IsInstanceName(std::string(65, 'a')));
  EXPECT_FALSE(IsInstanceName("a/b"));
  EXPECT_TRUE(IsRegionName("us-east-1"));
  EXPECT_TRUE(IsRegionName("us-gov-west-1"));
  EXPECT_FALSE(IsRegionName("us-east"));
  EXPECT_FALSE(IsRegionName("US-east-1"));
  EXPECT_FALSE(IsRegionName("useast1"));
  EXPECT_TRUE(IsInstanceType("c6gn.16xlarge"));
  EXPECT_TRUE(IsInstanceType("u-6tb1.metal"));
  EXPECT_FALSE(IsInstanceType("t3"));
  EXPECT_FALSE(IsInstanceType("T3.micro"));
  EXPECT_TRUE(IsAvailabilityZoneId("use1-az4"));
  EXPECT_FALSE(IsAvailabilityZoneId("use1-az"));
  EXPECT_TRUE(IsMacAddress("0e:12:34:56:78:9a"));
  EXPECT_FALSE(IsMacAddress("0e:12:34:56:78"));
  EXPECT_FALSE(IsMacAddress("0e-12-34-56-78-9a"));
  EXPECT_TRUE(IsBlockDeviceName("ephemeral0"));
  EXPECT_TRUE(IsBlockDeviceName("ebs12"));
  EXPECT_FALSE(IsBlockDeviceName("ebs"));
  EXPECT_FALSE(IsBlockDeviceName("disk1"));
}

TEST(RulesTest, TagKeysFollowEc2MetadataRules) {
  EXPECT_EQ(TagKeyProblem("Name"), "");
  EXPECT_EQ(TagKeyProblem("aws:cloudformation:stack-name"), "");
  EXPECT_EQ(TagKeyProblem("a+b=c.d,e_f@g"), "");
  EXPECT_NE(TagKeyProblem("with space"), "");
  EXPECT_NE(TagKeyProblem("a/b"), "");
  EXPECT_NE(TagKeyProblem("a;b"), "");
  EXPECT_NE(TagKeyProblem("."), "");
  EXPECT_NE(TagKeyProblem(".."), "");
  EXPECT_NE(TagKeyProblem("_index"), "");
  EXPECT_NE(TagKeyProblem(""), "");
  EXPECT_NE(TagKeyProblem(std::string(129, 'a')), "");
}

TEST(RulesTest, Base64DecodesStrictly) {
  EXPECT_EQ(DecodeBase64("aGVsbG8="), "hello");
  EXPECT_EQ(DecodeBase64("aGVsbG8"), "hello");
  EXPECT_EQ(DecodeBase64("aGVs\nbG8h"), "hello!");
  EXPECT_EQ(DecodeBase64(""), "");
  EXPECT_EQ(DecodeBase64("AP8="), std::string("\0\xff", 2));
  EXPECT_FALSE(DecodeBase64("a").has_value());
  EXPECT_FALSE(DecodeBase64("aGVsbG8*").has_value());
  EXPECT_FALSE(DecodeBase64("aG=Vs").has_value());
}

TEST(RulesTest, SuggestsTheClosestKeyWithinTwoEdits) {
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3);
  EXPECT_EQ(EditDistance("", "abc"), 3);
  EXPECT_EQ(ClosestWithin2("treads", {"listen", "threads"}), "threads");
  EXPECT_EQ(ClosestWithin2("instance", {"instances", "instance_id"}), "instances");
  EXPECT_FALSE(ClosestWithin2("colour", {"name", "match"}).has_value());
}

TEST(RulesTest, DurationsAreSecondsOrHoursMinutesSeconds) {
  using std::chrono::seconds;
  EXPECT_EQ(ParseDuration("3600"), seconds(3600));
  EXPECT_EQ(ParseDuration("0"), seconds(0));
  EXPECT_EQ(ParseDuration("90s"), seconds(90));
  EXPECT_EQ(ParseDuration("20m"), seconds(1200));
  EXPECT_EQ(ParseDuration("6h"), seconds(21600));
  EXPECT_EQ(ParseDuration("1h30m"), seconds(5400));
  EXPECT_EQ(ParseDuration("1h0m5s"), seconds(3605));
  EXPECT_EQ(ParseDuration("2m30s"), seconds(150));
  EXPECT_EQ(ParseDuration("999999999h"), seconds(999999999LL * 3600));
  for (const char* bad : {"", "h", "1x", "1.5h", "-5", "+5", "1 h", "30m1h", "1h1h", "5s1", "1d",
                          "1H", "1000000000", "1000000000s", "10m ", "m5"}) {
    EXPECT_EQ(ParseDuration(bad), std::nullopt) << bad;
  }
}

TEST(RulesTest, FormatDurationReadsBack) {
  using std::chrono::seconds;
  EXPECT_EQ(FormatDuration(seconds(0)), "0s");
  EXPECT_EQ(FormatDuration(seconds(45)), "45s");
  EXPECT_EQ(FormatDuration(seconds(750)), "12m30s");
  EXPECT_EQ(FormatDuration(seconds(5400)), "1h30m");
  EXPECT_EQ(FormatDuration(seconds(3605)), "1h5s");
  EXPECT_EQ(FormatDuration(seconds(129600)), "36h");
  for (long long s : {1LL, 59LL, 60LL, 61LL, 3599LL, 3600LL, 3661LL, 86399LL, 129600LL}) {
    EXPECT_EQ(ParseDuration(FormatDuration(seconds(s))), seconds(s)) << s;
  }
}

TEST(RulesTest, IamPolicyNames) {
  EXPECT_TRUE(IsIamPolicyName("s3-read"));
  EXPECT_TRUE(IsIamPolicyName("a+b=c,d.e@f_g-h"));
  EXPECT_TRUE(IsIamPolicyName(std::string(128, 'x')));
  EXPECT_FALSE(IsIamPolicyName(std::string(129, 'x')));
  EXPECT_FALSE(IsIamPolicyName(""));
  EXPECT_FALSE(IsIamPolicyName("a b"));
  EXPECT_FALSE(IsIamPolicyName("a/b"));
}

TEST(RulesTest, QuoteEscapesAndShortens) {
  EXPECT_EQ(Quote("a\"b"), "\"a\\\"b\"");
  EXPECT_EQ(Quote(std::string("\0\n", 2)), "\"\\x00\\x0a\"");
  EXPECT_EQ(Quote(std::string(70, 'x')), "\"" + std::string(60, 'x') + "...\"");
}

TEST(RulesTest, AccountAliasesFollowIam) {
  EXPECT_TRUE(IsAccountAlias("trusting"));
  EXPECT_TRUE(IsAccountAlias("lab-2"));
  EXPECT_TRUE(IsAccountAlias("abc"));
  EXPECT_TRUE(IsAccountAlias(std::string(63, 'a')));
  EXPECT_FALSE(IsAccountAlias(std::string(64, 'a')));
  EXPECT_FALSE(IsAccountAlias("ab"));
  EXPECT_FALSE(IsAccountAlias("-lab"));
  EXPECT_FALSE(IsAccountAlias("lab-"));
  EXPECT_FALSE(IsAccountAlias("la--b"));
  EXPECT_FALSE(IsAccountAlias("Lab"));
  EXPECT_FALSE(IsAccountAlias("la_b"));
  EXPECT_FALSE(IsAccountAlias("123456789012"));  // would read as an account id
}

TEST(RulesTest, IamTags) {
  EXPECT_EQ(IamTagKeyProblem("cost-center"), "");
  EXPECT_EQ(IamTagKeyProblem("team name/a:b=c+d@e_f.g"), "");
  EXPECT_EQ(IamTagKeyProblem(std::string(128, 'k')), "");
  EXPECT_NE(IamTagKeyProblem(std::string(129, 'k')), "");
  EXPECT_NE(IamTagKeyProblem(""), "");
  EXPECT_NE(IamTagKeyProblem("aws:team"), "");
  EXPECT_NE(IamTagKeyProblem("a;b"), "");
  EXPECT_EQ(IamTagValueProblem(""), "");
  EXPECT_EQ(IamTagValueProblem(std::string(256, 'v')), "");
  EXPECT_NE(IamTagValueProblem(std::string(257, 'v')), "");
  EXPECT_NE(IamTagValueProblem("a\nb"), "");
}

TEST(RulesTest, KeyAndIdShapes) {
  EXPECT_TRUE(IsLongTermAccessKeyId("AKIAIOSFODNN7EXAMPLE"));
  EXPECT_TRUE(IsLongTermAccessKeyId("AKIARZPUZDIKFLPK3PXP"));
  EXPECT_FALSE(IsLongTermAccessKeyId("ASIARZPUZDIKFLPK3PXP"));
  EXPECT_FALSE(IsLongTermAccessKeyId("AKIArzpuzdikflpk3pxp"));
  EXPECT_FALSE(IsLongTermAccessKeyId("AKIARZPUZDIKFLPK3PX"));
  EXPECT_TRUE(IsIamUniqueId("AIDAJQABLZS4A3QDU576Q", "AIDA"));
  EXPECT_FALSE(IsIamUniqueId("AROAJQABLZS4A3QDU576Q", "AIDA"));
  EXPECT_FALSE(IsIamUniqueId("AIDAJQABLZS4A3QDU576", "AIDA"));
  EXPECT_TRUE(IsSecretAccessKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
  EXPECT_FALSE(IsSecretAccessKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE"));
  EXPECT_FALSE(IsSecretAccessKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE="));
  EXPECT_TRUE(IsEnvVarName("ALICE_SECRET_1"));
  EXPECT_TRUE(IsEnvVarName("_x"));
  EXPECT_FALSE(IsEnvVarName("1X"));
  EXPECT_FALSE(IsEnvVarName("A-B"));
  EXPECT_FALSE(IsEnvVarName(""));
  EXPECT_TRUE(IsThumbprint("9e99a48a9960b14926bb7f3b02e22da2b0ab7280"));
  EXPECT_TRUE(IsThumbprint("9E99A48A9960B14926BB7F3B02E22DA2B0AB7280"));
  EXPECT_FALSE(IsThumbprint("9e99a48a9960b14926bb7f3b02e22da2b0ab728"));
  EXPECT_FALSE(IsThumbprint("9e99a48a9960b14926bb7f3b02e22da2b0ab728g"));
}

TEST(RulesTest, Base32SeedsAsAuthenticatorAppsWriteThem) {
  const std::string hello("Hello!\xde\xad\xbe\xef", 10);
  EXPECT_EQ(DecodeBase32Seed("JBSWY3DPEHPK3PXP"), hello);
  EXPECT_EQ(DecodeBase32Seed("jbsw y3dp ehpk 3pxp"), hello);
  EXPECT_EQ(DecodeBase32Seed("MZXW6==="), "foo");  // RFC 4648 test vector, padded
  EXPECT_EQ(DecodeBase32Seed("MZXW6"), "foo");
  EXPECT_EQ(DecodeBase32Seed(""), "");
  EXPECT_EQ(DecodeBase32Seed("MZXW6YTBOI======"), "foobar");
  EXPECT_EQ(DecodeBase32Seed("JBSWY3DPEHPK3PX1"), std::nullopt);   // 1 is not base32
  EXPECT_EQ(DecodeBase32Seed("JBSWY3DP=EHPK3PXP"), std::nullopt);  // data after padding
  EXPECT_EQ(DecodeBase32Seed("MZXW6Y"), std::nullopt);             // a character short of "foob"
}

TEST(RulesTest, OidcProviderUrls) {
  EXPECT_EQ(OidcUrlProblem("https://token.actions.githubusercontent.com"), "");
  EXPECT_EQ(OidcUrlProblem("https://idp.example.com/realms/lab"), "");
  EXPECT_EQ(OidcUrlProblem("https://oidc.eks.us-east-1.amazonaws.com/id/ABC123"), "");
  EXPECT_NE(OidcUrlProblem("http://idp.example.com"), "");
  EXPECT_NE(OidcUrlProblem("idp.example.com"), "");
  EXPECT_NE(OidcUrlProblem("https://idp.example.com:8443"), "");
  EXPECT_NE(OidcUrlProblem("https://idp.example.com/"), "");
  EXPECT_NE(OidcUrlProblem("https://idp.example.com/a?b=c"), "");
  EXPECT_NE(OidcUrlProblem("https://idp.example.com/a#b"), "");
  EXPECT_NE(OidcUrlProblem("https://user@idp.example.com"), "");
  EXPECT_NE(OidcUrlProblem("https://IDP.example.com"), "");
  EXPECT_NE(OidcUrlProblem("https://"), "");
  EXPECT_NE(OidcUrlProblem("https://idp.example.com/a//b"), "");
  EXPECT_NE(OidcUrlProblem("https://idp.example.com/a b"), "");
  EXPECT_NE(OidcUrlProblem("https://idp.example.com/" + std::string(240, 'a')), "");
}

TEST(RulesTest, GlobalArnsAndPrincipalAccounts) {
  auto arn = ParseGlobalArn("arn:aws:iam::123456789012:mfa/team/alice");
  ASSERT_TRUE(arn.has_value());
  EXPECT_EQ(arn->partition, "aws");
  EXPECT_EQ(arn->service, "iam");
  EXPECT_EQ(arn->account, "123456789012");
  EXPECT_EQ(arn->resource, "mfa/team/alice");
  EXPECT_TRUE(ParseGlobalArn("arn:aws-cn:sts::123456789012:assumed-role/r/s").has_value());
  EXPECT_FALSE(ParseGlobalArn("arn:aws:iam:us-east-1:123456789012:role/r").has_value());
  EXPECT_FALSE(ParseGlobalArn("arn:aws:iam::12345678901:role/r").has_value());
  EXPECT_FALSE(ParseGlobalArn("arn:aws:iam::123456789012:").has_value());
  EXPECT_FALSE(ParseGlobalArn("arn:aws:iam::123456789012").has_value());

  EXPECT_EQ(AccountOfPrincipal("123456789012"), "123456789012");
  EXPECT_EQ(AccountOfPrincipal("arn:aws:iam::123456789012:root"), "123456789012");
  EXPECT_EQ(AccountOfPrincipal("arn:aws:sts::210987654321:assumed-role/r/s"), "210987654321");
  EXPECT_EQ(AccountOfPrincipal("*"), std::nullopt);
  EXPECT_EQ(AccountOfPrincipal("arn:aws:s3:::bucket"), std::nullopt);
}

}  // namespace
}  // namespace imdsd::config
